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
#include "report/perf_table.h"
#include "report/plan_report.h"
#include "report/run_results.h"
#include "report/step_report.h"
#include "spec/cluster_spec.h"
#include "workload/job_spec.h"
#include "workload/training_step.h"

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
  const Catalog cat = catalog_for(c, &spec);
  std::optional<JobSpec> job_file;
  if (!a.job.empty()) job_file = load_job_spec(a.job);
  const Plan plan = make_plan(spec, cat, options_for(c));
  RunResults res;
  if (!a.no_sim) {
    // An all-reduce sweep over every XPU on both backends, then one training step.
    const Communicator comm = make_communicator(plan.fabric, "all", a.spec);
    const Algorithm algo = comm.size() <= 16384 ? Algorithm::Nccl : Algorithm::Hierarchical;
    res.algorithm = algo == Algorithm::Nccl ? "NCCL-chosen (algorithm and protocol per size)" : std::string(to_string(algo));
    std::vector<int64_t> sizes;
    for (int64_t b = 8; b <= (int64_t{8} << 30); b *= 4) sizes.push_back(b);
    Progress progress(static_cast<int64_t>(3 * sizes.size() + 1), !a.quiet && Progress::stderr_is_terminal());
    int64_t done = 0;
    const bool packet_too = comm.size() <= 2048;  // the packet engine on the sizes where it stays quick
    std::vector<std::string> backends = {"analytic", "flow"};
    if (packet_too) backends.push_back("packet");
    for (const std::string& name : backends) {
      auto backend = backend_for(name, plan, spec, c.seed);
      PerfSweep sweep;
      sweep.kind = CollectiveKind::AllReduce;
      sweep.ranks = comm.size();
      sweep.title = fmt::format("{} on {}, {} ranks, {} backend, {}", res.algorithm, spec.name, comm.size(), name, to_string(spec.fabric.load_balancing));
      for (int64_t bytes : sizes) {
        if (g_stop_signal) break;
        const Schedule sched = build_schedule(CollectiveKind::AllReduce, algo, comm, bytes, plan.fabric);
        // The packet engine simulates every phase once: stop where that is more than 512 MiB of packets.
        if (name == "packet" && sched.network_bytes(plan.fabric.scale_up_domain()) > (int64_t{512} << 20)) break;
        const CollectiveResult cr = backend->run(sched);
        const std::string desc = fmt::format("{} {}", to_string(sched.algorithm), to_string(sched.protocol));
        if (sweep.choices.empty() || sweep.choices.back().find(desc + ";") == std::string::npos) {
          sweep.choices.push_back(fmt::format("from {} B: {}; {}", bytes, desc, sched.choice));
        }
        sweep.rows.push_back(perf_row(CollectiveKind::AllReduce, comm.size(), bytes, cr.time));
        if (name == "flow") res.utilisation = cr.utilisation;
        progress.update(++done, fmt::format("{} all-reduce {} B", name, bytes));
      }
      res.sweeps.emplace_back(name, std::move(sweep));
    }
    if (!g_stop_signal) {
      const JobSpec job = job_file ? *job_file : default_job_for(plan.fabric);
      res.job_source = job_file ? a.job : fmt::format("derived: 13B dense, tp {}, dp {}, {} sequences per step", job.tp, job.dp, job.global_batch);
      auto backend = backend_for("flow", plan, spec, c.seed);
      res.step = simulate_step(job, plan, *backend);
      progress.update(++done, "training step");
    }
    // A packet-level permutation of 1 MiB flows, sampled every half microsecond: the fabric over time.
    if (!g_stop_signal && plan.fabric.nic_count() <= 2048) {
      PacketSimConfig pc;
      pc.lb = spec.fabric.load_balancing;
      pc.seed = c.seed;
      pc.sample_interval_ps = 500'000;
      PacketSim sim(plan, pc);
      const auto traffic = make_traffic("permutation", plan.fabric.nic_count(), 1 << 20, c.seed);
      for (const auto& fl : traffic) sim.add_flow(fl);
      PacketSimResult healthy = sim.run(&g_stop_signal_int);
      res.timeline = std::move(healthy.samples);
      res.timeline_title = fmt::format("A random permutation of 1 MiB flows between all {} NICs, {}, spray transport, sampled every 0.5 us.",
                                       plan.fabric.nic_count(), to_string(pc.lb));
      // The same run with one spine (chosen with the seed) failing a third of the way through.
      Picoseconds healthy_last;
      for (const auto& fl : healthy.flows) healthy_last = std::max(healthy_last, fl.finish);
      if (!g_stop_signal && plan.fabric.tiers >= 2 && healthy.all_done) {
        PacketSimConfig fc = pc;
        fc.failures = packet_failures(plan.fabric, {fmt::format("tier:2:1@{}ns", healthy_last.count() / 3000)}, c.seed);
        PacketSim hurt(plan, fc);
        for (const auto& fl : traffic) hurt.add_flow(fl);
        PacketSimResult r2 = hurt.run(&g_stop_signal_int);
        const FailureImpact& fi = r2.failures.front();
        Picoseconds last;
        size_t unfinished = 0;
        for (const auto& fl : r2.flows) {
          last = std::max(last, fl.finish);
          unfinished += fl.done ? 0 : 1;
        }
        res.failure_timeline = std::move(r2.samples);
        res.failure_title = fmt::format("The same permutation with {}: link utilisation by tier over time.", fi.what);
        res.failure_findings.push_back(fmt::format("{} packets ({} data bytes) of {} flows were lost with its {} links.", with_thousands(fi.packets_lost),
                                                   with_thousands(fi.data_bytes_lost), with_thousands(fi.flows_hit), fi.links));
        if (fi.recovered_ps >= 0) {
          res.failure_findings.push_back(fmt::format("The last lost byte was delivered again {:.2f} us after the failure.", (fi.recovered_ps - fi.at_ps) * 1e-6));
        }
        res.failure_findings.push_back(r2.all_done ? fmt::format("The last flow finished at {:.2f} us instead of {:.2f} us ({:+.1f}%).", last.seconds() * 1e6,
                                                                 healthy_last.seconds() * 1e6, 100 * (last.seconds() / healthy_last.seconds() - 1))
                                                   : fmt::format("{} of {} flows did not finish.", unfinished, r2.flows.size()));
      }
    }
    progress.finish();
    res.partial = g_stop_signal != 0;
  }
  namespace fs = std::filesystem;
  // Render everything first, then write each file atomically (temp + rename): old or new, never half.
  std::vector<std::pair<std::string, std::string>> files = {
      {"plan.txt", render_plan_text(plan)}, {"plan.json", render_plan_json(plan)}, {"topology.dot", render_plan_dot(plan)},
      {"results.json", render_results_json(res)}, {"report.html", render_html_report(plan, res)}};
  for (auto& t : render_csv_tables(plan, res)) files.push_back(std::move(t));
  for (const auto& [name, text] : files) emit((fs::path(a.out_dir) / name).string(), text);
  if (!a.quiet) {
    const std::string& text = files.front().second;
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (res.step) std::fputs(render_step_text(*res.step).c_str(), stdout);
  }
  std::fflush(stdout);
  std::fprintf(stderr, "aifabric: report written to %s (plus plan.txt, plan.json, results.json, topology.dot and CSV tables)%s\n",
               (fs::path(a.out_dir) / "report.html").c_str(), res.partial ? "; interrupted: results are partial" : "");
  if (g_stop_signal) return 128 + static_cast<int>(g_stop_signal);
  return 0;
}

}  // namespace aifabric
