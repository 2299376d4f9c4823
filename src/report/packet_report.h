// Text and JSON of a packet-level run: completion times, goodput, per-tier utilisation and queues, marks, drops.
#pragma once

#include <string>

#include "net/packet_sim.h"

namespace aifabric {

std::string render_packet_text(const PacketSimResult& r, const std::string& title, double line_gbps);
std::string render_packet_json(const PacketSimResult& r, const std::string& title);

}  // namespace aifabric
