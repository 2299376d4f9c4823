// The packet engine's parts on their own: events reach the component that registered their kind (and the kernel's
// room for kinds is enforced), and the load-balancing policy's entropies and plane choices follow its definition.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "net/path_policy.h"
#include "sim/event_handlers.h"

namespace aifabric {
namespace {

struct Counter {
  std::vector<uint32_t> seen;
  void on_event(uint32_t target) { seen.push_back(target); }
};

TEST(EventHandlers, EachKindGoesToTheComponentThatRegisteredIt) {
  Simulator sim;
  EventHandlers events;
  Counter a, b;
  const uint32_t ka = events.add<&Counter::on_event>("a", &a);
  const uint32_t kb = events.add<&Counter::on_event>("b", &b);
  EXPECT_NE(ka, kb);
  sim.schedule(Picoseconds(20), kb, 7);
  sim.schedule(Picoseconds(10), ka, 3);
  sim.schedule_timer(Picoseconds(30), ka, 5);
  Due e;
  while (sim.next(e)) events.dispatch(e);
  EXPECT_EQ(a.seen, (std::vector<uint32_t>{3, 5}));
  EXPECT_EQ(b.seen, (std::vector<uint32_t>{7}));
}

TEST(EventHandlers, MoreKindsThanTheKernelHoldsAreRefused) {
  EventHandlers events;
  Counter c;
  for (uint32_t k = 0; k < EventHandlers::kCapacity; ++k) EXPECT_EQ(events.add<&Counter::on_event>("k", &c), k);
  EXPECT_THROW(events.add<&Counter::on_event>("one too many", &c), std::logic_error);
}

PacketSimConfig with_lb(LoadBalancing lb) {
  PacketSimConfig c;
  c.lb = lb;
  return c;
}

TEST(PathPolicy, EcmpPinsEveryDataPacketOfAFlowAndSaltsItsControlPackets) {
  PathPolicy ecmp(with_lb(LoadBalancing::Ecmp), 4096);
  packet_detail::Flow fl;
  fl.entropy = 0x1234u;
  Rng rng(1);
  for (uint32_t seq = 0; seq < 8; ++seq) EXPECT_EQ(ecmp.entropy(fl, 0, seq, true, seq * 1000, rng), 0x1234u);
  EXPECT_EQ(ecmp.entropy(fl, 0, 0, false, 0, rng), 0x1234u ^ 0x5bd1e995u);
  EXPECT_FALSE(ecmp.adaptive());
  EXPECT_EQ(ecmp.plane_selector(fl, 77), 77u);  // pinned: the packet's hash picks the plane
}

TEST(PathPolicy, RoundRobinStepsEachDataPacketAndTakesPlanesInTurn) {
  PathPolicy rr(with_lb(LoadBalancing::RoundRobin), 4096);
  packet_detail::Flow fl;
  fl.entropy = 100;
  Rng rng(1);
  for (uint32_t seq = 0; seq < 4; ++seq) EXPECT_EQ(rr.entropy(fl, 0, seq, true, 0, rng), 100 + seq);
  for (uint32_t k = 0; k < 4; ++k) EXPECT_EQ(rr.plane_selector(fl, 77), k);
  // A leaf steps its uplinks per packet: consecutive entropies give consecutive hashes.
  packet_detail::Packet p;
  p.type = packet_detail::kData;
  p.entropy = 5;
  const uint32_t h5 = rr.spread_hash(9, p, [] { return true; });
  p.entropy = 6;
  EXPECT_EQ(rr.spread_hash(9, p, [] { return true; }), h5 + 1);
}

TEST(PathPolicy, FlowletsChangePathOnlyAfterAnIdleGap) {
  PacketSimConfig c = with_lb(LoadBalancing::Flowlet);
  c.flowlet_gap_ps = 1000;
  PathPolicy fp(c, 4096);
  packet_detail::Flow fl;
  Rng rng(1);
  const uint32_t first = fp.entropy(fl, 0, 0, true, 0, rng);
  EXPECT_EQ(fp.entropy(fl, 0, 1, true, 900, rng), first);   // 900 ps after: the same flowlet
  EXPECT_NE(fp.entropy(fl, 0, 2, true, 2000, rng), first);  // 1,100 ps idle: a new one
}

TEST(PathPolicy, AdaptiveThresholdCountsWholePackets) {
  PacketSimConfig c = with_lb(LoadBalancing::Adaptive);
  c.adaptive_threshold_packets = 3;
  PathPolicy ad(c, 4160);
  EXPECT_TRUE(ad.adaptive());
  EXPECT_EQ(ad.adaptive_threshold_bytes(), 3 * 4160);
}

}  // namespace
}  // namespace aifabric
