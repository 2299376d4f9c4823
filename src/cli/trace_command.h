// `aifabric trace PREFIX --spec SPEC`: replay Chakra execution traces (PREFIX.0.et, PREFIX.1.et, ...), or one step of
// a SimAI workload file, on a planned fabric.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"
#include "scenario/trace_scenario.h"

namespace aifabric {

struct TraceArgs {
  TraceRequest request;  // its defaults are the command's
  std::string spec, out;
  bool json = false;
};

CLI::App* add_trace_command(CLI::App& app, TraceArgs& a);
int cmd_trace(const Common& c, const TraceArgs& a);

}  // namespace aifabric
