// `aifabric perf COLLECTIVE --spec S`: an NCCL-tests-style size sweep of one collective on a planned fabric, on any backend.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct PerfArgs {
  std::string collective, spec, min_size = "8", max_size = "128M", backend = "flow", algo = "nccl", proto, group = "all", lb, execution = "phases";
  double factor = 2;
  int64_t ranks = 0;
  int channels = 0;
  bool json = false;
  std::string out;
  std::vector<std::string> fail;
};

CLI::App* add_perf_command(CLI::App& app, PerfArgs& a);
int cmd_perf(const Common& c, const PerfArgs& a);

}  // namespace aifabric
