// Helpers shared by the packet-engine tests: fixed delays, running a traffic pattern, and what tests measure.
#pragma once

#include <algorithm>
#include <string>

#include "net/packet_sim.h"
#include "net/traffic.h"
#include "plan/plan.h"

namespace aifabric::testing {

// 16 DGX servers = 128 NICs at 400G; 4 leaves of 32 down / 32 up; 32 spines, one link per leaf-spine pair.
inline constexpr const char* kLeafSpine128 = R"(
cluster: {server: dgx-h100, servers: 16}
fabric: {topology: clos, switch: quantum2-qm9700, tiers: 2, spines: one-link-per-pair}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)";

// A 4 KiB InfiniBand packet on the wire (QM9700 fabrics): LRH 8 + BTH 12 + ICRC 4 + VCRC 2 bytes of overhead.
inline constexpr int kIbPacket = 4096 + 8 + 12 + 4 + 2;
inline constexpr int kIbOverhead = kIbPacket - 4096;
// The same over RoCEv2 on Ethernet: preamble+SFD 8, Ethernet 14, IPv4 20, UDP 8, BTH 12, ICRC 4, FCS 4, gap 12.
inline constexpr int kRocePacket = 4096 + 8 + 14 + 20 + 8 + 12 + 4 + 4 + 12;
inline constexpr int kRoceOverhead = kRocePacket - 4096;

// 1 us per link, no switch latency: the reference scenario's physics.
inline PacketSimConfig fixed_delays() {
  PacketSimConfig c;
  c.link_delay_ps = 1'000'000;
  c.switch_latency_ps = 0;
  return c;
}

inline PacketSimResult run_traffic(const Plan& p, const PacketSimConfig& c, const std::string& pattern, int64_t bytes, uint64_t seed) {
  PacketSim sim(p, c);
  for (const auto& f : make_traffic(pattern, p.fabric.nic_count(), bytes, seed)) sim.add_flow(f);
  return sim.run();
}

inline Picoseconds last_finish(const PacketSimResult& r) {
  Picoseconds last;
  for (const auto& f : r.flows) last = std::max(last, f.finish);
  return last;
}

// Jain's fairness index of the flows' goodputs (only those into `only_dst` if given).
inline double jain_index(const PacketSimResult& r, int64_t only_dst = -1) {
  double s = 0, q = 0, n = 0;
  for (const auto& f : r.flows) {
    if (only_dst >= 0 && f.dst != only_dst) continue;
    s += f.goodput_gbps();
    q += f.goodput_gbps() * f.goodput_gbps();
    ++n;
  }
  return q > 0 ? s * s / (n * q) : 0;
}

}  // namespace aifabric::testing
