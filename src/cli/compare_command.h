// `aifabric compare --spec A --spec B ...`: one workload (a collective, a job, packet traffic) on several designs, side by side.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct CompareArgs {
  std::vector<std::string> specs, fail;
  std::string collective = "all_reduce", size = "1G", group = "all", algo = "nccl", backend = "flow", job, out, html, traffic, bytes = "1M";
  bool json = false;
};

CLI::App* add_compare_command(CLI::App& app, CompareArgs& a);
int cmd_compare(const Common& c, const CompareArgs& a);

}  // namespace aifabric
