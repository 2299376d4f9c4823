// Optimisation over a grid: plan all, order by the objective, bound with the analytic backend, confirm on the grid's.
#include "sweep/sweep_optimize.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/number_format.h"
#include "workload/job_spec.h"

namespace aifabric {

namespace {

// The row's figure for the target's metric; nullopt when the row does not have it (no job, did not run).
std::optional<double> metric_of(const SweepRow& r, const std::string& metric) {
  if (!r.built || !r.reason.empty()) return std::nullopt;
  if (metric == "busbw") return r.design.busbw_gbs;
  if (metric == "time_ms") return r.design.collective_time.seconds() * 1e3;
  if (metric == "step_ms") return r.design.step_ms;
  if (metric == "step_ms/ideal") return r.design.step_ms && r.ideal_step_ms && *r.ideal_step_ms > 0 ? std::optional<double>(*r.design.step_ms / *r.ideal_step_ms) : std::nullopt;
  if (metric == "fct_p99_us") return r.design.packet ? std::optional<double>(r.design.packet->fct_p99_us) : std::nullopt;
  if (metric == "fct_max_us") return r.design.packet ? std::optional<double>(r.design.packet->fct_max_us) : std::nullopt;
  if (metric == "network_loss") return r.network_loss() ? std::optional<double>(*r.network_loss() * 100) : std::nullopt;
  if (metric == "mfu") return r.mfu ? std::optional<double>(*r.mfu * 100) : std::nullopt;
  if (metric == "utilisation") return r.design.utilisation ? std::optional<double>(*r.design.utilisation * 100) : std::nullopt;
  return std::nullopt;
}

bool meets(double v, const OptimizeTarget& t) { return t.at_least ? v >= t.value : v <= t.value; }

double objective_of(const SweepRow& r, Objective o) {
  switch (o) {
    case Objective::Cost: return r.design.network_cost_usd;
    case Objective::Power: return r.design.network_kw;
    case Objective::Switches: return static_cast<double>(r.design.switches);
  }
  return 0;
}

std::string objective_text(const SweepRow& r, Objective o) {
  switch (o) {
    case Objective::Cost: return usd(r.design.network_cost_usd);
    case Objective::Power: return fmt::format("{:.1f} network kW", r.design.network_kw);
    case Objective::Switches: return fmt::format("{} switches", with_thousands(r.design.switches));
  }
  return "";
}

const char* objective_name(Objective o) { return o == Objective::Cost ? "cost" : o == Objective::Power ? "power" : "switches"; }

std::string settings(const SweepGrid& g, const SweepRow& r) {
  std::string o;
  for (size_t k = 0; k < g.axes.size() && k < r.labels.size(); ++k) o += fmt::format("{}{} = {}", k ? ", " : "", g.axes[k].field, r.labels[k]);
  return o;
}

}  // namespace

OptimizeTarget parse_optimize_target(const std::string& text) {
  OptimizeTarget t;
  t.text = text;
  const size_t ge = text.find(">="), le = text.find("<=");
  const size_t at = ge != std::string::npos ? ge : le;
  const auto fail = [&](const std::string& why) {
    throw InputError({}, "--target", fmt::format("'{}': {}; expected METRIC>=VALUE or METRIC<=VALUE with METRIC one of busbw (GB/s), time_ms, step_ms, mfu (%), "
                                                 "utilisation (%), network_loss (%), fct_p99_us, fct_max_us, or step_ms<=K*ideal", text, why));
  };
  if (at == std::string::npos) fail("no >= or <=");
  t.at_least = at == ge;
  t.metric = text.substr(0, at);
  while (!t.metric.empty() && t.metric.back() == ' ') t.metric.pop_back();
  while (!t.metric.empty() && t.metric.front() == ' ') t.metric.erase(0, 1);
  if (t.metric == "step_time") t.metric = "step_ms";
  if (t.metric != "busbw" && t.metric != "time_ms" && t.metric != "step_ms" && t.metric != "mfu" && t.metric != "utilisation" && t.metric != "network_loss" &&
      t.metric != "fct_p99_us" && t.metric != "fct_max_us") {
    fail(fmt::format("unknown metric '{}'", t.metric));
  }
  std::string number = text.substr(at + 2);
  if (const size_t star = number.find('*'); star != std::string::npos) {
    std::string rest = number.substr(star + 1);
    rest.erase(std::remove(rest.begin(), rest.end(), ' '), rest.end());
    if (rest != "ideal") fail(fmt::format("'{}' after '*': only 'ideal' (the step on an ideal back-end network) can be multiplied", rest));
    if (t.metric != "step_ms") fail("only step_ms (or step_time) is measured against the ideal");
    t.of_ideal = true;
    t.metric = "step_ms/ideal";
    number = number.substr(0, star);
  }
  char* end = nullptr;
  t.value = std::strtod(number.c_str(), &end);
  while (end && *end == ' ') ++end;
  if (end == number.c_str() || (end && *end != '\0') || !std::isfinite(t.value)) fail(fmt::format("'{}' is not a number", number));
  return t;
}

std::optional<Objective> parse_objective(const std::string& s) {
  if (s == "cost") return Objective::Cost;
  if (s == "power") return Objective::Power;
  if (s == "switches") return Objective::Switches;
  return std::nullopt;
}

OptimizeResult optimize_sweep(const SweepGrid& grid, const Catalog& catalog, const SweepOptions& options, const OptimizeTarget& target, Objective objective,
                              int runners_up, const OptimizeConfirm& confirm) {
  const bool job_metric = target.metric == "step_ms" || target.metric == "step_ms/ideal" || target.metric == "mfu" || target.metric == "utilisation" ||
                         target.metric == "network_loss";
  if (job_metric && grid.workload.job.empty()) {
    throw InputError({grid.file, 0, 0}, "--target", fmt::format("{} is a training step's: the grid's workload needs a job", target.metric));
  }
  const bool fct_metric = target.metric == "fct_p99_us" || target.metric == "fct_max_us";
  if (fct_metric && grid.workload.traffic.empty()) {
    throw InputError({grid.file, 0, 0}, "--target", fmt::format("{} is a packet run's: the grid's workload needs traffic", target.metric));
  }
  OptimizeResult out;
  // Every point planned (in parallel; the grid checked whole first).
  SweepOptions plan_all = options;
  plan_all.plan_only = true;
  std::vector<SweepRow> planned = run_sweep(grid, catalog, plan_all);
  out.points = static_cast<int64_t>(planned.size());
  std::vector<size_t> order;
  for (size_t i = 0; i < planned.size(); ++i) {
    if (planned[i].built) order.push_back(i);
    else ++out.not_built;
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const double oa = objective_of(planned[a], objective), ob = objective_of(planned[b], objective);
    return oa != ob ? oa < ob : a < b;
  });
  std::optional<JobSpec> job;
  if (!grid.workload.job.empty()) job = load_job_spec(grid.workload.job);
  // The load bound says nothing of flow completion times: with an FCT target every candidate is simulated.
  const bool bound_first = grid.workload.backend != "analytic" && grid.workload.backend != "nccl-model" && !fct_metric;
  SweepOptions bounding = options;
  bounding.run_traffic = false;
  for (size_t i : order) {
    if (options.stop && *options.stop) break;
    if (bound_first) {
      const SweepRow bound = sweep_one_point(grid, static_cast<int64_t>(i), catalog, bounding, job, "analytic", false);
      ++out.bounded;
      const std::optional<double> b = metric_of(bound, target.metric);
      if (!b || !meets(*b, target)) {
        if (!out.winner) out.cheaper_failed.push_back({bound, b ? fmt::format("the load bound gives {} = {:.4g}", target.metric, *b) : bound.reason});
        continue;
      }
    }
    const SweepRow row = sweep_one_point(grid, static_cast<int64_t>(i), catalog, options, job, grid.workload.backend, false);
    ++out.simulated;
    const std::optional<double> v = metric_of(row, target.metric);
    if (!v || !meets(*v, target)) {
      const std::string by = fct_metric ? std::string("the packet engine (the workload's traffic)") : fmt::format("the {} backend", grid.workload.backend);
      if (!out.winner) out.cheaper_failed.push_back({row, v ? fmt::format("{} gives {} = {:.4g}", by, target.metric, *v) : row.reason});
      continue;
    }
    if (!out.winner) out.winner = row;
    else out.runners_up.push_back(row);
    if (static_cast<int>(out.runners_up.size()) >= std::max(runners_up, confirm.finalists - 1)) break;
  }
  const int extra = static_cast<int>(out.runners_up.size()) - runners_up;  // found only to be finalists
  if (confirm.finalists > 0 && out.winner) {
    out.confirm_backend = confirm.backend;
    std::vector<const SweepRow*> finalists{&*out.winner};
    for (size_t k = 0; k < out.runners_up.size() && static_cast<int>(finalists.size()) < confirm.finalists; ++k) finalists.push_back(&out.runners_up[k]);
    for (const SweepRow* f : finalists) {
      if (options.stop && *options.stop) break;
      const SweepRow row = sweep_one_point(grid, f->index, catalog, options, job, confirm.backend, false);
      const std::optional<double> v = metric_of(row, target.metric);
      const bool ok = v && meets(*v, target);
      out.confirmed.push_back({row, ok ? "" : v ? fmt::format("the {} backend gives {} = {:.4g}", confirm.backend, target.metric, *v) : row.reason});
      if (ok && !out.confirmed_winner) out.confirmed_winner = row;
    }
  }
  if (extra > 0) out.runners_up.resize(static_cast<size_t>(runners_up));
  return out;
}

std::string render_optimize_text(const SweepGrid& g, const OptimizeTarget& t, Objective objective, const OptimizeResult& r) {
  std::string o = fmt::format("aifabric optimize: the least {} design of {} ({} points) with {}\n", objective_name(objective), g.file, r.points, t.text);
  auto line = [&](const SweepRow& row) {
    const std::optional<double> v = metric_of(row, t.metric);
    return fmt::format("point {} ({}): {}, {} = {:.4g}", row.index, settings(g, row), objective_text(row, objective), t.metric, v.value_or(0));
  };
  o += r.winner ? fmt::format("winner: {}\n", line(*r.winner)) : "no design of the grid meets the target\n";
  for (const SweepRow& row : r.runners_up) o += fmt::format("runner-up: {}\n", line(row));
  if (!r.cheaper_failed.empty()) o += fmt::format("{} cheaper design{} did not meet it:\n", r.cheaper_failed.size(), r.cheaper_failed.size() == 1 ? "" : "s");
  for (const OptimizeVerdict& v : r.cheaper_failed) {
    o += fmt::format("  point {} ({}): {}: {}\n", v.row.index, settings(g, v.row), objective_text(v.row, objective), v.why);
  }
  if (!r.confirm_backend.empty()) {
    o += fmt::format("the {} finalist{} again on the {} backend:\n", r.confirmed.size(), r.confirmed.size() == 1 ? "" : "s", r.confirm_backend);
    for (const OptimizeVerdict& v : r.confirmed) o += fmt::format("  {}: {}\n", line(v.row), v.why.empty() ? "meets the target" : v.why);
    o += r.confirmed_winner ? fmt::format("confirmed on the {} backend: point {}\n", r.confirm_backend, r.confirmed_winner->index)
                            : fmt::format("no finalist meets the target on the {} backend: widen the grid, relax the target or ask for more finalists\n", r.confirm_backend);
  }
  o += fmt::format("planned {} points ({} not buildable); bounded {} with the analytic backend, simulated {} on the {} backend{}\n", r.points, r.not_built, r.bounded,
                   r.simulated, g.workload.backend, r.confirm_backend.empty() ? "" : fmt::format(", {} on the {} backend", r.confirmed.size(), r.confirm_backend));
  return o;
}

}  // namespace aifabric
