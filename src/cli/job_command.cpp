// `aifabric job --job J --spec S...`: its options and its run.
#include "cli/job_command.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/input_error.h"
#include "report/step_report.h"
#include "scenario/job_scenario.h"
#include "spec/cluster_spec.h"
#include "trace/chakra_trace.h"
#include "trace/trace_replay.h"
#include "workload/job_spec.h"
#include "workload/step_trace.h"

namespace aifabric {

CLI::App* add_job_command(CLI::App& app, JobArgs& a) {
  auto* s = app.add_subcommand("job", "time one training step of a job on one or more planned fabrics");
  s->add_option("--job", a.job, "job spec (YAML)")->required();
  s->add_option("--spec", a.specs, "cluster spec(s); several are compared side by side")->required();
  s->add_option("--backend", a.backend, "analytic, flow or packet")->capture_default_str();
  s->add_flag("--json", a.json, "JSON output (schema aifabric.step/1)");
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  s->add_option("--chakra-out", a.chakra_out, "also write the step as Chakra traces PREFIX.0.et, PREFIX.1.et, ... (one spec; 1F1B, up to 4,096 ranks)");
  return s;
}

// The same job on each spec's fabric; several specs print side by side.
int cmd_job(const Common& c, const JobArgs& a) {
  const JobSpec job = load_job_spec(a.job);
  std::vector<StepResult> results;
  std::string text;
  for (const auto& path : a.specs) {
    const ClusterSpec spec = load_cluster_spec(path);
    const Plan plan = plan_spec(c, spec);
    results.push_back(run_job(c, job, plan, spec, a.backend));
    text += render_step_text(results.back()) + "\n";
    if (!a.chakra_out.empty()) {  // the same step as per-rank Chakra traces, for ASTRA-sim or `aifabric trace`
      if (a.specs.size() != 1) throw InputError({}, "--chakra-out", "writes the traces of one fabric's step; give one --spec");
      const StepTraces st = step_traces(job, plan);
      for (size_t r = 0; r < st.ranks.size(); ++r) emit(fmt::format("{}.{}.et", a.chakra_out, r), serialize_chakra(st.ranks[r]));
      emit(a.chakra_out + ".groups.json", render_comm_groups(st.groups));
      text += fmt::format("  wrote {} Chakra traces: {}.0.et ... {}.{}.et, and their process groups in {}.groups.json\n", st.ranks.size(), a.chakra_out,
                          a.chakra_out, st.ranks.size() - 1, a.chakra_out);
    }
  }
  if (results.size() > 1) text += render_step_comparison(results);
  emit(a.out, a.json ? render_step_json(results) : text);
  return 0;
}

}  // namespace aifabric
