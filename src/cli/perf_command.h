// `aifabric perf COLLECTIVE --spec S`: an NCCL-tests-style size sweep of one collective on a planned fabric, on any backend.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"
#include "scenario/perf_scenario.h"

namespace aifabric {

struct PerfArgs : PerfRequest {
  std::string spec, out;
  bool json = false;
};

CLI::App* add_perf_command(CLI::App& app, PerfArgs& a);
int cmd_perf(const Common& c, const PerfArgs& a);

}  // namespace aifabric
