// The perf scenario: plan, communicator, backend (and a whole-fabric twin under failures), one schedule per size.
#include "scenario/perf_scenario.h"

#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "collective/nccl_system.h"
#include "collective/schedule.h"
#include "core/input_error.h"
#include "flow/failures.h"
#include "net/backend_for_spec.h"
#include "plan/plan.h"
#include "report/perf_table.h"
#include "spec/cluster_spec.h"

namespace aifabric {

PerfSweep run_perf(const Session& s, ClusterSpec spec, const std::string& spec_name, const PerfRequest& r) {
  const std::optional<CollectiveKind> kind = collective_or_fail(r.collective, "collective");
  const std::optional<Algorithm> algo = algorithm_or_fail(r.algo);
  const int64_t lo = parse_size(r.min_size), hi = parse_size(r.max_size);
  if (lo <= 0) throw InputError({}, "-b", fmt::format("'{}' is not a size; expected e.g. 8, 64K, 1M, 8G", r.min_size));
  if (hi < lo) throw InputError({}, "-e", fmt::format("'{}' is not a size at least -b", r.max_size));
  if (r.factor < 1.0 + 1e-9) throw InputError({}, "-f", "the step factor must exceed 1");
  if (!r.lb.empty()) spec.fabric.load_balancing = load_balancing_or_fail(r.lb);
  const Plan plan = plan_spec(s, spec);
  const std::string group = r.ranks > 0 ? fmt::format("first:{}", r.ranks) : r.group;
  const Communicator comm = make_communicator(plan.fabric, group, spec_name);
  if (r.execution != "phases" && r.execution != "graph") {
    throw InputError({}, "--execution", fmt::format("'{}' is not valid; expected phases or graph", r.execution));
  }
  const Execution execution = r.execution == "graph" ? Execution::Graph : Execution::Phases;
  auto backend = backend_for(r.backend, plan, spec, s.seed, r.fail, execution);
  std::unique_ptr<CollectiveBackend> healthy;  // with failures: the same sweep on the whole fabric, to cost them
  if (!r.fail.empty()) healthy = backend_for(r.backend, plan, spec, s.seed, {}, execution);
  ScheduleOptions so;
  so.channels = r.channels;
  so.protocol = protocol_or_fail(r.proto);
  PerfSweep sweep;
  sweep.kind = *kind;
  sweep.ranks = comm.size();
  sweep.nodes = nccl_system(plan.fabric, comm).nodes;
  std::string algo_desc;
  for (double b = static_cast<double>(lo); b <= static_cast<double>(hi) * (1 + 1e-12); b *= r.factor) {
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
                            r.fail.empty() ? "" : fmt::format(", failed: {}", fmt::join(resolve_failures(plan.fabric, r.fail, s.seed).what, "; ")));
  return sweep;
}

}  // namespace aifabric
