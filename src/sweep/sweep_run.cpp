// Sweep points planned and simulated on a thread pool; each point alone in its thread, its row at its index.
#include "sweep/sweep_run.h"

#include <atomic>
#include <memory>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "backend/ideal_network_backend.h"
#include "collective/schedule.h"
#include "core/input_error.h"
#include "net/backend_for_spec.h"
#include "net/traffic.h"
#include "report/perf_table.h"
#include "sweep/sweep_results.h"
#include "workload/job_spec.h"
#include "workload/training_step.h"

namespace aifabric {

namespace {

bool field_is(const std::string& error_field, const std::string& swept) {
  return error_field == swept || error_field.rfind(swept + ".", 0) == 0 || error_field.rfind(swept + "[", 0) == 0;
}

}  // namespace

SweepRow sweep_one_point(const SweepGrid& grid, int64_t index, const Catalog& catalog, const SweepOptions& o, const std::optional<JobSpec>& job,
                         const std::string& backend_name, bool plan_only) {
  const SweepPoint p = sweep_point(grid, index);
  SweepRow row;
  row.index = index;
  row.labels = p.labels;
  try {
    const ClusterSpec spec = point_spec(grid, p);
    const Plan plan = make_plan(spec, catalog, o.plan);
    row.design = summarise_design(plan);
    row.design.name = fmt::format("point {}", index);
    row.built = true;
    if (plan_only) return row;
    const SweepWorkload& w = grid.workload;
    const CollectiveKind kind = *parse_collective(w.collective);
    const int64_t bytes = parse_size(w.size);
    auto backend = backend_for(backend_name, plan, spec, o.seed);
    const Communicator comm = make_communicator(plan.fabric, w.group, grid.file);
    const Schedule sched = build_schedule(kind, *parse_algorithm(w.algo), comm, bytes, plan.fabric);
    const CollectiveResult cr = backend->run(sched);
    row.design.collective_time = cr.time;
    row.design.unreachable = cr.unreachable;
    row.design.busbw_gbs = perf_row(kind, comm.size(), bytes, cr.time).busbw_gbs;
    if (job) {
      const StepResult step = simulate_step(*job, plan, *backend);
      row.design.utilisation = step.utilisation;
      row.design.step_ms = step.step.seconds() * 1e3;
      row.mfu = step.mfu;
      row.tflops_per_xpu = step.tflops_per_xpu;
      IdealNetworkBackend ideal(backend_for("analytic", plan, spec, o.seed), static_cast<int>(plan.fabric.scale_up_domain()));
      row.ideal_step_ms = simulate_step(*job, plan, ideal).step.seconds() * 1e3;
    }
    if (!w.traffic.empty() && o.run_traffic) {  // packet by packet, with the point's load balancing, transport and flow control
      PacketSimConfig cfg = packet_config_for(spec, o.seed, o.max_events);
      const std::vector<FlowSpec> traffic = make_traffic(w.traffic, plan.fabric.nic_count(), parse_size(w.traffic_bytes), o.seed);
      check_packet_budget(traffic, plan, cfg, "workload.traffic");
      PacketSim sim(plan, cfg);
      for (const FlowSpec& fl : traffic) sim.add_flow(fl);
      const PacketSimResult pr = sim.run();
      if (pr.stopped_early) throw InputError({}, "workload.traffic", fmt::format("stopped at the event limit ({}) before every flow finished", o.max_events));
      row.design.packet = summarise_packet_run(pr, packet_settings(plan, cfg));
    }
  } catch (const InputError& e) {  // the planner (built stays false), the workload or the job refused this combination
    row.reason = e.message().empty() ? std::string(e.what()) : e.field().empty() ? e.message() : fmt::format("{}: {}", e.field(), e.message());
  } catch (const std::invalid_argument& e) {  // an algorithm the group cannot run
    row.reason = e.what();
  }
  return row;
}

std::vector<SweepRow> run_sweep(const SweepGrid& grid, const Catalog& catalog, const SweepOptions& o) {
  const int64_t n = grid.points();
  if (n > o.max_points) {
    std::string sizes;
    for (const SweepAxis& a : grid.axes) sizes += fmt::format("{}{} ({})", sizes.empty() ? "" : " x ", a.values.size(), a.field);
    throw InputError({grid.file, 0, 0}, "axes", fmt::format("{} points ({}), more than --max-points {}; narrow the axes or raise --max-points", n == INT64_MAX ? std::string("over 9e18") : fmt::format("{}", n), sizes, o.max_points));
  }
  std::optional<JobSpec> job;
  if (!grid.workload.job.empty()) job = load_job_spec(grid.workload.job);
  // Every axis value alone: the spec reader's verdict, and the planner's where it blames the swept field itself.
  for (size_t a = 0; a < grid.axes.size(); ++a) {
    for (size_t v = 0; v < grid.axes[a].values.size(); ++v) {
      const ClusterSpec spec = spec_with_value(grid, a, v);
      try {
        (void)make_plan(spec, catalog, o.plan);
      } catch (const InputError& e) {
        if (!field_is(e.field(), grid.axes[a].field)) continue;  // buildable or not in combination: the rows say
        throw InputError(grid.axes[a].where[v], fmt::format("axes[{}].values[{}]", a, v),
                         fmt::format("{} = {} is refused: {}", grid.axes[a].field, grid.axes[a].labels[v], e.message()));
      }
    }
  }
  // The grid is sound: only now is the journal opened (or made).
  std::unique_ptr<SweepJournal> journal;
  if (!o.results.empty()) journal = std::make_unique<SweepJournal>(o.results, sweep_fingerprint(grid, o.seed), n);
  std::vector<SweepRow> rows(static_cast<size_t>(n));
  for (SweepRow& r : rows) r.index = -1;
  std::atomic<int64_t> done{0};
  if (journal) {
    for (const auto& [i, row] : journal->done()) {
      rows[static_cast<size_t>(i)] = row;
      ++done;
    }
  }
  // The points not in the journal, in grid order.
  std::vector<int64_t> pending;
  for (int64_t i = 0; i < n; ++i) if (rows[static_cast<size_t>(i)].index < 0) pending.push_back(i);
  const int64_t left = static_cast<int64_t>(pending.size());
  std::atomic<int64_t> next{0};
  // The next point to run, for a local thread or a helper; -1 once none is left or the sweep is stopped.
  const std::function<int64_t()> take = [&]() -> int64_t {
    if (o.stop && *o.stop) return -1;
    const int64_t k = next++;
    return k < left ? pending[static_cast<size_t>(k)] : -1;
  };
  const std::function<void(SweepRow&&)> deliver = [&](SweepRow&& row) {
    const size_t i = static_cast<size_t>(row.index);
    rows[i] = std::move(row);
    if (journal) journal->append(rows[i]);
    const int64_t d = ++done;
    if (o.progress) o.progress(d, n);
  };
  const int threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(o.threads, std::max<int64_t>(1, left))));
  std::vector<std::exception_ptr> failed(static_cast<size_t>(threads) + 1);
  auto work = [&](int id) {
    try {
      for (int64_t i = take(); i >= 0; i = take()) deliver(sweep_one_point(grid, i, catalog, o, job, grid.workload.backend, o.plan_only));
    } catch (...) {
      failed[static_cast<size_t>(id)] = std::current_exception();
      next = left;
    }
  };
  if (threads == 1 && !o.helpers) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
    if (o.helpers) {
      try {
        o.helpers(take, deliver);
      } catch (...) {
        failed[static_cast<size_t>(threads)] = std::current_exception();
        next = left;
      }
    }
    for (auto& t : pool) t.join();
  }
  for (const auto& e : failed) if (e) std::rethrow_exception(e);
  return rows;
}

}  // namespace aifabric
