// The plan, check and catalog commands: their options and their runs.
#include "cli/plan_command.h"

#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "catalog/catalog.h"
#include "plan/plan.h"
#include "plan/proposal.h"
#include "report/cable_files.h"
#include "report/plan_report.h"
#include "spec/cluster_spec.h"

namespace aifabric {

CLI::App* add_plan_command(CLI::App& app, PlanArgs& a) {
  auto* s = app.add_subcommand("plan", "plan a fabric from a cluster spec");
  s->add_option("spec", a.spec, "cluster spec (YAML)")->required();
  s->add_flag("--json", a.json, "JSON output (schema aifabric.plan/1)");
  s->add_flag("--dot", a.dot, "Graphviz DOT topology");
  s->add_option("-o,--output", a.out, "write to this file (atomically) instead of standard output");
  return s;
}

CLI::App* add_check_command(CLI::App& app, CheckArgs& a) {
  auto* s = app.add_subcommand("check", "check an explicit design proposal against arithmetic and the planner");
  s->add_option("proposal", a.proposal, "proposal (YAML)")->required();
  s->add_flag("--json", a.json, "JSON output");
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  return s;
}

CLI::App* add_cables_command(CLI::App& app, CablesArgs& a) {
  auto* s = app.add_subcommand("cables", "the cable schedule (one row per physical cable), orderable BOM and NetBox import files of a plan");
  s->add_option("spec", a.spec, "cluster spec (YAML)")->required();
  s->add_option("-o,--output", a.out_dir, "directory for cables.csv, bom.csv and netbox/*.csv")->required();
  return s;
}

CLI::App* add_catalog_command(CLI::App& app) { return app.add_subcommand("catalog", "list the catalog (shipped plus --catalog files)"); }

int cmd_plan(const Common& c, const PlanArgs& a) {
  const ClusterSpec spec = load_cluster_spec(a.spec);
  const Plan plan = plan_spec(c, spec);
  emit(a.out, a.json ? render_plan_json(plan) : a.dot ? render_plan_dot(plan) : render_plan_text(plan));
  return 0;
}

int cmd_cables(const Common& c, const CablesArgs& a) {
  namespace fs = std::filesystem;
  const ClusterSpec spec = load_cluster_spec(a.spec);
  const Plan plan = plan_spec(c, spec);
  // Everything rendered before anything is written; each file then lands whole (temp + rename).
  const auto files = render_cable_files(plan);
  std::error_code ec;
  fs::create_directories(fs::path(a.out_dir) / "netbox", ec);
  if (ec) throw InputError({a.out_dir, 0, 0}, "--output", fmt::format("cannot create {}: {}", a.out_dir, ec.message()));
  for (const auto& [name, text] : files) emit((fs::path(a.out_dir) / name).string(), text);
  size_t rows = 0;
  for (char ch : files.front().second) rows += ch == '\n';
  std::fprintf(stderr, "aifabric: %zu cables in %s (plus bom.csv and netbox/devices.csv, interfaces.csv, cables.csv)\n", rows - 1,
               (fs::path(a.out_dir) / "cables.csv").c_str());
  return 0;
}

int cmd_check(const Common& c, const CheckArgs& a) {
  const Proposal prop = load_proposal(a.proposal);
  const Catalog cat = session_catalog(c, nullptr);
  const ProposalReport rep = check_proposal(prop, cat, plan_options(c));
  emit(a.out, a.json ? render_proposal_json(rep) : render_proposal_text(rep));
  return rep.ok() ? 0 : kExitDoesNotAddUp;
}

int cmd_catalog(const Common& c) {
  const Catalog cat = session_catalog(c, nullptr);
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

}  // namespace aifabric
