// `aifabric perf COLLECTIVE --spec S`: its options and its run.
#include "cli/perf_command.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include "catalog/catalog.h"
#include "core/atomic_file.h"
#include "core/number_format.h"
#include "core/progress.h"
#include "core/input_error.h"
#include "plan/plan.h"
#include "plan/proposal.h"
#include "backend/collective_backend.h"
#include "collective/nccl_system.h"
#include "collective/schedule.h"
#include "report/perf_table.h"
#include "flow/failures.h"
#include "net/packet_backend.h"
#include "net/packet_sim.h"
#include "net/traffic.h"
#include "report/compare_report.h"
#include "report/packet_report.h"
#include "report/plan_report.h"
#include "report/run_results.h"
#include "report/step_report.h"
#include "workload/job_spec.h"
#include "trace/chakra_trace.h"
#include "workload/step_trace.h"
#include "workload/training_step.h"
#include "spec/cluster_spec.h"
#include "topo/wire_format.h"

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
  const std::optional<CollectiveKind> kind = collective_or_fail(a.collective, "collective");
  const std::optional<Algorithm> algo = algorithm_or_fail(a.algo);
  const int64_t lo = parse_size(a.min_size), hi = parse_size(a.max_size);
  if (lo <= 0) throw InputError({}, "-b", fmt::format("'{}' is not a size; expected e.g. 8, 64K, 1M, 8G", a.min_size));
  if (hi < lo) throw InputError({}, "-e", fmt::format("'{}' is not a size at least -b", a.max_size));
  if (a.factor < 1.0 + 1e-9) throw InputError({}, "-f", "the step factor must exceed 1");
  ClusterSpec spec = load_cluster_spec(a.spec);
  if (!a.lb.empty()) {
    const std::optional<LoadBalancing> lb = load_balancing_from(a.lb);
    if (!lb) throw InputError({}, "--lb", fmt::format("'{}' is not valid; expected {}", a.lb, kLoadBalancingNames));
    spec.fabric.load_balancing = *lb;
  }
  const Catalog cat = catalog_for(c, &spec);
  const Plan plan = make_plan(spec, cat, options_for(c));
  const std::string group = a.ranks > 0 ? fmt::format("first:{}", a.ranks) : a.group;
  const Communicator comm = make_communicator(plan.fabric, group, a.spec);
  if (a.execution != "phases" && a.execution != "graph") {
    throw InputError({}, "--execution", fmt::format("'{}' is not valid; expected phases or graph", a.execution));
  }
  const Execution execution = a.execution == "graph" ? Execution::Graph : Execution::Phases;
  auto backend = backend_for(a.backend, plan, spec, c.seed, a.fail, execution);
  std::unique_ptr<CollectiveBackend> healthy;  // with failures: the same sweep on the whole fabric, to cost them
  if (!a.fail.empty()) healthy = backend_for(a.backend, plan, spec, c.seed, {}, execution);
  ScheduleOptions so;
  so.channels = a.channels;
  so.protocol = protocol_or_fail(a.proto);
  PerfSweep sweep;
  sweep.kind = *kind;
  sweep.ranks = comm.size();
  sweep.nodes = nccl_system(plan.fabric, comm).nodes;
  std::string algo_desc;
  for (double b = static_cast<double>(lo); b <= static_cast<double>(hi) * (1 + 1e-12); b *= a.factor) {
    const int64_t bytes = static_cast<int64_t>(b);
    Schedule sched;
    try {
      sched = build_schedule(*kind, *algo, comm, bytes, plan.fabric, so);
    } catch (const std::invalid_argument& e) {
      throw InputError({}, "--algo", e.what());
    }
    const std::string desc = fmt::format("{} {}{}", to_string(sched.algorithm), to_string(sched.protocol),
                                         sched.channels > 1 ? fmt::format(" ({} channels)", sched.channels) : "");
    if (desc != algo_desc) sweep.choices.push_back(fmt::format("from {} B: {}; {}", bytes, desc, sched.choice));
    algo_desc = desc;
    const CollectiveResult cr = backend->run(sched);
    if (cr.unreachable > 0) {
      throw InputError({}, "--fail", fmt::format("{} transfers of a step have no path left; the collective cannot complete on this fabric", cr.unreachable));
    }
    sweep.rows.push_back(perf_row(*kind, comm.size(), bytes, cr.time));
    if (healthy) sweep.healthy.push_back(perf_row(*kind, comm.size(), bytes, healthy->run(sched).time));
  }
  sweep.title = fmt::format("aifabric perf {}: {} ranks ({}, {} nodes), algorithm {}, backend {}{}, {} on {} ({}, {} tiers, {} planes){}", to_string(*kind),
                            comm.size(), group, sweep.nodes, *algo == Algorithm::Nccl ? "nccl (per size, below)" : std::string(to_string(*algo)), backend->name(),
                            execution == Execution::Graph ? " on the dependency graph of chunk transfers (NCCL's loops and forwarding units)" : "",
                            to_string(spec.fabric.load_balancing), spec.name,
                            to_string(plan.fabric.topology), plan.fabric.tiers, plan.fabric.planes,
                            a.fail.empty() ? "" : fmt::format(", failed: {}", fmt::join(resolve_failures(plan.fabric, a.fail, c.seed).what, "; ")));
  emit(a.out, a.json ? render_perf_json(sweep) : render_perf_table(sweep));
  return 0;
}

}  // namespace aifabric
