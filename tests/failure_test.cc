// Failures on the flow and analytic backends: what a plane, a spine or a leaf costs, from the arithmetic.
#include <gtest/gtest.h>

#include "backend/collective_backend.h"
#include "collective/schedule.h"
#include "flow/failures.h"
#include "report/perf_table.h"
#include "test_support.h"

namespace aifabric {
using testing::plan_from;

namespace {
CollectiveResult run_with(const Plan& p, const Communicator& comm, const std::vector<std::string>& fail, const char* backend = "flow",
                          PathMode mode = PathMode::Spray, uint64_t seed = 1) {
  BackendOptions o;
  o.mode = mode;
  o.network.seed = seed;
  o.network.failed_links = resolve_failures(p.fabric, fail, seed).links;
  return make_backend(backend, p, o)->run(build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, comm, int64_t{8} << 30, p.fabric));
}
}  // namespace

// Four planes: one failing costs a quarter of every NIC's bandwidth and nothing else.
TEST(Failures, OnePlaneOfFourCostsAQuarter) {
  const Plan p = plan_from("cluster: {server: hgx-b300-800g, servers: 64}\nfabric: {topology: rail-optimized, switch: th5-64x800g-osfp, planes: 4}\n"
                           "layout: {servers_per_rack: 2}\npower: {rack_power_limit_kw: 60}\n");
  const Communicator rail = make_communicator(p.fabric, "rail:0", "t");
  for (const char* backend : {"analytic", "flow"}) {
    const CollectiveResult ok = run_with(p, rail, {}, backend), down = run_with(p, rail, {"plane:0"}, backend);
    EXPECT_EQ(down.unreachable, 0);
    EXPECT_NEAR(static_cast<double>(ok.time.count()) / static_cast<double>(down.time.count()), 0.75, 0.01) << backend;
  }
}

// One plane, a 2:1 taper and a ring whose every hop crosses leaves: the leaf uplinks are the bottleneck, so
// one of S spines failing costs 1/S of the bandwidth with spraying.
TEST(Failures, OneSpineCostsItsShareOfTheUplinks) {
  const Plan p = plan_from(R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700, oversubscription: {leaf: '2:1'}, load_balancing: spraying}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)");
  const double spines = static_cast<double>(p.fabric.tier[2].per_plane);
  ASSERT_GT(spines, 1);
  const Communicator aligned = make_communicator(p.fabric, "rail:0", "t");
  Communicator across = aligned;
  for (size_t i = 0; i < across.xpus.size(); ++i) across.xpus[i] = aligned.xpus[(i % 4) * 32 + i / 4];
  const CollectiveResult ok = run_with(p, across, {}), down = run_with(p, across, {"switch:spine0"});
  EXPECT_EQ(down.unreachable, 0);
  EXPECT_NEAR(static_cast<double>(ok.time.count()) / static_cast<double>(down.time.count()), (spines - 1) / spines, 0.01);
  // ECMP rehashes around the dead spine: every transfer still has a path.
  const CollectiveResult ecmp = run_with(p, across, {"switch:spine0"}, "flow", PathMode::Ecmp);
  EXPECT_EQ(ecmp.unreachable, 0);
  EXPECT_GE(ecmp.time, ok.time);
}

// Two leaves under two spines, 16 links from each leaf to each spine, and half of leaf B's links to spine 1 dead.
// Spraying from A to B as switches weight it (route_weights.h): spine 0 carries min(16, 16) = 16 links' worth and
// spine 1 min(16, 8) = 8, so each of B's 24 live links down carries 1/24 of the traffic, each of A's links up to
// spine 0 1/24 and to spine 1 1/48. Unweighted, spine 1's 8 links down would carry 1/16 each and A's 32 senders would
// get half their rate, not three quarters.
TEST(Failures, SprayingWeightsEachSpineByWhatItStillCarries) {
  const Plan p = plan_from(testing::kTwoSpines128);
  const Fabric& f = p.fabric;
  ASSERT_EQ(f.tier[2].per_plane, 2);
  const uint32_t leaf_a = testing::leaf_of_nic(f, f.nic_of_xpu(0));
  uint32_t dst = 0;
  while (testing::leaf_of_nic(f, f.nic_of_xpu(dst)) == leaf_a) ++dst;
  const uint32_t leaf_b = testing::leaf_of_nic(f, f.nic_of_xpu(dst));
  FlowNetworkOptions o;
  uint32_t spine1 = 0;
  for (const Link& l : f.links) if (l.tier == 2) spine1 = std::max(spine1, l.upper.value());
  for (uint32_t i = 0; i < f.links.size() && o.failed_links.size() < 8; ++i) {
    if (f.links[i].tier == 2 && f.links[i].lower.value() == leaf_b && f.links[i].upper.value() == spine1) o.failed_links.push_back(i);
  }
  const FlowNetwork net(p, o);
  std::vector<Usage> u;
  ASSERT_TRUE(net.route(0, dst, PathMode::Spray, 1, u));
  double down_sum = 0, up_to_1 = 0, up_to_0 = 0;
  int down_links = 0;
  for (const Usage& x : u) {
    const uint32_t link = x.resource / 2;
    if (x.resource >= 2 * f.links.size() || f.links[link].tier != 2) continue;
    if (x.resource % 2 == 1) {  // down, into leaf B
      EXPECT_EQ(f.links[link].lower.value(), leaf_b);
      EXPECT_NEAR(x.coef, 1.0 / 24, 1e-6);
      down_sum += x.coef;
      ++down_links;
    } else {
      EXPECT_EQ(f.links[link].lower.value(), leaf_a);
      EXPECT_NEAR(x.coef, f.links[link].upper.value() == spine1 ? 1.0 / 48 : 1.0 / 24, 1e-6);
      (f.links[link].upper.value() == spine1 ? up_to_1 : up_to_0) += x.coef;
    }
  }
  EXPECT_EQ(down_links, 24);
  EXPECT_NEAR(down_sum, 1.0, 1e-5);
  EXPECT_NEAR(up_to_0, 2.0 / 3, 1e-5);
  EXPECT_NEAR(up_to_1, 1.0 / 3, 1e-5);
  // Pooled (the load bound's relaxation) takes leaf B's live links down as one bundle.
  u.clear();
  ASSERT_TRUE(net.route(0, dst, PathMode::Pooled, 1, u));
  EXPECT_EQ(u.size(), 4u);  // the NIC links and the two bundles
}

TEST(Failures, ALeafInOnePlaneCutsItsNicsOff) {
  const Plan p = plan_from("cluster: {server: dgx-h100, servers: 128}\nfabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700}\n"
                           "layout: {servers_per_rack: 4, racks_per_row: 8}\npower: {rack_power_limit_kw: 45}\n");
  const Communicator rail = make_communicator(p.fabric, "rail:0", "t");
  const CollectiveResult r = run_with(p, rail, {"switch:leaf0"});
  EXPECT_GT(r.unreachable, 0);  // rail 0 of scalable unit 0 has no leaf
}

TEST(Failures, SeededTierFailuresAreDeterministic) {
  const Plan p = plan_from("cluster: {server: dgx-h100, servers: 128}\nfabric: {switch: quantum2-qm9700}\n"
                           "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n");
  const auto a = resolve_failures(p.fabric, {"tier:2:0.25"}, 1), b = resolve_failures(p.fabric, {"tier:2:0.25"}, 1);
  const auto c = resolve_failures(p.fabric, {"tier:2:0.25"}, 2);
  EXPECT_EQ(a.links, b.links);
  EXPECT_NE(a.links, c.links);
  EXPECT_FALSE(a.links.empty());
  EXPECT_THROW(resolve_failures(p.fabric, {"plane:3"}, 1), InputError);
  EXPECT_THROW(resolve_failures(p.fabric, {"switch:nope"}, 1), InputError);
  EXPECT_THROW(resolve_failures(p.fabric, {"tier:2:1.5"}, 1), InputError);
  EXPECT_THROW(resolve_failures(p.fabric, {"rack:1"}, 1), InputError);
}

}  // namespace aifabric
