// `aifabric run SPEC`: the main job (plan, an all-reduce sweep on both backends, a training step) written as report.html and data files.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct RunArgs {
  std::string spec, job, out_dir = "out";
  bool quiet = false, no_sim = false;
};

CLI::App* add_run_command(CLI::App& app, RunArgs& a);
int cmd_run(const Common& c, const RunArgs& a);

}  // namespace aifabric
