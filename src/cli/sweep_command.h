// `aifabric sweep GRID.yaml`: every point of a design grid planned and its workload simulated, one row each; and
// `aifabric optimize GRID.yaml --target T --minimize cost`: the cheapest point that meets a target, most points never
// simulated.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct SweepArgs {
  std::string grid, out, format = "text", results, html, color_by;
  int threads = 1;
  int64_t max_points = 10000;
  bool quiet = false;
};

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& a);
int cmd_sweep(const Common& c, const SweepArgs& a);

struct OptimizeArgs {
  std::string grid, target, minimize = "cost", out, confirm;
  int threads = 1, runners_up = 2, finalists = 3;
  int64_t max_points = 10000;
};

CLI::App* add_optimize_command(CLI::App& app, OptimizeArgs& a);
int cmd_optimize(const Common& c, const OptimizeArgs& a);

}  // namespace aifabric
