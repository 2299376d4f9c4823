// Issue 17's planner shapes: pods, the upper-tier rule and its port minimum, per-tier rates, undersubscription, whole units.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "test_support.h"
#include "topo/build_fabric.h"
#include "topo/upper_tiers.h"

namespace aifabric {
namespace {

using testing::error_of;
using testing::shipped_catalog;
using testing::spec_from;

Fabric build(const std::string& yaml) { return build_fabric(spec_from(yaml), shipped_catalog()); }

// Switches of `tier` (plane 0) each switch of the tier below reaches.
std::vector<std::set<uint32_t>> uppers_of(const Fabric& f, int tier) {
  std::vector<std::set<uint32_t>> up(f.nodes.size());
  for (const Link& l : f.links) if (l.tier == tier && l.plane == 0) up[l.lower.value()].insert(l.upper.value());
  return up;
}

// Links landing on each switch of `tier`, at most its ports at their rate.
void expect_within_ports(const Fabric& f, int tier) {
  std::vector<int64_t> gbps(f.nodes.size(), 0);
  for (const Link& l : f.links) {
    if (l.tier == tier) gbps[l.upper.value()] += l.gbps;
    if (l.tier == tier + 1) gbps[l.lower.value()] += l.gbps;
  }
  for (uint32_t id = f.first_of(0, tier); id < f.end_of(0, tier); ++id) EXPECT_LE(gbps[id], f.tier[tier].model->capacity_gbps()) << f.node_name(NodeId(id));
}

constexpr const char* k128 = "cluster: {server: dgx-h100, servers: 128}\nfabric: {switch: quantum2-qm9700";

}  // namespace

// Regression (issue 17): a forced 3-tier fabric of one pod hung each core off one spine by 32 parallel links, reported
// "6.98:1 below full" bisection and an "across pods" latency with one pod. It is now refused, with both ways out.
TEST(ClosShape, ThreeTiersOfOnePodIsALocatedError) {
  const std::string e = error_of([] { build(std::string(k128) + ", tiers: 3}\n"); });
  EXPECT_NE(e.find("test.yaml:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("fabric.tiers"), std::string::npos) << e;
  EXPECT_NE(e.find("32 leaves per plane make one pod"), std::string::npos) << e;
  EXPECT_NE(e.find("use tiers: 2"), std::string::npos) << e;
  EXPECT_NE(e.find("pod_servers: 64 to build it as 2 pods"), std::string::npos) << e;
  // The same question as a pod that holds the whole cluster names the pod field.
  const std::string p = error_of([] { build(std::string(k128) + ", pod_servers: 128}\n"); });
  EXPECT_NE(p.find("fabric.pod_servers"), std::string::npos) << p;
}

// 128 DGX H100 = 32 leaves of 4 servers, in pods of 64 servers = 16 leaves. Each pod's 16 leaves x 32 uplinks fill
// 16 spines of 32 downlinks (2 parallel links per pair); spine position j of both pods (2 x 32 uplinks) fills one
// 64-port core, so 16 cores. Full bisection: every tier's uplinks carry what comes up.
TEST(ClosShape, PodServersBuildsPodsOfThatSize) {
  for (const char* pod : {"pod_servers: 64", "pod_xpus: 512"}) {
    const Fabric f = build(std::string(k128) + ", " + pod + "}\n");
    EXPECT_EQ(f.tiers, 3) << pod << ": a pod size asks for cores";
    EXPECT_EQ(f.pods, 2) << pod;
    EXPECT_EQ(f.tier[2].per_plane, 32) << pod;
    EXPECT_EQ(f.tier[2].port_minimum, 32) << pod;
    EXPECT_EQ(f.tier[3].per_plane, 16) << pod;
    EXPECT_EQ(f.tier[3].port_minimum, 16) << pod;
    EXPECT_EQ(f.tier[3].down_ports, 64) << pod;
    int64_t core_links = 0;
    for (const Link& l : f.links) core_links += l.tier == 3;
    EXPECT_EQ(core_links, 32 * 32) << pod;
    expect_within_ports(f, 2);
    expect_within_ports(f, 3);
  }
}

TEST(ClosShape, PodSizesThatCannotBeBuiltAreLocatedErrors) {
  auto err = [](const std::string& fab) { return error_of([&] { build(std::string(k128) + ", " + fab + "}\n"); }); };
  EXPECT_NE(err("pod_servers: 30").find("not a whole number of leaves (4 servers each); use 28 or 32"), std::string::npos) << err("pod_servers: 30");
  EXPECT_NE(err("pod_xpus: 500").find("fabric.pod_xpus: 500 XPUs is not a whole number of dgx-h100 servers"), std::string::npos) << err("pod_xpus: 500");
  // 50 leaves, but a spine's 32 downlinks join at most 32 leaves = 128 servers.
  EXPECT_NE(err("pod_servers: 200").find("takes 50 leaves, but a quantum2-qm9700 spine joins at most 32: a pod holds up to 128 servers"),
            std::string::npos) << err("pod_servers: 200");
  EXPECT_NE(err("pod_servers: 64, tiers: 2").find("pods are joined by the cores of a 3-tier fabric; this one has 2 tiers"), std::string::npos);
  EXPECT_NE(err("pod_servers: 64, pod_xpus: 512").find("give either pod_servers or pod_xpus"), std::string::npos);
  // Rail designs count pods in whole scalable units.
  const std::string rail = error_of([] {
    build("cluster: {server: dgx-h100, servers: 256}\nfabric: {switch: quantum2-qm9700, topology: rail-optimized, scalable_unit_servers: 32, pod_servers: 48}\n");
  });
  EXPECT_NE(rail.find("not a whole number of scalable units (32 servers each); use 32 or 64"), std::string::npos) << rail;
}

// 100 DGX H100 on QM9700: 25 leaves x 32 uplinks = 800 links over 64-port spines. The port minimum is ceil(800 / 64) =
// 13; the balanced rule builds 16 (2 parallel links per leaf-spine pair, 50 of 64 ports used), the fewest rule 13.
TEST(ClosShape, SpinesRuleAndItsPortMinimum) {
  const std::string base = "cluster: {server: dgx-h100, servers: 100}\nfabric: {switch: quantum2-qm9700";
  const Fabric balanced = build(base + "}\n");
  EXPECT_EQ(balanced.tier[2].per_plane, 16);
  EXPECT_EQ(balanced.tier[2].port_minimum, 13);
  EXPECT_EQ(balanced.tier[2].down_ports, 50);
  const Fabric fewest = build(base + ", spines: fewest}\n");
  EXPECT_EQ(fewest.tier[2].per_plane, 13);
  EXPECT_EQ(fewest.tier[2].port_minimum, 13);
  EXPECT_EQ(fewest.tier[2].down_ports, 62);  // 800 links over 13 spines: 7 of them take 62, 6 take 61
  expect_within_ports(fewest, 2);
  for (const Fabric* f : {&balanced, &fewest}) {
    int64_t up = 0;
    for (const Link& l : f->links) up += l.tier == 2;
    EXPECT_EQ(up, 800);
  }
  bool said = false;
  for (const auto& e : balanced.explanation) said |= e.find("the port minimum is 13 spines per plane; balanced builds 16") != std::string::npos;
  EXPECT_TRUE(said) << "the plan states the port minimum beside what it builds";
  EXPECT_NE(error_of([&] { build(base + ", spines: many}\n"); }).find("fabric.spines: 'many' is not valid; expected one of: balanced, fewest, one-link-per-pair"), std::string::npos);
}

// Regression: leaves with fewer uplinks than there are spines (a partial scalable unit) continued one round robin, so
// two of them could reach disjoint spines and have no path between them. Every pair of leaves now shares a spine.
TEST(ClosShape, EveryTwoLeavesShareASpine) {
  for (const char* rule : {"balanced", "fewest"}) {
    const Fabric f = build(fmt::format("cluster: {{server: dgx-h100, servers: 100}}\nfabric: {{switch: quantum2-qm9700, topology: rail-optimized, "
                                       "scalable_unit_servers: 32, spines: {}}}\n", rule));
    const auto up = uppers_of(f, 2);
    for (uint32_t a = f.first_of(0, 1); a < f.end_of(0, 1); ++a) {
      for (uint32_t b = a + 1; b < f.end_of(0, 1); ++b) {
        const bool share = std::any_of(up[a].begin(), up[a].end(), [&](uint32_t s) { return up[b].count(s) > 0; });
        ASSERT_TRUE(share) << rule << ": " << f.node_name(NodeId(a)) << " and " << f.node_name(NodeId(b)) << " share no spine";
      }
    }
    expect_within_ports(f, 2);
  }
}

TEST(ClosShape, UpperCountsFollowTheirRule) {
  const std::vector<int> full(25, 32);
  EXPECT_EQ(detail::port_minimum(full, 64), 13);
  EXPECT_EQ(detail::upper_count(full, 64, UpperTierRule::Balanced), 16);
  EXPECT_EQ(detail::upper_count(full, 64, UpperTierRule::Fewest), 13);
  EXPECT_EQ(detail::upper_count(full, 64, UpperTierRule::OneLinkPerPair), 32);
  EXPECT_EQ(detail::upper_count(std::vector<int>(65, 32), 64, UpperTierRule::Fewest), 0) << "65 lowers cannot all reach a 64-port upper";
  // 20 full lowers of 8 uplinks and 4 partial ones of 3 on 26-port uppers: 172 links, port minimum 7. Over 7 uppers the
  // full lowers' round robin gives uppers 0-5 23 links, and the partial lowers (all starting at upper 0) add 4 to uppers
  // 0-2: 27, over 26. Over 8 uppers: 20 + 4 = 24, so fewest builds 8.
  std::vector<int> mixed(20, 8);
  for (int i = 0; i < 4; ++i) mixed.push_back(3);
  EXPECT_EQ(detail::port_minimum(mixed, 26), 7);
  EXPECT_EQ(detail::most_links_on_an_upper(mixed, 7), 27);
  EXPECT_EQ(detail::most_links_on_an_upper(mixed, 8), 24);
  EXPECT_EQ(detail::upper_count(mixed, 26, UpperTierRule::Fewest), 8);
}

// 1:2 at a QM9700 leaf (64 ports at 400G): 42 uplinks and 21 downlinks, which hold 2 whole DGX H100 servers (16 NICs);
// their 16 x 400G need 32 uplinks at twice their bandwidth. A ratio that leaves no downlink names the limit: at 1:63 the
// 63 uplinks fill all 32 twin-port cages (downlinks and uplinks never share a cage); 1:62 leaves one cage down.
TEST(ClosShape, UndersubscribedLeafCarriesMoreUpThanDown) {
  const Fabric f = build(std::string(k128) + ", oversubscription: {leaf: '1:2'}}\n");
  EXPECT_EQ(f.tier[1].down_ports, 21);
  EXPECT_EQ(f.tier[1].up_ports, 32);
  EXPECT_EQ(f.tier[1].per_plane, 64);  // 2 servers (16 NICs) per leaf
  const std::string e = error_of([] { build(std::string(k128) + ", oversubscription: {leaf: '1:64'}}\n"); });
  EXPECT_NE(e.find("1:64 leaves a quantum2-qm9700 leaf no 400 Gb/s downlink; 1:62 is the most undersubscribed ratio that keeps one"), std::string::npos) << e;
  EXPECT_NE(error_of([] { build(std::string(k128) + ", oversubscription: {leaf: '1:100'}}\n"); }).find("expected 1:64 to 64:1"), std::string::npos);
}

// Spine-core links at their own rate: 400G leaf-spine, 800G spine-core on QM9700 (32 x 800G cages). A spine at 1:1
// takes 32 x 400G down and 16 x 800G up; a core joins 32 spines at 800G.
TEST(ClosShape, CoreLinksAtTheirOwnRate) {
  const Fabric f = build(std::string(k128) + ", pod_servers: 64, core_link_gbps: 800}\n");
  EXPECT_EQ(f.tier[2].down_gbps, 400);
  EXPECT_EQ(f.tier[2].up_gbps, 800);
  EXPECT_EQ(f.tier[2].up_ports, 16);
  EXPECT_EQ(f.tier[3].down_gbps, 800);
  int64_t core_gbps = 0;
  for (const Link& l : f.links) if (l.tier == 3) { EXPECT_EQ(l.gbps, 800u); core_gbps += l.gbps; }
  EXPECT_EQ(core_gbps, 32 * 16 * 800) << "the spines' 32 x 400G down leave as 16 x 800G up";
  expect_within_ports(f, 2);
  expect_within_ports(f, 3);
  EXPECT_NE(error_of([] { build(std::string(k128) + ", core_link_gbps: 800}\n"); }).find("fabric.core_link_gbps"), std::string::npos);
}

// Regression (issue 17): radix-48 leaves with 32-server units said "1024 endpoints exceed a 2-tier Clos (up to 1152)".
// A unit of 32 servers takes 2 leaves per rail (24 downlinks each), 16 leaves per unit; 48 spine ports join 3 units:
// 768 endpoints.
TEST(ClosShape, WholeUnitsBoundWhatTwoTiersHold) {
  const Catalog cat = testing::catalog_with(
      "switches:\n  - {name: test-48x400g, vendor: generic, asic: 48-port test switch, cages: 24, cage_gbps: 800, form_factor: osfp, "
      "lane_gbps: 100, breakouts: [1, 2], asic_power_w: 300, system_power_w: 500, height_ru: 1, price_usd: 1000, lpo: false, "
      "fec: [rs544], cmis: 5.0, latency_ns: 500, buffer_mb: 16, source: test fixture}\n");
  const std::string e = error_of([&] {
    build_fabric(spec_from("cluster: {server: dgx-h100, servers: 128}\nfabric: {switch: test-48x400g, topology: rail-optimized, "
                           "scalable_unit_servers: 32, tiers: 2}\n"), cat);
  });
  EXPECT_NE(e.find("(768 endpoints in whole 32-server units of 16 leaves)"), std::string::npos) << e;
  EXPECT_EQ(e.find("1152"), std::string::npos) << e;
  const Fabric f = build_fabric(spec_from("cluster: {server: dgx-h100, servers: 96}\nfabric: {switch: test-48x400g, topology: rail-optimized, "
                                          "scalable_unit_servers: 32}\n"), cat);
  EXPECT_EQ(f.tiers, 2) << "3 units of 16 leaves fill the 48 spine ports exactly";
  EXPECT_EQ(f.limits.max2, 768);
}

}  // namespace aifabric
