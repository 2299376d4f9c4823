// The sweep command: reads the grid, checks it whole, runs the points on --threads threads, writes the rows.
#include "cli/sweep_command.h"

#include <mutex>

#include "core/progress.h"
#include "core/yaml_reader.h"
#include "sweep/sweep_grid.h"
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
  s->add_flag("-q,--quiet", a.quiet, "no progress bar");
  return s;
}

int cmd_sweep(const Common& c, const SweepArgs& a) {
  const SweepGrid grid = load_sweep_grid(a.grid);
  const ClusterSpec base = parse_cluster_spec(read_text_file(grid.base_file, "base spec"), grid.base_file);
  const Catalog catalog = catalog_for(c, &base);
  SweepOptions o;
  o.threads = a.threads;
  o.max_points = a.max_points;
  o.seed = c.seed;
  o.plan = options_for(c);
  Progress bar(grid.points(), !a.quiet);
  std::mutex m;
  o.progress = [&](int64_t done, int64_t) {
    const std::lock_guard<std::mutex> lock(m);
    bar.update(done, "points");
  };
  const std::vector<SweepRow> rows = run_sweep(grid, catalog, o);
  bar.finish();
  emit(a.out, a.format == "csv" ? render_sweep_csv(grid, rows) : a.format == "json" ? render_sweep_json(grid, rows) : render_sweep_text(grid, rows));
  return 0;
}

}  // namespace aifabric
