// `aifabric run SPEC`: its options and its run.
#include "cli/run_command.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "collective/schedule.h"
#include "core/number_format.h"
#include "core/progress.h"
#include "net/traffic.h"
#include "plan/plan.h"
#include "report/cable_files.h"
#include "report/perf_table.h"
#include "report/plan_report.h"
#include "report/run_results.h"
#include "report/step_report.h"
#include "spec/cluster_spec.h"
#include "workload/job_spec.h"
#include "workload/training_step.h"
#include "scenario/run_scenario.h"

namespace aifabric {

CLI::App* add_run_command(CLI::App& app, RunArgs& a) {
  auto* s = app.add_subcommand("run", "plan the spec, simulate an all-reduce sweep and a training step, write report.html and the data files");
  s->add_option("spec", a.spec, "cluster spec (YAML)")->required();
  s->add_option("--job", a.job, "job spec (YAML); default: a 13B dense job sized to the cluster");
  s->add_option("-o,--output", a.out_dir, "output folder")->capture_default_str();
  s->add_flag("-q,--quiet", a.quiet, "no text report and no progress bar");
  s->add_flag("--plan-only", a.no_sim, "plan only, no simulation");
  return s;
}

int cmd_run(const Common& c, const RunArgs& a) {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const ClusterSpec spec = load_cluster_spec(a.spec);
  const Catalog cat = session_catalog(c, &spec);
  std::optional<JobSpec> job_file;
  if (!a.job.empty()) job_file = load_job_spec(a.job);
  const Plan plan = make_plan(spec, cat, plan_options(c));
  const RunOptions options;
  RunResults res;
  if (!a.no_sim) {
    std::optional<Progress> progress;
    res = run_scenario(c, spec, plan, job_file, a.job, options, &g_stop_signal_int, [&](int64_t done, int64_t total, const std::string& what) {
      if (!progress) progress.emplace(total, !a.quiet && Progress::stderr_is_terminal());
      progress->update(done, what);
    });
    if (progress) progress->finish();
  }
  namespace fs = std::filesystem;
  // Render everything first, then write each file atomically (temp + rename): old or new, never half.
  std::vector<std::pair<std::string, std::string>> files = {
      {"plan.txt", render_plan_text(plan)}, {"plan.json", render_plan_json(plan)}, {"topology.dot", render_plan_dot(plan)},
      {"results.json", render_results_json(res)}, {"report.html", render_html_report(plan, res)}};
  for (auto& t : render_csv_tables(plan, res)) files.push_back(std::move(t));
  const int64_t links = static_cast<int64_t>(plan.fabric.links.size() + plan.fabric.appliance_links.size());
  const bool cabling = links <= options.cabling_max_links;
  if (cabling) {
    for (auto& [name, text] : render_cable_files(plan)) files.emplace_back("cabling/" + name, std::move(text));
  }
  for (const auto& [name, text] : files) emit((fs::path(a.out_dir) / name).string(), text);
  if (!a.quiet) {
    const std::string& text = files.front().second;
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (res.step) std::fputs(render_step_text(*res.step).c_str(), stdout);
  }
  std::fflush(stdout);
  const std::string cabling_note = cabling ? ", CSV tables and the cable schedule in cabling/"
                                            : fmt::format(" and CSV tables; the cable schedule of {} links is above the {} aifabric run writes: aifabric cables "
                                                          "writes it", links, options.cabling_max_links);
  std::fprintf(stderr, "aifabric: report written to %s (plus plan.txt, plan.json, results.json, topology.dot%s)%s\n", (fs::path(a.out_dir) / "report.html").c_str(),
               cabling_note.c_str(), res.partial ? "; interrupted: results are partial" : "");
  if (g_stop_signal) return 128 + static_cast<int>(g_stop_signal);
  return 0;
}

}  // namespace aifabric
