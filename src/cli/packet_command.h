// `aifabric packet --spec S --traffic T`: a traffic pattern packet by packet on a planned fabric, with failures and their cost.
#pragma once

#include "scenario/packet_scenario.h"

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct PacketArgs {
  std::string spec, out;
  PacketRequest request;  // its defaults are the command's
  bool json = false, no_ecn = false, quiet = false;
};

CLI::App* add_packet_command(CLI::App& app, PacketArgs& a);
int cmd_packet(const Common& c, const PacketArgs& a);

}  // namespace aifabric
