// `aifabric packet --spec S --traffic T`: a traffic pattern packet by packet on a planned fabric, with failures and their cost.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace aifabric {

struct PacketArgs {
  std::string spec, traffic = "permutation", bytes = "4M", lb, out, transport, ack_every;
  std::vector<std::string> fail;
  bool json = false, lossless = false, no_ecn = false, pfc = false, quiet = false;
  int64_t link_delay_ns = -1, switch_latency_ns = -1, buffer = 0, shared_buffer = 0;
  double buffer_alpha = 1.0;
};

CLI::App* add_packet_command(CLI::App& app, PacketArgs& a);
int cmd_packet(const Common& c, const PacketArgs& a);

}  // namespace aifabric
