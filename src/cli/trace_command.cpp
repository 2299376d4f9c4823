// The trace command: its options; the traces read, replayed on the spec's fabric, reported.
#include "cli/trace_command.h"

#include "report/trace_report.h"
#include "scenario/trace_scenario.h"

namespace aifabric {

CLI::App* add_trace_command(CLI::App& app, TraceArgs& a) {
  auto* t = app.add_subcommand("trace", "replay Chakra execution traces (PREFIX.0.et, PREFIX.1.et, ...) or a SimAI workload file on a planned fabric");
  t->add_option("prefix", a.request.prefix, "trace files' common prefix (PREFIX.N.et for every rank N from 0), or a SimAI / AICB workload file")->required();
  t->add_option("--spec", a.spec, "cluster spec (YAML) whose fabric runs the communication")->required();
  t->add_option("--backend", a.request.backend, "analytic, flow or packet")->capture_default_str();
  t->add_option("--comm-groups", a.request.comm_groups, "process groups by pg_name (JSON: {\"name\": [rank, ...]}); default: every collective spans all ranks");
  t->add_option("--world", a.request.world, "ranks in the job when only some have traces (the others mirror them); default: one per trace file");
  t->add_flag("--json", a.json, "JSON output (schema aifabric.trace/1)");
  t->add_option("-o,--output", a.out, "write to this file (atomically)");
  return t;
}

int cmd_trace(const Common& c, const TraceArgs& a) {
  const TraceSet traces = load_traces(a.request);
  const TraceRun run = run_trace(c, load_cluster_spec(a.spec), a.request, traces);
  emit(a.out, a.json ? render_trace_json(run.result, run.title) : render_trace_text(run.result, run.title));
  return 0;
}

}  // namespace aifabric
