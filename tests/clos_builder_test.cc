// Fabric builders against the closed forms: k^2/2 and k^3/4 endpoints, rail units, planes, exact port use.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "test_support.h"
#include "topo/build_fabric.h"
#include "topo/upper_tiers.h"

namespace aifabric {
using testing::shipped_catalog;
using testing::spec_from;

namespace {

Fabric build(const std::string& yaml) { return build_fabric(spec_from(yaml), shipped_catalog()); }

// Links per node, by tier of the link.
std::vector<int64_t> degree(const Fabric& f) {
  std::vector<int64_t> d(f.nodes.size(), 0);
  for (const Link& l : f.links) { ++d[l.lower.value()]; ++d[l.upper.value()]; }
  return d;
}

// Every NIC has exactly `planes` links; no switch uses more ports (at the link rates) than it has.
void expect_ports_conserved(const Fabric& f) {
  std::vector<int64_t> used_gbps(f.nodes.size(), 0);
  std::vector<int> nic_links(f.nodes.size(), 0);
  for (const Link& l : f.links) {
    used_gbps[l.lower.value()] += l.gbps;
    used_gbps[l.upper.value()] += l.gbps;
    if (f.nodes[l.lower.value()].role == NodeRole::Nic) ++nic_links[l.lower.value()];
  }
  for (uint32_t i = 0; i < f.nodes.size(); ++i) {
    const Node& n = f.nodes[i];
    if (n.role == NodeRole::Nic) {
      EXPECT_EQ(nic_links[i], f.planes) << f.node_name(NodeId(i));
    } else if (n.role != NodeRole::FabricElement && n.role != NodeRole::LeafElement) {
      EXPECT_LE(used_gbps[i], f.tier[n.tier].model->capacity_gbps()) << f.node_name(NodeId(i));
    }
  }
}

}  // namespace

// A 64-port switch (radix k = 64 at 400G): a 2-tier Clos tops out at k^2/2 = 2,048 endpoints.
TEST(ClosBuilder, TwoTierRadix64TopsOutAt2048) {
  const Fabric f = build("cluster: {servers: 256}\nfabric: {switch: th4-64x400g-qsfpdd, tiers: auto}\n");
  EXPECT_EQ(f.nic_count(), 2048);
  EXPECT_EQ(f.tiers, 2);
  EXPECT_EQ(f.tier[1].per_plane, 2048 / 32);  // 32 down per leaf
  EXPECT_EQ(f.tier[2].per_plane, 32);         // each of 32 uplinks to a distinct spine
  const auto d = degree(f);
  for (uint32_t i = f.first_of(0, 2); i < f.end_of(0, 2); ++i) EXPECT_EQ(d[i], 64) << "spine ports all used";
  for (uint32_t i = f.first_of(0, 1); i < f.end_of(0, 1); ++i) EXPECT_EQ(d[i], 64) << "leaf ports all used";
  expect_ports_conserved(f);
  // One more server no longer fits two tiers: auto picks 3.
  EXPECT_EQ(build("cluster: {servers: 257}\nfabric: {switch: th4-64x400g-qsfpdd}\n").tiers, 3);
}

TEST(ClosBuilder, TwoTiersRefusedBeyondLimitWithFix) {
  try {
    build("cluster: {servers: 300}\nfabric: {switch: th4-64x400g-qsfpdd, tiers: 2}\n");
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("2 tiers cannot hold"), std::string::npos) << m;
    EXPECT_NE(m.find("fix: tiers: 3"), std::string::npos) << m;
    EXPECT_NE(m.find("test.yaml:2:"), std::string::npos) << m;
  }
}

// Radix 64: a 3-tier fat tree reaches k^3/4 = 65,536 endpoints with k/2 = 32 pods... of k = 64 pods.
TEST(ClosBuilder, ThreeTierRadix64TopsOutAt65536) {
  const Fabric f = build("cluster: {servers: 8192}\nfabric: {switch: th4-64x400g-qsfpdd, tiers: auto}\n");
  ASSERT_EQ(f.nic_count(), 65536);
  EXPECT_EQ(f.tiers, 3);
  const int64_t k = 64;
  EXPECT_EQ(f.pods, k);
  EXPECT_EQ(f.tier[1].per_plane, k * k / 2);        // 2,048 leaves
  EXPECT_EQ(f.tier[2].per_plane, k * k / 2);        // 2,048 spines
  EXPECT_EQ(f.tier[3].per_plane, (k / 2) * (k / 2)); // 1,024 cores
  EXPECT_EQ(static_cast<int64_t>(f.links.size()), 3 * 65536);
  const auto d = degree(f);
  for (uint32_t i = f.first_of(0, 1); i < f.end_of(0, 3); ++i) EXPECT_EQ(d[i], k) << f.node_name(NodeId(i));
  expect_ports_conserved(f);
  EXPECT_THROW(build("cluster: {servers: 8193}\nfabric: {switch: th4-64x400g-qsfpdd}\n"), InputError);
}

// 51.2 Tb/s at 400G per port: radix 128, so 8,192 endpoints per plane in 2 tiers.
TEST(ClosBuilder, Th5At400GReaches8192PerPlane) {
  const Fabric f = build("cluster: {servers: 1024}\nfabric: {switch: th5-64x800g-osfp}\n");
  EXPECT_EQ(f.host_link_gbps, 400);
  EXPECT_EQ(f.tiers, 2);
  EXPECT_EQ(f.tier[1].per_plane, 128);
  EXPECT_EQ(f.tier[2].per_plane, 64);
  expect_ports_conserved(f);
  const auto d = degree(f);
  for (uint32_t i = f.first_of(0, 2); i < f.end_of(0, 2); ++i) EXPECT_EQ(d[i], 128);
  EXPECT_EQ(build("cluster: {servers: 1025}\nfabric: {switch: th5-64x800g-osfp}\n").tiers, 3);
}

// Planes: an 800G NIC split over P planes runs P links of 800/P G; each plane is its own Clos.
TEST(ClosBuilder, PlanesAreIndependentClosFabrics) {
  const Fabric f = build("cluster: {server: hgx-b300-800g, servers: 1024}\nfabric: {switch: th5-64x800g-osfp, planes: 2}\n");
  EXPECT_EQ(f.host_link_gbps, 400);
  EXPECT_EQ(f.tiers, 2);
  EXPECT_EQ(f.switch_count(1), 2 * 128);
  EXPECT_EQ(f.switch_count(2), 2 * 64);
  for (const Link& l : f.links) {
    if (l.tier == 1) continue;
    EXPECT_EQ(f.nodes[l.lower.value()].plane, f.nodes[l.upper.value()].plane) << "no link between planes";
  }
  expect_ports_conserved(f);
}

// Design question 1: rail-optimised units of 32 eight-GPU servers on 64-port 400G switches.
TEST(ClosBuilder, RailOptimisedUnitsOf32Servers) {
  const Fabric f = build("cluster: {servers: 128}\nfabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700}\n");
  EXPECT_EQ(f.scalable_unit_servers, 32);
  // 8 rails -> 8 rail leaves per unit; 4 units -> 32 leaves; 32 x 32 uplinks / 64 ports = 16 spines.
  EXPECT_EQ(f.tier[1].per_plane, 4 * 8);
  EXPECT_EQ(f.tier[2].per_plane, 32 * 32 / 64);
  EXPECT_EQ(f.tier[1].parallel_up, 2);
  // NIC i of every server in a unit lands on rail leaf i of that unit.
  for (const Link& l : f.links) {
    if (l.tier != 1) continue;
    const Node& nic = f.nodes[l.lower.value()];
    const Node& leaf = f.nodes[l.upper.value()];
    const uint32_t server = nic.group, rail = nic.index % 8;
    EXPECT_EQ(leaf.index, (server / 32) * 8 + rail);
  }
  const auto d = degree(f);
  for (uint32_t i = f.first_of(0, 1); i < f.end_of(0, 3); ++i) EXPECT_EQ(d[i], 64) << "no port lost: " << f.node_name(NodeId(i));
}

TEST(ClosBuilder, RailOnlyKeepsRailsApart) {
  const Fabric f = build("cluster: {servers: 256}\nfabric: {topology: rail-only, switch: quantum2-qm9700}\n");
  // 256 servers per rail exceed one 64-port switch: each rail is its own 2-tier network.
  EXPECT_EQ(f.tiers, 2);
  std::vector<int> rail_of_leaf(f.nodes.size(), -1);
  for (const Link& l : f.links) if (l.tier == 1) rail_of_leaf[l.upper.value()] = static_cast<int>(f.nodes[l.lower.value()].index % 8);
  std::vector<std::set<uint32_t>> spines_of_rail(8);
  for (const Link& l : f.links) if (l.tier == 2) spines_of_rail[rail_of_leaf[l.lower.value()]].insert(l.upper.value());
  std::set<uint32_t> all;
  size_t total = 0;
  for (const auto& s : spines_of_rail) { EXPECT_FALSE(s.empty()); total += s.size(); all.insert(s.begin(), s.end()); }
  EXPECT_EQ(all.size(), total) << "a spine serves more than one rail";
  expect_ports_conserved(f);
}

TEST(ClosBuilder, OversubscribedLeafUsesFewerUplinks) {
  const Fabric f = build("cluster: {servers: 256}\nfabric: {switch: th4-64x400g-qsfpdd, oversubscription: {leaf: '3:1'}}\n");
  EXPECT_EQ(f.tier[1].down_ports, 48);
  EXPECT_EQ(f.tier[1].up_ports, 16);
  expect_ports_conserved(f);
}

TEST(ClosBuilder, ChooseUppersPrefersBalancedButNotWasteful) {
  EXPECT_EQ(detail::choose_uppers(std::vector<int>(32, 32), 64), 16);  // 2 parallel links to each of 16
  EXPECT_EQ(detail::choose_uppers(std::vector<int>(33, 32), 64), 32);  // 33 lowers cannot double up
  EXPECT_EQ(detail::choose_uppers(std::vector<int>(65, 32), 64), 0);   // too many lowers for one tier
  // 7 pods of spines with 25 uplinks (one partial pod with 23) on 64-port cores: 3 cores per group
  // (uneven 8/9 links) rather than 25 balanced ones.
  std::vector<int> pods(6, 25);
  pods.push_back(23);
  EXPECT_EQ(detail::choose_uppers(pods, 64), 3);
}

// Regressions from the planner review: each reproduces a wrong number the planner used to print.
TEST(ClosBuilder, OneTierMeansOneSwitch) {
  const Fabric f = build("cluster: {server: hgx-b300-800g, servers: 8}\nfabric: {topology: clos, switch: th5-64x800g-osfp}\n");
  EXPECT_EQ(f.tiers, 1);
  EXPECT_EQ(f.switch_total(), 1);
  const Fabric r = build("cluster: {server: dgx-h100, servers: 2}\nfabric: {topology: rail-optimized, switch: quantum2-qm9700}\n");
  EXPECT_EQ(r.switch_total(), 1);
}

TEST(ClosBuilder, BreakoutsNeverOvercommitCages) {
  const Fabric f = build("cluster: {server: hgx-b300-800g, servers: 266}\n"
                         "fabric: {topology: rail-optimized, switch: th5-64x800g-osfp, planes: 4, oversubscription: {leaf: 1.1}}\n");
  // 200G links, 4 per 800G cage: downlinks and uplinks rounded up to whole cages must fit 64 cages.
  std::vector<int> down(f.nodes.size(), 0), up(f.nodes.size(), 0);
  for (const Link& l : f.links) { ++down[l.upper.value()]; ++up[l.lower.value()]; }
  for (uint32_t i = f.first_of(0, 1); i < f.end_of(0, 1); ++i) EXPECT_LE((down[i] + 3) / 4 + (up[i] + 3) / 4, 64) << f.node_name(NodeId(i));
}

// Regression (issue 17): 64:1 on a 64-port switch left no uplink and divided by zero (SIGFPE). A switch of 64 x 400G
// keeps one 400G uplink up to 25.6T / 400G - 1 = 63:1, which still builds.
TEST(ClosBuilder, LeafRatioThatLeavesNoUplinkIsALocatedError) {
  const std::string e = testing::error_of([] { build("cluster: {servers: 128}\nfabric: {switch: quantum2-qm9700, oversubscription: {leaf: 64}}\n"); });
  EXPECT_NE(e.find("test.yaml:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("fabric.oversubscription.leaf"), std::string::npos) << e;
  EXPECT_NE(e.find("at most 63:1"), std::string::npos) << e;
  const Fabric f = build("cluster: {servers: 16}\nfabric: {switch: quantum2-qm9700, oversubscription: {leaf: 63}}\n");
  EXPECT_EQ(f.tier[1].up_ports, 1);
  EXPECT_EQ(f.tier[1].down_ports, 62);  // 32 twin-port cages: the uplink's cage holds no downlink, 31 x 2 remain
}

// Regression (issue 17): a spine ratio on a 2-tier result was silently ignored, and one that leaves a 3-tier spine no
// uplink gave "0 pods of 0 leaves exceed the 64 core ports".
TEST(ClosBuilder, SpineRatioOutsideAThreeTierFabricIsALocatedError) {
  const std::string two = testing::error_of([] { build("cluster: {servers: 128}\nfabric: {switch: quantum2-qm9700, oversubscription: {spine: 2}}\n"); });
  EXPECT_NE(two.find("fabric.oversubscription.spine"), std::string::npos) << two;
  EXPECT_NE(two.find("this one has 2 tiers"), std::string::npos) << two;
  const std::string none = testing::error_of([] { build("cluster: {servers: 128}\nfabric: {switch: quantum2-qm9700, tiers: 3, oversubscription: {spine: 64}}\n"); });
  EXPECT_NE(none.find("at most 63:1"), std::string::npos) << none;
  EXPECT_EQ(none.find("0 pods"), std::string::npos) << none;
}

TEST(ClosBuilder, SpineRatioIsNotRoundedUp) {
  const Fabric f = build("cluster: {server: hgx-b300-800g, servers: 1024}\nfabric: {topology: clos, switch: th5-64x800g-osfp, tiers: 3, oversubscription: {spine: 1.5}}\n");
  // 51.2T at 800G with 1.5:1: 25 up, 37 down; a full pod's spine has 37 leaves -> ceil(37 / 1.5) = 25 uplinks.
  EXPECT_EQ(f.tier[2].down_ports, 37);
  EXPECT_EQ(f.tier[2].up_ports, 25);
}

TEST(ClosBuilder, PartialPodGetsFewerSpineUplinks) {
  const Fabric f = build("cluster: {server: hgx-b300-800g, servers: 1100}\nfabric: {topology: clos, switch: th5-64x800g-osfp, tiers: 3}\n");
  // 275 leaves: 8 full pods of 32 and one of 19; 32 spines per pod; spine uplinks follow their downlinks.
  int64_t spine_core = 0;
  for (const Link& l : f.links) spine_core += l.tier == 3;
  EXPECT_EQ(spine_core, 8 * 32 * 32 + 32 * 19);
  expect_ports_conserved(f);
}

TEST(ClosBuilder, LimitsUseTheBuiltRates) {
  // 400G hosts, 800G uplinks, 2:1: 80 usable downlinks (whole servers), 64 spine ports at 800G -> 5,120.
  const Fabric f = build("cluster: {server: generic-8xpu-thor2, xpus: 1024}\n"
                         "fabric: {topology: clos, tiers: 2, switch: th5-64x800g-qsfpdd, uplink_gbps: 800, oversubscription: {leaf: '2:1'}}\n");
  EXPECT_EQ(f.limits.leaf_down, 80);
  EXPECT_EQ(f.limits.spine_ports, 64);
  EXPECT_EQ(f.limits.max2, 5120);
}

TEST(ClosBuilder, RefusesHugeSpecBeforeAllocating) {
  try {
    build("cluster: {servers: 10000000}\nfabric: {planes: 8, switch: th5-64x800g-osfp}\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("GiB limit"), std::string::npos) << e.what();
  }
}

TEST(ClosBuilder, NicThatCannotSplitIsRefused) {
  EXPECT_THROW(build("cluster: {servers: 8}\nfabric: {planes: 2}\n"), InputError);  // CX-7 400G has no breakout
}

}  // namespace aifabric
