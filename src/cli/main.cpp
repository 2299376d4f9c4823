// The aifabric command: plan, check, run, catalog. Bad input -> one-line error and exit 2.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catalog/catalog.h"
#include "core/atomic_file.h"
#include "core/input_error.h"
#include "plan/plan.h"
#include "plan/proposal.h"
#include "report/plan_report.h"
#include "spec/cluster_spec.h"

namespace {

using namespace aifabric;

constexpr int kExitInput = 2;
constexpr int kExitDoesNotAddUp = 3;  // `check`: the proposal's numbers do not add up

struct Common {
  std::vector<std::string> catalogs;
  double max_memory_gib = 8;
};

Catalog catalog_for(const Common& c, const ClusterSpec* spec) {
  std::vector<std::string> files = c.catalogs;
  if (spec) files.insert(files.end(), spec->catalog_files.begin(), spec->catalog_files.end());
  return load_catalog(files);
}

PlanOptions options_for(const Common& c) {
  PlanOptions o;
  o.limits.max_memory_bytes = static_cast<int64_t>(c.max_memory_gib * static_cast<double>(int64_t{1} << 30));
  return o;
}

// Writes `text` to `path` atomically, or to stdout when path is empty or "-".
void emit(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  const std::string err = write_file_atomically(path, text);
  if (!err.empty()) throw InputError({path, 0, 0}, "", err);
}

int cmd_plan(const Common& c, const std::string& spec_path, bool json, bool dot, const std::string& out) {
  const ClusterSpec spec = load_cluster_spec(spec_path);
  const Catalog cat = catalog_for(c, &spec);
  const Plan plan = make_plan(spec, cat, options_for(c));
  emit(out, json ? render_plan_json(plan) : dot ? render_plan_dot(plan) : render_plan_text(plan));
  return 0;
}

int cmd_run(const Common& c, const std::string& spec_path, const std::string& out_dir, bool quiet) {
  const ClusterSpec spec = load_cluster_spec(spec_path);
  const Catalog cat = catalog_for(c, &spec);
  const Plan plan = make_plan(spec, cat, options_for(c));
  namespace fs = std::filesystem;
  const std::string text = render_plan_text(plan);
  // Render everything first, then write each file atomically: no partial output on error.
  const std::string json = render_plan_json(plan);
  const std::string dot = render_plan_dot(plan);
  emit((fs::path(out_dir) / "plan.txt").string(), text);
  emit((fs::path(out_dir) / "plan.json").string(), json);
  emit((fs::path(out_dir) / "topology.dot").string(), dot);
  if (!quiet) std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  std::fprintf(stderr, "aifabric: report written to %s (plan.txt, plan.json, topology.dot)\n", (fs::path(out_dir) / "plan.txt").c_str());
  return 0;
}

int cmd_check(const Common& c, const std::string& path, bool json, const std::string& out) {
  const Proposal prop = load_proposal(path);
  const Catalog cat = catalog_for(c, nullptr);
  const ProposalReport rep = check_proposal(prop, cat, options_for(c));
  emit(out, json ? render_proposal_json(rep) : render_proposal_text(rep));
  return rep.ok() ? 0 : kExitDoesNotAddUp;
}

int cmd_catalog(const Common& c) {
  const Catalog cat = catalog_for(c, nullptr);
  std::string o = "switches:\n";
  for (const auto& s : cat.switches()) {
    o += fmt::format("  {:<24} {:<15} {:>3} x {:>4}G {:<8} {:>6.0f} W  {}\n", s.name, to_string(s.role), s.cages, s.cage_gbps, to_string(s.form_factor),
                     s.system_power_w, s.asic);
  }
  o += "nics:\n";
  for (const auto& n : cat.nics()) o += fmt::format("  {:<24} {:>4}G {:<8} {}\n", n.name, n.port_gbps, to_string(n.form_factor), n.source);
  o += "servers:\n";
  for (const auto& s : cat.servers()) o += fmt::format("  {:<24} {} x {}, {} NICs ({}), scale-up {}\n", s.name, s.xpus, s.xpu, s.backend_nics, s.nic, s.scale_up_domain);
  o += "parts:\n";
  for (const auto& p : cat.parts()) {
    o += fmt::format("  {:<28} {:<11} {:>5}G {:<8} reach {:>6} m  {:>5.1f} W  {}{}\n", p.name, to_string(p.kind), p.rate_gbps, to_string(p.form_factor), p.reach_m,
                     p.power_w, p.breakout > 1 ? fmt::format("1:{} breakout ", p.breakout) : "", p.lpo ? "LPO" : "");
  }
  emit("", o);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"aifabric: plan, check and simulate AI-cluster back-end networks"};
  app.require_subcommand(1);
  Common common;
  app.add_option("--catalog", common.catalogs, "extra catalog YAML file(s); same names override the shipped entries");
  app.add_option("--max-memory", common.max_memory_gib, "refuse specs whose fabric would need more than this many GiB")->check(CLI::PositiveNumber);

  std::string spec_path, out, out_dir = "out", proposal_path;
  bool json = false, dot = false, quiet = false;
  auto* plan = app.add_subcommand("plan", "plan a fabric from a cluster spec");
  plan->add_option("spec", spec_path, "cluster spec (YAML)")->required();
  plan->add_flag("--json", json, "JSON output (schema aifabric.plan/1)");
  plan->add_flag("--dot", dot, "Graphviz DOT topology");
  plan->add_option("-o,--output", out, "write to this file (atomically) instead of standard output");

  auto* run = app.add_subcommand("run", "plan the spec and write the report files into a folder");
  run->add_option("spec", spec_path, "cluster spec (YAML)")->required();
  run->add_option("-o,--output", out_dir, "output folder")->capture_default_str();
  run->add_flag("-q,--quiet", quiet, "do not print the text report");

  auto* check = app.add_subcommand("check", "check an explicit design proposal against arithmetic and the planner");
  check->add_option("proposal", proposal_path, "proposal (YAML)")->required();
  check->add_flag("--json", json, "JSON output");
  check->add_option("-o,--output", out, "write to this file (atomically)");

  auto* catalog = app.add_subcommand("catalog", "list the catalog (shipped plus --catalog files)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitInput;
  }
  try {
    if (*plan) return cmd_plan(common, spec_path, json, dot, out);
    if (*run) return cmd_run(common, spec_path, out_dir, quiet);
    if (*check) return cmd_check(common, proposal_path, json, out);
    if (*catalog) return cmd_catalog(common);
  } catch (const InputError& e) {
    std::fprintf(stderr, "aifabric: error: %s\n", e.what());
    return kExitInput;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "aifabric: error: out of memory; lower the cluster size or --max-memory\n");
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aifabric: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
