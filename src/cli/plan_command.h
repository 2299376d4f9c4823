// The commands that read and print without simulating: `aifabric plan SPEC` (text, JSON or DOT), `aifabric cables
// SPEC -o DIR` (cable schedule, orderable BOM, NetBox import files), `aifabric check PROPOSAL` (a design proposal against
// arithmetic and the planner) and `aifabric catalog`.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct PlanArgs {
  std::string spec, out;
  bool json = false, dot = false;
};
CLI::App* add_plan_command(CLI::App& app, PlanArgs& a);
int cmd_plan(const Common& c, const PlanArgs& a);

struct CheckArgs {
  std::string proposal, out;
  bool json = false;
};
CLI::App* add_check_command(CLI::App& app, CheckArgs& a);
int cmd_check(const Common& c, const CheckArgs& a);

struct CablesArgs {
  std::string spec, out_dir;
};
CLI::App* add_cables_command(CLI::App& app, CablesArgs& a);
int cmd_cables(const Common& c, const CablesArgs& a);

CLI::App* add_catalog_command(CLI::App& app);
int cmd_catalog(const Common& c);

}  // namespace aifabric
