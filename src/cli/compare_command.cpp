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
  s->add_option("--spec", a.request.specs, "cluster specs to compare (two or more)")->required()->expected(2, 64);
  s->add_option("--collective", a.request.collective, "all_reduce, all_gather, reduce_scatter, alltoall, ...")->capture_default_str();
  s->add_option("--size", a.request.size, "message size per rank (8, 64K, 1G)")->capture_default_str();
  s->add_option("--group", a.request.group, "all, first:N, rail:K, server:S")->capture_default_str();
  s->add_option("--algo", a.request.algo, "nccl, ring, tree, nvls, nvls-tree, collnet-chain, collnet-direct, pat, halving-doubling, direct, hierarchical, parameter-server")->capture_default_str();
  s->add_option("--backend", a.request.backend, "analytic, flow, packet or nccl-model")->capture_default_str();
  s->add_option("--job", a.request.job, "also time one step of this job on every design");
  s->add_option("--fail", a.request.fail, "take out of service on every design: plane:P, switch:NAME, tier:T:FRACTION|COUNT, link:NAME,NAME, links:T:FRACTION|COUNT");
  s->add_option("--traffic", a.request.traffic, "also run this traffic packet by packet on every design (permutation, incast:N, alltoall[:N], hotspot[:N], uniform, file:PATH), "
                                              "each with its spec's load_balancing, transport and pfc");
  s->add_option("--bytes", a.request.bytes, "bytes per flow of --traffic")->capture_default_str();
  s->add_flag("--json", a.json, "JSON output (schema aifabric.compare/1)");
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  s->add_option("--html", a.html, "also write the comparison as a self-contained HTML page");
  return s;
}

// The same collective (and optionally the same job) on every design, one row each.
int cmd_compare(const Common& c, const CompareArgs& a) {
  if (!a.request.traffic.empty()) {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  const std::optional<Comparison> cmp = run_compare(c, a.request, &g_stop_signal_int);
  if (!cmp) return 128 + static_cast<int>(g_stop_signal);
  if (!a.html.empty()) emit(a.html, render_comparison_html(*cmp));
  emit(a.out, a.json ? render_comparison_json(*cmp) : render_comparison_text(*cmp));
  return 0;
}

}  // namespace aifabric
