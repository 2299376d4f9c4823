// The trace scenario: find the rank files (or read the SimAI workload), their process groups, plan, replay.
#include "scenario/trace_scenario.h"

#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/yaml_reader.h"
#include "net/backend_for_spec.h"
#include "trace/simai_workload.h"

namespace aifabric {

TraceSet load_traces(const TraceRequest& a) {
  std::vector<RankTrace> traces;
  CommGroups simai_comm;
  const bool simai = std::filesystem::is_regular_file(a.prefix);
  if (simai) {  // a SimAI / AICB workload file: one step of every rank, as SimAI runs it
    const SimaiWorkload w = read_simai_file(a.prefix);
    traces = simai_traces(w);
    simai_comm = simai_groups(w);
    if (!a.comm_groups.empty()) throw InputError({}, "--comm-groups", "a SimAI workload names its own groups (TP, DP, EP, DP_EP); drop --comm-groups");
  }
  for (int64_t r = 0; !simai; ++r) {
    const std::string path = fmt::format("{}.{}.et", a.prefix, r);
    if (!std::filesystem::exists(path)) break;
    if (r >= (int64_t{1} << 20)) throw InputError({path, 0, 0}, "prefix", "more than 2^20 rank files");
    traces.push_back(read_chakra_file(path));
  }
  if (traces.empty()) throw InputError({a.prefix + ".0.et", 0, 0}, "prefix", "no such file; expected PREFIX.0.et, PREFIX.1.et, ... (one Chakra trace per rank)");
  const int64_t world = a.world > 0 ? a.world : static_cast<int64_t>(traces.size());
  if (a.world < 0 || (a.world > 0 && a.world < static_cast<int64_t>(traces.size()))) {
    throw InputError({}, "--world", fmt::format("{} is not valid; expected at least the {} ranks traced", a.world, traces.size()));
  }
  TraceSet set;
  set.groups = simai                 ? simai_comm
               : a.comm_groups.empty() ? CommGroups{}
                                       : parse_comm_groups(read_text_file(a.comm_groups, "comm-group file"), a.comm_groups, world);
  set.traces = std::move(traces);
  set.world = world;
  return set;
}

TraceRun run_trace(const Session& s, const ClusterSpec& spec, const TraceRequest& a, const TraceSet& t) {
  const Plan plan = plan_spec(s, spec);
  if (a.backend != "analytic" && a.backend != "flow" && a.backend != "packet") {
    throw InputError({}, "--backend", fmt::format("'{}' is not valid; expected analytic, flow or packet", a.backend));
  }
  auto backend = backend_for(a.backend, plan, spec, s.seed);
  TraceRun run;
  run.result = replay_traces(t.traces, t.world, t.groups, plan, *backend);
  run.title = fmt::format("{} ({} rank{} traced, {} in the job) on {} ({} XPUs, backend {})", a.prefix, t.traces.size(), t.traces.size() == 1 ? "" : "s", t.world,
                          spec.name, plan.fabric.xpus(), backend->name());
  return run;
}

}  // namespace aifabric
