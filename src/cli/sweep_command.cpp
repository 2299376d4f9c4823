// The sweep and optimize commands: read the grid, check it whole, run the points on --threads threads (and, under
// mpirun, on the other ranks too), write the rows.
#include "cli/sweep_command.h"

#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "core/progress.h"
#include "sweep/sweep_grid.h"
#include "sweep/sweep_html.h"
#include "sweep/sweep_mpi.h"
#include "sweep/sweep_optimize.h"
#include "sweep/sweep_run.h"
#include "sweep/sweep_table.h"

namespace aifabric {

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& a) {
  auto* s = app.add_subcommand("sweep", "plan and simulate every point of a design grid (a base spec and axes over its fields)");
  s->add_option("grid", a.grid, "grid file (YAML): base, axes, workload")->required();
  s->add_option("--threads", a.threads, "points run at once (the rows are the same whatever the number)")->capture_default_str()->check(CLI::Range(1, 1024));
  s->add_option("--max-points", a.max_points, "refuse a grid with more points than this")->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  s->add_option("--format", a.format, "text, csv or json (schema aifabric.sweep/1)")->capture_default_str()->check(CLI::IsMember({"text", "csv", "json"}));
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  s->add_option("--results", a.results, "journal every finished point to this file as it completes; a rerun (after Ctrl-C) skips the points it holds");
  s->add_option("--html", a.html, "also write a page: every design by cost and performance, the Pareto front marked and tabled");
  s->add_option("--color-by", a.color_by, "the axis (its field) whose values colour the page's points (default: the first)");
  s->add_flag("-q,--quiet", a.quiet, "no progress bar");
  return s;
}

CLI::App* add_optimize_command(CLI::App& app, OptimizeArgs& a) {
  auto* s = app.add_subcommand("optimize", "the least costly (or power-hungry, or switch-heavy) point of a grid that meets a target");
  s->add_option("grid", a.grid, "grid file (YAML), as for sweep")->required();
  s->add_option("--target", a.target, "busbw>=GB/s, time_ms<=ms, step_ms<=ms, mfu>=% or utilisation>=%")->required();
  s->add_option("--minimize", a.minimize, "cost, power or switches")->capture_default_str()->check(CLI::IsMember({"cost", "power", "switches"}));
  s->add_option("--runners-up", a.runners_up, "how many more designs that meet the target to report")->capture_default_str()->check(CLI::Range(0, 100));
  s->add_option("--confirm", a.confirm, "run the finalists again on this backend (packet: the packet engine) and answer with the first that still meets the target")
      ->check(CLI::IsMember({"analytic", "flow", "packet", "nccl-model"}));
  s->add_option("--finalists", a.finalists, "how many designs --confirm runs again (the winner first)")->capture_default_str()->check(CLI::Range(1, 100));
  s->add_option("--threads", a.threads, "threads for planning every point")->capture_default_str()->check(CLI::Range(1, 1024));
  s->add_option("--max-points", a.max_points, "refuse a grid with more points than this")->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  return s;
}

namespace {

// What both commands run with: threads, the point limit, the seed, the plan options.
SweepOptions sweep_options(const Common& c, int threads, int64_t max_points) {
  SweepOptions o;
  o.threads = threads;
  o.max_points = max_points;
  o.seed = c.seed;
  o.max_events = c.max_events;
  o.plan = plan_options(c);
  return o;
}

// The catalog the grid's base spec asks for (the shipped one, --catalog files, the spec's own).
Catalog grid_catalog(const Common& c, const SweepGrid& grid) {
  const ClusterSpec base = parse_cluster_spec(grid.base_text, grid.base_file);
  return session_catalog(c, &base);
}

// Ranks 1..N-1 under mpirun: read the grid and run the points rank 0 hands out; print nothing (rank 0 reports).
int serve_points(MpiWorld& world, const Common& c, const std::string& grid_path, const SweepOptions& o) {
  std::optional<SweepGrid> grid;
  std::optional<Catalog> catalog;
  try {
    grid = load_sweep_grid(grid_path);
    catalog = grid_catalog(c, *grid);
  } catch (const std::exception& e) {
    world.refuse(e.what());
    return 2;
  }
  return world.serve(*grid, *catalog, o);
}

// Runs `body` on rank 0 with the other ranks (if any) as its helpers; whatever way it leaves, they are dismissed
// with the matching exit status, so none waits for work that will not come.
template <typename Body>
int with_ranks(std::optional<MpiWorld>& world, SweepOptions& o, Body body) {
  if (!world) return body();
  o.helpers = world->helpers();
  try {
    const int rc = body();
    world->dismiss(rc);
    return rc;
  } catch (const InputError&) {
    world->dismiss(2);
    throw;
  } catch (...) {
    world->dismiss(1);
    throw;
  }
}

int optimize_points(const Common& c, const OptimizeArgs& a, SweepOptions& o) {
  const OptimizeTarget target = parse_optimize_target(a.target);
  const SweepGrid grid = load_sweep_grid(a.grid);
  const Catalog catalog = grid_catalog(c, grid);
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  o.stop = &g_stop_signal_int;
  const Objective objective = *parse_objective(a.minimize);
  OptimizeConfirm confirm;
  if (!a.confirm.empty()) confirm = {a.confirm, a.finalists};
  const OptimizeResult r = optimize_sweep(grid, catalog, o, target, objective, a.runners_up, confirm);
  if (g_stop_signal) {
    std::fprintf(stderr, "aifabric: optimize interrupted: no answer\n");
    return 128 + static_cast<int>(g_stop_signal);
  }
  emit(a.out, render_optimize_text(grid, target, objective, r));
  return 0;
}

int sweep_points(const Common& c, const SweepArgs& a, SweepOptions& o) {
  const SweepGrid grid = load_sweep_grid(a.grid);
  size_t color_axis = 0;
  if (!a.color_by.empty()) {
    std::string fields;
    for (color_axis = 0; color_axis < grid.axes.size() && grid.axes[color_axis].field != a.color_by; ++color_axis) fields += (color_axis ? ", " : "") + grid.axes[color_axis].field;
    if (color_axis == grid.axes.size()) throw InputError({}, "--color-by", fmt::format("'{}' is not an axis of {}; expected one of {}", a.color_by, a.grid, fields));
  }
  const Catalog catalog = grid_catalog(c, grid);
  o.results = a.results;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  o.stop = &g_stop_signal_int;
  Progress bar(grid.points(), !a.quiet);
  std::mutex m;
  o.progress = [&](int64_t done, int64_t) {
    const std::lock_guard<std::mutex> lock(m);
    bar.update(done, "points");
  };
  const std::vector<SweepRow> rows = run_sweep(grid, catalog, o);
  bar.finish();
  if (g_stop_signal) {
    int64_t kept = 0;
    for (const SweepRow& r : rows) kept += r.index >= 0 ? 1 : 0;
    std::fprintf(stderr, "aifabric: sweep interrupted: %lld of %lld points done%s\n", static_cast<long long>(kept), static_cast<long long>(rows.size()),
                 !a.results.empty() ? fmt::format(", kept in {}; run the same command again to finish", a.results).c_str() : " (give --results FILE to keep them)");
    return 128 + static_cast<int>(g_stop_signal);
  }
  if (!a.html.empty()) emit(a.html, render_sweep_html(grid, rows, color_axis));
  emit(a.out, a.format == "csv" ? render_sweep_csv(grid, rows) : a.format == "json" ? render_sweep_json(grid, rows) : render_sweep_text(grid, rows));
  return 0;
}

}  // namespace

int cmd_optimize(const Common& c, const OptimizeArgs& a) {
  std::optional<MpiWorld> world;
  if (MpiWorld::launched()) world.emplace();
  SweepOptions o = sweep_options(c, a.threads, a.max_points);
  if (world && world->rank() > 0) {
    o.plan_only = true;  // the ranks share optimize's first pass, planning every point; rank 0 confirms alone
    return serve_points(*world, c, a.grid, o);
  }
  return with_ranks(world, o, [&] { return optimize_points(c, a, o); });
}

int cmd_sweep(const Common& c, const SweepArgs& a) {
  std::optional<MpiWorld> world;
  if (MpiWorld::launched()) world.emplace();
  SweepOptions o = sweep_options(c, a.threads, a.max_points);
  if (world && world->rank() > 0) return serve_points(*world, c, a.grid, o);
  return with_ranks(world, o, [&] { return sweep_points(c, a, o); });
}

}  // namespace aifabric
