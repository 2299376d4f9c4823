// `aifabric perf COLLECTIVE --spec S`: its options and its run.
#include "cli/perf_command.h"

#include "report/perf_table.h"
#include "scenario/perf_scenario.h"
#include "spec/cluster_spec.h"

namespace aifabric {

CLI::App* add_perf_command(CLI::App& app, PerfArgs& a) {
  auto* s = app.add_subcommand("perf", "NCCL-tests-style sweep of a collective on a planned fabric (analytic, flow or packet backend)");
  s->add_option("collective", a.collective, "all_reduce, reduce_scatter, all_gather, broadcast, reduce, alltoall, sendrecv")->required();
  s->add_option("--spec", a.spec, "cluster spec (YAML) whose fabric runs the collective")->required();
  s->add_option("-b,--minbytes", a.min_size, "smallest size (8, 64K, 1M, 8G)")->capture_default_str();
  s->add_option("-e,--maxbytes", a.max_size, "largest size")->capture_default_str();
  s->add_option("-f,--stepfactor", a.factor, "size multiplier per row")->capture_default_str();
  s->add_option("--ranks", a.ranks, "use the first N XPUs (overrides --group)");
  s->add_option("--group", a.group, "all, first:N, rail:K (local XPU K of every server), server:S")->capture_default_str();
  s->add_option("--backend", a.backend, "analytic (the load bound), flow, packet, or nccl-model (NCCL's tuning model's own time)")->capture_default_str();
  s->add_option("--algo", a.algo, "nccl (NCCL's choice per size), ring, tree, nvls, nvls-tree, collnet-chain, collnet-direct, pat, halving-doubling, direct, hierarchical, parameter-server (as NCCL_ALGO)")->capture_default_str();
  s->add_option("--proto", a.proto, "LL, LL128 or Simple (as NCCL_PROTO; default: NCCL's choice)");
  s->add_option("--channels", a.channels, "channels (default: as NCCL's topology search would set them)");
  s->add_option("--lb", a.lb, "override the spec's load balancing: ecmp, spraying, reps, flowlet, adaptive or round-robin");
  s->add_option("--execution", a.execution, "phases (each phase's steady state, any size) or graph (every chunk transfer as a node of a dependency graph; analytic gives its bound)")->capture_default_str();
  s->add_option("--fail", a.fail, "take out of service: plane:P, switch:NAME, tier:T:FRACTION|COUNT, link:NAME,NAME, links:T:FRACTION|COUNT (repeatable; seeded by --seed)");
  s->add_flag("--json", a.json, "JSON output (schema aifabric.perf/1)");
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  return s;
}

int cmd_perf(const Common& c, const PerfArgs& a) {
  const PerfSweep sweep = run_perf(c, load_cluster_spec(a.spec), a.spec, a);
  emit(a.out, a.json ? render_perf_json(sweep) : render_perf_table(sweep));
  return 0;
}

}  // namespace aifabric
