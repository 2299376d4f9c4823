// Text and JSON of a packet-level run: completion times, goodput, per-tier utilisation and queues, marks, drops.
#pragma once

#include <string>

#include "net/packet_sim.h"

namespace aifabric {

// Completion times (us) and goodput (Gb/s) of a run's finished flows, optionally only those into one NIC or
// all but those.
struct FlowSummary {
  double fct_min = 0, fct_p50 = 0, fct_p99 = 0, fct_max = 0;
  double acked_p50 = 0, acked_p99 = 0, acked_max = 0;  // to the sender's last ack (htsim's completion stamp)
  double goodput_mean = 0, goodput_min = 0;
  double jain = 0;
  size_t done = 0;
};
FlowSummary summarise_flows(const PacketSimResult& r, int64_t only_dst = -1, int64_t except_dst = -1);
// The receiver offered well over its share (more than 1.5 x the median receiver's bytes), if any (else -1):
// flows into it are the hot spot, flows to the others its potential victims.
int64_t hot_receiver(const PacketSimResult& r);

// `baseline`: the same run without the failures, to say what they cost (optional).
std::string render_packet_text(const PacketSimResult& r, const std::string& title, double line_gbps, const PacketSimResult* baseline = nullptr);
std::string render_packet_json(const PacketSimResult& r, const std::string& title, const PacketSimResult* baseline = nullptr);

}  // namespace aifabric
