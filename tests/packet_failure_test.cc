// Failures inside the packet engine: planes, spines and fabric elements taken out from the start or at a
// time; what is lost, how routing reacts, what the arithmetic says it costs, and determinism under a seed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "catalog/catalog.h"
#include "flow/failures.h"
#include "packet_test_support.h"
#include "test_support.h"

namespace aifabric {
using testing::fixed_delays;
using testing::last_finish;
using testing::plan_from;
using testing::run_traffic;

namespace {

const char* const kOnePlane128 = testing::kLeafSpine128;

const char* kFourPlanes = R"(
cluster: {server: hgx-b300-800g, servers: 16}
fabric: {switch: th5-64x800g-osfp, planes: 4}
layout: {servers_per_rack: 2}
power: {rack_power_limit_kw: 60}
)";

LinkFailure failure(const Plan& p, const std::string& spec, uint64_t seed = 1) {
  const TimedFailureSpec t = split_failure_time(spec);
  FailureSet set = resolve_failures(p.fabric, {t.spec}, seed);
  return {t.at_ps, set.links, set.what.front()};
}

double mean_goodput(const PacketSimResult& r) {
  double s = 0;
  for (const auto& f : r.flows) s += f.goodput_gbps();
  return s / static_cast<double>(r.flows.size());
}

void expect_conserved(const PacketSimResult& r) {
  EXPECT_TRUE(r.all_done);
  EXPECT_EQ(r.bytes_delivered, r.bytes_offered);
}

}  // namespace

// Four planes, and in plane 1 every link between leaf 0 and the spines dead: the NICs below leaf 0 are still
// attached to plane 1, but nothing else in it reaches them, so senders withdraw plane 1 for them and stripe over
// the other three (before, the packets they striped into plane 1 met a dead end there).
TEST(PacketFailures, NicsWithdrawAPlaneThatCannotReachTheDestination) {
  const Plan p = plan_from("cluster: {server: hgx-b300-800g, servers: 32}\nfabric: {switch: th5-64x800g-osfp, planes: 4, tiers: 2}\n"
                           "layout: {servers_per_rack: 2}\npower: {rack_power_limit_kw: 60}\n");
  ASSERT_EQ(p.fabric.tiers, 2);
  LinkFailure cut{0, {}, "plane 1: leaf 0 cut off from its spines"};
  uint32_t leaf = 0xffffffffu;
  for (uint32_t i = 0; i < p.fabric.links.size(); ++i) {
    const Link& l = p.fabric.links[i];
    if (l.plane != 1 || l.tier != 2) continue;
    if (leaf == 0xffffffffu) leaf = l.lower.value();
    if (l.lower.value() == leaf) cut.links.push_back(i);
  }
  ASSERT_FALSE(cut.links.empty());
  PacketSimConfig c = fixed_delays();
  c.lb = LoadBalancing::Spraying;
  c.failures = {cut};
  const PacketSimResult r = run_traffic(p, c, "permutation", 1 << 20, 1);
  expect_conserved(r);
  EXPECT_EQ(r.unroutable, 0) << "packets striped into a plane that cannot reach their destination";
  EXPECT_EQ(r.abandoned_flows, 0);
}

// NICs stripe packets over four planes; with one plane dead from the start they stripe over three and every
// flow keeps three quarters of its rate.
TEST(PacketFailures, OnePlaneOfFourCostsAQuarter) {
  const Plan p = plan_from(kFourPlanes);
  ASSERT_EQ(p.fabric.planes, 4);
  PacketSimConfig c = fixed_delays();
  c.lb = LoadBalancing::Spraying;
  const PacketSimResult healthy = run_traffic(p, c, "permutation", 4 << 20, 1);
  c.failures = {failure(p, "plane:1")};
  const PacketSimResult hurt = run_traffic(p, c, "permutation", 4 << 20, 1);
  expect_conserved(healthy);
  expect_conserved(hurt);
  EXPECT_EQ(hurt.unroutable, 0) << "no packet is sent into the dead plane";
  EXPECT_NEAR(mean_goodput(hurt) / mean_goodput(healthy), 0.75, 0.03);
}

// Every host of a leaf sends to a host of the next leaf: the 32 uplinks of each leaf carry 32 host links'
// worth. With one of the 32 spines gone, 31 uplinks remain and the flows get 31/32 of what they had.
TEST(PacketFailures, OneSpineOfThirtyTwoCostsAThirtySecond) {
  const Plan p = plan_from(kOnePlane128);
  PacketSimConfig c = fixed_delays();
  c.lb = LoadBalancing::Spraying;
  auto run = [&](const PacketSimConfig& cfg) {
    PacketSim sim(p, cfg);
    for (uint32_t i = 0; i < 128; ++i) sim.add_flow({i, (i + 32) % 128, 2 << 20, Picoseconds(0)});
    return sim.run();
  };
  const PacketSimResult healthy = run(c);
  c.failures = {failure(p, "switch:spine0")};
  const PacketSimResult hurt = run(c);
  expect_conserved(healthy);
  expect_conserved(hurt);
  EXPECT_NEAR(mean_goodput(hurt) / mean_goodput(healthy), 31.0 / 32.0, 0.015) << mean_goodput(hurt) << " vs " << mean_goodput(healthy);
}

// Two spines, 16 links from every leaf to each, and half of leaf B's links to spine 1 dead; each of leaf A's 32 NICs
// sends 4 MiB to one of B's. Weighted as the switches weight the spines (route_weights.h), B's 24 live links down
// share the load evenly and carry the 128 MiB in T = 128 MiB / (24 x 400G x goodput); unweighted, spine 1's 8 links
// down would carry a sixteenth of it each and the transfer would take 1.5 T. The median flow finishes within 5% of T
// (the zero-load path and the spread of flows about the mean; a few flows trail it, which the median leaves out);
// REPS, which also steers by its own marks (it beats the unweighted split without the weights), adds the spread
// of its recycled entropies and is held to 1.25 T.
TEST(PacketFailures, LeavesWeightSpinesByWhatTheyStillCarry) {
  const Plan p = plan_from(testing::kTwoSpines128);
  const Fabric& f = p.fabric;
  ASSERT_EQ(f.tier[2].per_plane, 2);
  const uint32_t leaf_a = testing::leaf_of_nic(f, 0);
  std::vector<uint32_t> on_a, on_b;
  uint32_t leaf_b = ~0u, spine1 = 0;
  for (uint32_t n = 0; n < f.nic_count(); ++n) {
    const uint32_t leaf = testing::leaf_of_nic(f, n);
    if (leaf != leaf_a && leaf_b == ~0u) leaf_b = leaf;
    if (leaf == leaf_a) on_a.push_back(n);
    if (leaf == leaf_b) on_b.push_back(n);
  }
  ASSERT_EQ(on_a.size(), 32u);
  ASSERT_EQ(on_b.size(), 32u);
  for (const Link& l : f.links) if (l.tier == 2) spine1 = std::max(spine1, l.upper.value());
  LinkFailure cut{0, {}, "half of leaf B's links to spine 1"};
  for (uint32_t i = 0; i < f.links.size() && cut.links.size() < 8; ++i) {
    if (f.links[i].tier == 2 && f.links[i].lower.value() == leaf_b && f.links[i].upper.value() == spine1) cut.links.push_back(i);
  }
  const int64_t bytes = int64_t{4} << 20;
  const double goodput = 4096.0 / testing::kIbPacket;
  const double t = 32.0 * static_cast<double>(bytes) * 8 / (24 * 400e9 * goodput);
  for (LoadBalancing lb : {LoadBalancing::Spraying, LoadBalancing::Adaptive, LoadBalancing::Reps}) {
    PacketSimConfig c = fixed_delays();
    c.lb = lb;
    c.failures = {cut};
    PacketSim sim(p, c);
    for (size_t i = 0; i < 32; ++i) sim.add_flow({on_a[i], on_b[i], bytes, Picoseconds(0)});
    const PacketSimResult r = sim.run();
    expect_conserved(r);
    EXPECT_EQ(r.unroutable, 0);
    std::vector<double> finish;
    for (const FlowStats& fl : r.flows) finish.push_back(fl.finish.seconds());
    std::nth_element(finish.begin(), finish.begin() + 16, finish.end());
    const double median = finish[16];
    EXPECT_GT(median, t) << to_string(lb);
    EXPECT_LT(median, (lb == LoadBalancing::Reps ? 1.25 : 1.05) * t) << to_string(lb) << ": " << median * 1e6 << " us, T " << t * 1e6;
  }
}

// ECMP over the same fabric rehashes around the dead spine: nothing is sent into it, nothing lost.
TEST(PacketFailures, EcmpRehashesAroundADeadSpine) {
  const Plan p = plan_from(kOnePlane128);
  PacketSimConfig c = fixed_delays();
  c.lb = LoadBalancing::Ecmp;
  c.failures = {failure(p, "switch:spine5")};
  const PacketSimResult r = run_traffic(p, c, "permutation", 1 << 20, 2);
  expect_conserved(r);
  EXPECT_EQ(r.unroutable, 0);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].packets_lost, 0) << "failed before anything was sent";
}

// A spine failing mid-run loses what was queued on or crossing its links; loss detection resends it, every
// byte still arrives exactly once, and the report says when the last lost byte arrived again.
TEST(PacketFailures, FailureAtATimeLosesAndRecovers) {
  const Plan p = plan_from(kOnePlane128);
  for (LoadBalancing lb : {LoadBalancing::Spraying, LoadBalancing::Ecmp, LoadBalancing::Adaptive}) {
    PacketSimConfig c = fixed_delays();
    c.lb = lb;
    c.failures = {failure(p, "switch:spine3@20us")};
    const PacketSimResult r = run_traffic(p, c, "permutation", 2 << 20, 3);
    expect_conserved(r);
    ASSERT_EQ(r.failures.size(), 1u);
    const FailureImpact& fi = r.failures[0];
    EXPECT_EQ(fi.at_ps, 20'000'000);
    EXPECT_EQ(fi.links, 4) << "spine3 has one link to each of the 4 leaves";
    EXPECT_GT(fi.packets_lost, 0) << to_string(lb);
    EXPECT_GT(fi.flows_hit, 0);
    EXPECT_GT(fi.recovered_ps, fi.at_ps);
    EXPECT_LE(fi.recovered_ps, last_finish(r).count());
  }
}

// A fabric element failing under a switch-scheduled fabric: its cells are lost, the packets they belonged to
// are resent, and the cells of everything after are sprayed over the fabric elements left.
TEST(PacketFailures, SwitchScheduledFabricElementFails) {
  const Plan p = plan_from(R"(
cluster: {server: dgx-h100, servers: 16}
fabric: {architecture: switch-scheduled, leaf_element: j3ai-leaf-element, fabric_element: r3-fabric-element}
layout: {servers_per_rack: 4, racks_per_row: 16}
power: {rack_power_limit_kw: 45}
)");
  PacketSimConfig c = fixed_delays();
  c.failures = {failure(p, "switch:fabric-element0@10us")};
  const PacketSimResult r = run_traffic(p, c, "permutation", 1 << 20, 1);
  expect_conserved(r);
  EXPECT_GT(r.cells.lost_cells, 0);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_GT(r.failures[0].packets_lost, 0);
  EXPECT_GT(r.failures[0].recovered_ps, r.failures[0].at_ps);
}

// The same seed picks the same random links and gives the same run; another seed picks others.
// Three tiers of eight-port switches (2 pods of 8 leaves, spines joined to each core by 8 parallel links): with
// every link between spine0 and core0 dead, core0 can no longer reach pod 0, so the spines of pod 1 withdraw it
// for pod 0 (and leaves withdraw spines left without a way). Before withdrawal at every tier, 1,605 packets of an
// ECMP permutation met that dead end and 15 flows gave up. From the start, not one packet meets it; failing at
// 20 us, only packets already on the wire into core0 can (a link delay's worth per link, plus the one leaving).
TEST(PacketFailures, ThreeTiersWithdrawADeadSpineToCoreLink) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("aifabric-3tier-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto cat_path = dir / "small.yaml";
  {
    std::ofstream out(cat_path);
    out << "switches:\n  - {name: test-8x800g, vendor: generic, asic: eight-cage test switch, cages: 8, cage_gbps: 800, form_factor: osfp, "
           "lane_gbps: 100, breakouts: [1, 2], asic_power_w: 100, system_power_w: 200, height_ru: 1, price_usd: 1000, lpo: false, "
           "fec: [rs544], cmis: 5.0, latency_ns: 500, buffer_mb: 16, source: test fixture}\n";
  }
  const Catalog cat = load_catalog({cat_path.string()});
  std::filesystem::remove_all(dir);
  const Plan p = make_plan(testing::spec_from("cluster: {server: dgx-h100, servers: 16}\nfabric: {topology: clos, tiers: 3, switch: test-8x800g}\n"
                                              "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n"), cat);
  ASSERT_EQ(p.fabric.tiers, 3);
  for (LoadBalancing lb : {LoadBalancing::Ecmp, LoadBalancing::Spraying}) {
    PacketSimConfig c = fixed_delays();
    c.lb = lb;
    c.failures = {failure(p, "link:spine0,core0")};
    ASSERT_EQ(c.failures[0].links.size(), 8u);
    const PacketSimResult r = run_traffic(p, c, "permutation", 1 << 20, 3);
    expect_conserved(r);
    EXPECT_EQ(r.unroutable, 0) << to_string(lb) << ": packets sent into the dead end";
    EXPECT_EQ(r.abandoned_flows, 0) << to_string(lb);
  }
  // Mid-run: what was queued for core0 (at most a 64 KiB port buffer, drained at 400G) or on the wire into it when
  // its links to pod 0 died can still reach it and find no way on; nothing sent after that.
  PacketSimConfig c = fixed_delays();
  c.lb = LoadBalancing::Spraying;
  c.port_buffer_bytes = 64 << 10;
  c.failures = {failure(p, "link:spine0,core0@20us")};
  const PacketSimResult r = run_traffic(p, c, "permutation", 1 << 20, 3);
  expect_conserved(r);
  EXPECT_EQ(r.abandoned_flows, 0);
  ASSERT_EQ(r.failures.size(), 1u);
  const double packet_ps = (4096.0 + 100) * 8 / 400.0 * 1e3;  // a 4 KiB packet with its headers at 400G, at most
  const double drained_by = 20e6 + (64 << 10) * 8 / 400.0 * 1e3 + packet_ps + 1e6 + packet_ps;
  EXPECT_GT(r.unroutable, 0) << "the failure should catch packets on their way";
  EXPECT_LE(static_cast<double>(r.failures[0].last_unroutable_ps), drained_by);
}

TEST(PacketFailures, SeededFailuresAreDeterministic) {
  const Plan p = plan_from(kOnePlane128);
  auto run = [&](uint64_t seed) {
    PacketSimConfig c = fixed_delays();
    c.seed = seed;
    c.failures = {failure(p, "links:2:0.1@15us", seed)};
    return std::make_pair(c.failures[0].links, run_traffic(p, c, "permutation", 1 << 20, 5));
  };
  const auto [links_a, a] = run(7);
  const auto [links_b, b] = run(7);
  const auto [links_c, d] = run(8);
  EXPECT_EQ(links_a, links_b);
  EXPECT_NE(links_a, links_c);
  EXPECT_EQ(links_a.size(), 13u) << "a tenth of 128 leaf-spine links, rounded";
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.failures[0].packets_lost, b.failures[0].packets_lost);
  for (size_t i = 0; i < a.flows.size(); ++i) EXPECT_EQ(a.flows[i].finish, b.flows[i].finish);
  expect_conserved(a);
  expect_conserved(d);
}

TEST(PacketFailures, FailureTimesParse) {
  EXPECT_EQ(split_failure_time("plane:1@50us").at_ps, 50'000'000);
  EXPECT_EQ(split_failure_time("plane:1@1.5ms").at_ps, 1'500'000'000);
  EXPECT_EQ(split_failure_time("switch:spine3@2000ns").spec, "switch:spine3");
  EXPECT_EQ(split_failure_time("switch:spine3").at_ps, 0);
  EXPECT_THROW(split_failure_time("plane:1@soon"), InputError);
  EXPECT_THROW(split_failure_time("plane:1@5parsecs"), InputError);
}

}  // namespace aifabric
