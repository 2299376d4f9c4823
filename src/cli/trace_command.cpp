// The trace command: find the rank files, plan the fabric, replay, report.
#include "cli/trace_command.h"

#include <filesystem>

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/yaml_reader.h"
#include "report/trace_report.h"
#include "trace/simai_workload.h"
#include "trace/trace_replay.h"

namespace aifabric {

CLI::App* add_trace_command(CLI::App& app, TraceArgs& a) {
  auto* t = app.add_subcommand("trace", "replay Chakra execution traces (PREFIX.0.et, PREFIX.1.et, ...) or a SimAI workload file on a planned fabric");
  t->add_option("prefix", a.prefix, "trace files' common prefix (PREFIX.N.et for every rank N from 0), or a SimAI / AICB workload file")->required();
  t->add_option("--spec", a.spec, "cluster spec (YAML) whose fabric runs the communication")->required();
  t->add_option("--backend", a.backend, "analytic, flow or packet")->capture_default_str();
  t->add_option("--comm-groups", a.comm_groups, "process groups by pg_name (JSON: {\"name\": [rank, ...]}); default: every collective spans all ranks");
  t->add_option("--world", a.world, "ranks in the job when only some have traces (the others mirror them); default: one per trace file");
  t->add_flag("--json", a.json, "JSON output (schema aifabric.trace/1)");
  t->add_option("-o,--output", a.out, "write to this file (atomically)");
  return t;
}

int cmd_trace(const Common& c, const TraceArgs& a) {
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
  const CommGroups groups = simai            ? simai_comm
                            : a.comm_groups.empty() ? CommGroups{}
                                                    : parse_comm_groups(read_text_file(a.comm_groups, "comm-group file"), a.comm_groups, world);
  const ClusterSpec spec = load_cluster_spec(a.spec);
  const Catalog cat = catalog_for(c, &spec);
  const Plan plan = make_plan(spec, cat, options_for(c));
  if (a.backend != "analytic" && a.backend != "flow" && a.backend != "packet") {
    throw InputError({}, "--backend", fmt::format("'{}' is not valid; expected analytic, flow or packet", a.backend));
  }
  auto backend = backend_for(a.backend, plan, spec, c.seed);
  const TraceReplayResult r = replay_traces(traces, world, groups, plan, *backend);
  const std::string title = fmt::format("{} ({} rank{} traced, {} in the job) on {} ({} XPUs, backend {})", a.prefix, traces.size(), traces.size() == 1 ? "" : "s",
                                        world, spec.name, plan.fabric.xpus(), backend->name());
  emit(a.out, a.json ? render_trace_json(r, title) : render_trace_text(r, title));
  return 0;
}

}  // namespace aifabric
