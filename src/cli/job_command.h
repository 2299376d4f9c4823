// `aifabric job --job J --spec S...`: one training step of a job on one or more planned fabrics, side by side.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct JobArgs {
  std::vector<std::string> specs;
  std::string job, backend = "flow", out, chakra_out;
  bool json = false;
};

CLI::App* add_job_command(CLI::App& app, JobArgs& a);
int cmd_job(const Common& c, const JobArgs& a);

}  // namespace aifabric
