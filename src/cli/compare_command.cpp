// `aifabric compare --spec A --spec B ...`: its options and its run.
#include "cli/compare_command.h"

#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "collective/schedule.h"
#include "core/input_error.h"
#include "core/number_format.h"
#include "net/traffic.h"
#include "plan/plan.h"
#include "report/compare_report.h"
#include "report/perf_table.h"
#include "spec/cluster_spec.h"
#include "workload/job_spec.h"
#include "workload/training_step.h"

namespace aifabric {

CLI::App* add_compare_command(CLI::App& app, CompareArgs& a) {
  auto* s = app.add_subcommand("compare", "run one workload on several designs and put the results side by side");
  s->add_option("--spec", a.specs, "cluster specs to compare (two or more)")->required()->expected(2, 64);
  s->add_option("--collective", a.collective, "all_reduce, all_gather, reduce_scatter, alltoall, ...")->capture_default_str();
  s->add_option("--size", a.size, "message size per rank (8, 64K, 1G)")->capture_default_str();
  s->add_option("--group", a.group, "all, first:N, rail:K, server:S")->capture_default_str();
  s->add_option("--algo", a.algo, "nccl, ring, tree, nvls, nvls-tree, collnet-chain, collnet-direct, pat, halving-doubling, direct, hierarchical, parameter-server")->capture_default_str();
  s->add_option("--backend", a.backend, "analytic, flow, packet or nccl-model")->capture_default_str();
  s->add_option("--job", a.job, "also time one step of this job on every design");
  s->add_option("--fail", a.fail, "take out of service on every design: plane:P, switch:NAME, tier:T:FRACTION|COUNT, link:NAME,NAME, links:T:FRACTION|COUNT");
  s->add_option("--traffic", a.traffic, "also run this traffic packet by packet on every design (permutation, incast:N, alltoall[:N], hotspot[:N], uniform, file:PATH), "
                                              "each with its spec's load_balancing, transport and pfc");
  s->add_option("--bytes", a.bytes, "bytes per flow of --traffic")->capture_default_str();
  s->add_flag("--json", a.json, "JSON output (schema aifabric.compare/1)");
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  s->add_option("--html", a.html, "also write the comparison as a self-contained HTML page");
  return s;
}

// The same collective (and optionally the same job) on every design, one row each.
int cmd_compare(const Common& c, const CompareArgs& a) {
  if (!a.traffic.empty()) {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  const std::optional<CollectiveKind> kind = collective_or_fail(a.collective, "--collective");
  const std::optional<Algorithm> algo = algorithm_or_fail(a.algo);
  const int64_t bytes = parse_size(a.size);
  if (bytes <= 0) throw InputError({}, "--size", fmt::format("'{}' is not a size", a.size));
  std::optional<JobSpec> job;
  if (!a.job.empty()) job = load_job_spec(a.job);
  const int64_t packet_bytes = parse_size(a.bytes);
  if (packet_bytes <= 0) throw InputError({}, "--bytes", fmt::format("'{}' is not a size; expected e.g. 64K, 4M", a.bytes));
  Comparison cmp;
  if (!a.traffic.empty()) cmp.packet_workload = fmt::format("{} of {} B flows", a.traffic, with_thousands(packet_bytes));
  cmp.workload = fmt::format("{} of {} B over {} ({} backend){}{}", to_string(*kind), with_thousands(bytes), a.group, a.backend,
                             job ? ", job " + job->name : "", a.fail.empty() ? "" : fmt::format(", with {} failed", fmt::join(a.fail, " and ")));
  for (const auto& path : a.specs) {
    const ClusterSpec spec = load_cluster_spec(path);
    const Catalog cat = catalog_for(c, &spec);
    const Plan plan = make_plan(spec, cat, options_for(c));
    DesignResult d = summarise_design(plan);
    auto backend = backend_for(a.backend, plan, spec, c.seed, a.fail);
    const Communicator comm = make_communicator(plan.fabric, a.group, path);
    Schedule sched;
    try {
      sched = build_schedule(*kind, *algo, comm, bytes, plan.fabric);
    } catch (const std::invalid_argument& e) {
      throw InputError({path, 0, 0}, "--algo", e.what());
    }
    const CollectiveResult cr = backend->run(sched);
    d.collective_time = cr.time;
    d.unreachable = cr.unreachable;
    d.busbw_gbs = perf_row(*kind, comm.size(), bytes, cr.time).busbw_gbs;
    if (job) {
      const StepResult step = simulate_step(*job, plan, *backend);
      d.utilisation = step.utilisation;
      d.step_ms = step.step.seconds() * 1e3;
    }
    if (!a.traffic.empty()) {  // the same traffic, packet by packet, with each spec's load balancing, transport and flow control
      PacketSimConfig cfg = packet_config(spec, c);
      cfg.failures = packet_failures(plan.fabric, a.fail, c.seed);
      const auto traffic = make_traffic(a.traffic, plan.fabric.nic_count(), packet_bytes, c.seed);
      check_packet_budget(traffic, plan, cfg);
      PacketSim sim(plan, cfg);
      for (const auto& fl : traffic) sim.add_flow(fl);
      d.packet = summarise_packet_run(sim.run(&g_stop_signal_int), packet_settings(plan, cfg));
      if (g_stop_signal) return 128 + static_cast<int>(g_stop_signal);
    }
    cmp.designs.push_back(std::move(d));
  }
  if (!a.html.empty()) emit(a.html, render_comparison_html(cmp));
  emit(a.out, a.json ? render_comparison_json(cmp) : render_comparison_text(cmp));
  return 0;
}

}  // namespace aifabric
