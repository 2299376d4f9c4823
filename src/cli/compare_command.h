// `aifabric compare --spec A --spec B ...`: one workload (a collective, a job, packet traffic) on several designs, side by side.
#pragma once

#include "scenario/compare_scenario.h"

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct CompareArgs {
  CompareRequest request;  // its defaults are the command's
  std::string out, html;
  bool json = false;
};

CLI::App* add_compare_command(CLI::App& app, CompareArgs& a);
int cmd_compare(const Common& c, const CompareArgs& a);

}  // namespace aifabric
