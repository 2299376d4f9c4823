// Text and JSON of a packet-level run: completion times, goodput, per-tier utilisation and queues, marks, drops.
#pragma once

#include <string>

#include "net/packet_sim.h"

namespace aifabric {

// `baseline`: the same run without the failures, to say what they cost (optional).
std::string render_packet_text(const PacketSimResult& r, const std::string& title, double line_gbps, const PacketSimResult* baseline = nullptr);
std::string render_packet_json(const PacketSimResult& r, const std::string& title, const PacketSimResult* baseline = nullptr);

}  // namespace aifabric
