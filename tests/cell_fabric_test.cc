// The switch-scheduled packet model against first principles: the request/grant/cell timeline to the
// picosecond, in-order delivery and conservation under cell spraying, lossless fair incast, and the hot spot.
#include <gtest/gtest.h>

#include "core/units.h"
#include "net/packet_sim.h"
#include "net/traffic.h"
#include "packet_test_support.h"
#include "test_support.h"

namespace aifabric {
using testing::fixed_delays;
using testing::kRoceOverhead;
using testing::kRocePacket;
using testing::jain_index;
using testing::last_finish;
using testing::plan_from;
using testing::run_traffic;

namespace {

// 16 DGX servers = 128 NICs at 400G on 4 leaf elements (32 each) and 2 fabric elements.
const char* kCells128 = R"(
cluster: {server: dgx-h100, servers: 16}
fabric: {architecture: switch-scheduled, leaf_element: j3ai-leaf-element, fabric_element: r3-fabric-element}
layout: {servers_per_rack: 4, racks_per_row: 16}
power: {rack_power_limit_kw: 45}
)";

}  // namespace

// One packet between leaf elements on an idle fabric: it reaches the ingress element (S + D), its VOQ's
// request crosses the fabric (C = 2 D) and the grant comes back (C); its cells cross in parallel over
// different links (2 x the largest cell's serialisation + 2 D), and the egress port sends it on (S + D).
TEST(CellFabric, OnePacketTimelineToThePicosecond) {
  const Plan p = plan_from(kCells128);
  ASSERT_EQ(p.fabric.architecture, Architecture::SwitchScheduled);
  int64_t fabric_gbps = 0;
  for (const Link& l : p.fabric.links) if (l.tier == 2) fabric_gbps = l.gbps;
  PacketSimConfig c = fixed_delays();
  c.ecn = false;
  PacketSim sim(p, c);
  sim.add_flow({0, 64, 1000, Picoseconds(0)});  // leaf element 0 -> leaf element 2
  const PacketSimResult r = sim.run();
  ASSERT_TRUE(r.all_done);
  const int64_t D = 1'000'000, C = 2 * D;
  const int64_t S = serialisation_time(1000 + kRoceOverhead, gbps(400)).count();
  const int64_t cell = serialisation_time(256, gbps(fabric_gbps)).count();
  EXPECT_EQ(r.flows[0].finish.count(), (S + D) + 2 * C + (2 * cell + 2 * D) + (S + D));
  // 1,082 bytes (RoCEv2 on Ethernet) in cells of 240 bytes of payload: 5 cells; the ack (64 bytes) is one more.
  EXPECT_EQ(r.cells.cells, 5 + 1);
  EXPECT_EQ(r.cells.credits, 2);
}

// Go-back-N RoCE discards anything out of order, so over sprayed cells it only completes without NACKs
// if reassembly restores order: cells do overtake each other (packets held back), yet no packet reaches a
// receiver ahead of its predecessor and every byte arrives once.
TEST(CellFabric, SprayedCellsReassembleInOrder) {
  const Plan p = plan_from(kCells128);
  PacketSimConfig c = fixed_delays();
  c.transport = TransportKind::RoceDcqcn;
  const PacketSimResult r = run_traffic(p, c, "permutation", 1 << 20, 4);
  ASSERT_TRUE(r.all_done);
  EXPECT_EQ(r.bytes_delivered, r.bytes_offered);
  EXPECT_EQ(r.duplicate_bytes, 0);
  EXPECT_GT(r.cells.held_for_order, 0) << "cells took different links and arrived out of order";
  EXPECT_EQ(r.reordered_arrivals, 0);
  EXPECT_EQ(r.nacks, 0);
  EXPECT_EQ(r.drops, 0);
  EXPECT_EQ(r.retransmits, 0);
  // Every data packet between leaf elements is 18 cells (4,160 bytes in cells of 240 bytes of payload);
  // acknowledgements and congestion notifications add one cell each.
  std::vector<uint32_t> element(p.fabric.nodes.size(), 0);
  for (const Link& l : p.fabric.links) if (l.tier == 1) element[l.lower.value()] = l.upper.value();
  int64_t crossing = 0;
  for (const auto& f : r.flows) if (element[f.src] != element[f.dst]) crossing += f.packets;
  EXPECT_GE(r.cells.cells, 18 * crossing + crossing);
  EXPECT_LE(r.cells.cells, 18 * crossing + 2 * crossing + r.cnps);
}

// 16:1 incast into one NIC from senders spread over every leaf element: credits share the egress port, so
// nothing is dropped, shares are fair, and the last byte lands within 2% and one zero-load round trip of the receiver's line-rate floor.
TEST(CellFabric, IncastIsLosslessAndFair) {
  const Plan p = plan_from(kCells128);
  for (TransportKind t : {TransportKind::Spray, TransportKind::RoceDcqcn}) {
    PacketSimConfig c = fixed_delays();
    c.transport = t;
    const PacketSimResult r = run_traffic(p, c, "incast:16", 2 << 20, 1);
    ASSERT_TRUE(r.all_done);
    EXPECT_EQ(r.bytes_delivered, r.bytes_offered);
    EXPECT_EQ(r.drops, 0);
    EXPECT_EQ(r.retransmits, 0);
    EXPECT_EQ(r.pauses, 0) << "no PFC in a cell fabric";
    EXPECT_GT(jain_index(r), 0.99);
    const double floor_s = 16.0 * (2 << 20) * 8 / (400e9 * 4096 / kRocePacket);
    EXPECT_GE(last_finish(r).seconds(), floor_s);
    const double rtt = PacketSim(p, c).base_rtt().seconds();  // request, grant, cells and ack at zero load
    EXPECT_LT(last_finish(r).seconds(), 1.02 * floor_s + rtt) << to_string(t);
  }
}

// All-to-all with a hot spot: the flows into the hot NIC share it fairly and end when its link allows;
// every other flow runs as if the hot spot were not there .
TEST(CellFabric, HotSpotDoesNotHurtItsNeighbours) {
  const Plan p = plan_from(kCells128);
  PacketSimConfig c = fixed_delays();
  c.transport = TransportKind::RoceDcqcn;
  PacketSim sim(p, c);
  const int64_t bytes = 64 << 10;
  const int n = 32;
  for (const auto& f : make_traffic("hotspot:32", 128, bytes, 1)) sim.add_flow(f);
  const PacketSimResult r = sim.run();
  ASSERT_TRUE(r.all_done);
  EXPECT_EQ(r.drops, 0);
  EXPECT_EQ(r.bytes_delivered, r.bytes_offered);
  EXPECT_GT(jain_index(r, 0), 0.99) << "fair shares of the hot NIC";
  const double line = 400e9 * 4096 / kRocePacket / 8;  // payload bytes per second
  const double hot_floor = (n - 1) * 4.0 * static_cast<double>(bytes) / line;
  const double victim_floor = ((n - 2) * 1.0 + 4.0) * static_cast<double>(bytes) / line;  // the sender's own link
  Picoseconds hot_last, victim_last;
  for (const auto& f : r.flows) (f.dst == 0 ? hot_last : victim_last) = std::max(f.dst == 0 ? hot_last : victim_last, f.finish);
  EXPECT_GE(hot_last.seconds(), hot_floor);
  // Allowing one zero-load round trip (request, grant, cells, ack) on top of the serialisation floors.
  const double rtt = sim.base_rtt().seconds();
  EXPECT_LT(hot_last.seconds(), 1.02 * hot_floor + rtt);
  EXPECT_LT(victim_last.seconds(), 1.05 * victim_floor + rtt) << "victims finish near their own links' floor";
}

}  // namespace aifabric
