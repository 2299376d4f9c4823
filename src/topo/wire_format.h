// What one data packet costs on the wire beyond its payload, from the fabric's link layer (catalog `link_layer`).
//
// RoCEv2 over Ethernet: preamble and start-of-frame delimiter (8 B), Ethernet header (14), IPv4 (20), UDP (8),
// InfiniBand base transport header (12), invariant CRC (4), frame check sequence (4) and the inter-frame gap (12):
// 82 bytes per packet. InfiniBand: local route header (8), base transport header (12), invariant CRC (4) and
// variant CRC (2): 26 bytes. Planner, flow and packet backends read the same numbers from here.
#pragma once

#include <string_view>

#include "topo/fabric.h"

namespace aifabric {

struct WireFormat {
  int payload_bytes = 4096;  // the RDMA MTU
  int overhead_bytes = 82;
  std::string_view stack = "RoCEv2 over Ethernet";
  int packet_bytes() const { return payload_bytes + overhead_bytes; }
  double goodput() const { return static_cast<double>(payload_bytes) / static_cast<double>(packet_bytes()); }
};

inline constexpr int kRoceOverheadBytes = 8 + 14 + 20 + 8 + 12 + 4 + 4 + 12;
inline constexpr int kInfinibandOverheadBytes = 8 + 12 + 4 + 2;

WireFormat wire_format(const SwitchModel& leaf);
// The format of the fabric's host links (its leaf switches' link layer).
WireFormat wire_format(const Fabric& f);

}  // namespace aifabric
