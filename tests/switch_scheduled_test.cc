// Switch-scheduled (cell) fabrics: leaf elements fully meshed to fabric elements, speed-up, limits.
#include <gtest/gtest.h>

#include <set>

#include "test_support.h"
#include "topo/build_fabric.h"

namespace aifabric {
using testing::shipped_catalog;
using testing::spec_from;

TEST(SwitchScheduled, FourThousandXpus) {
  const Fabric f = build_fabric(spec_from("cluster: {xpus: 4096}\nfabric: {architecture: switch-scheduled}\n"), shipped_catalog());
  // 18 x 800G host cages = 36 ports at 400G; whole servers: 32 NICs per leaf element -> 128 elements.
  EXPECT_EQ(f.tier[1].per_plane, 4096 / 32);
  // 160 fabric links each over 512-link fabric elements: 128 * (160 / c) <= 512 -> c = 40, 4 links per pair.
  EXPECT_EQ(f.tier[2].per_plane, 40);
  EXPECT_EQ(f.tier[1].up_gbps, 400);
  EXPECT_EQ(static_cast<int64_t>(f.links.size()), 4096 + 128 * 40);
  // Every leaf element reaches every fabric element (cells are sprayed over all of them).
  std::vector<std::set<uint32_t>> reach(f.nodes.size());
  for (const Link& l : f.links) if (l.tier == 2) reach[l.lower.value()].insert(l.upper.value());
  for (uint32_t i = f.first_of(0, 1); i < f.end_of(0, 1); ++i) EXPECT_EQ(reach[i].size(), 40u);
}

TEST(SwitchScheduled, TooLargeForOneStageSaysSo) {
  try {
    build_fabric(spec_from("cluster: {xpus: 131072}\nfabric: {architecture: switch-scheduled}\n"), shipped_catalog());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fix: planes"), std::string::npos) << e.what();
  }
}

TEST(SwitchScheduled, RailTopologyIsRejected) {
  EXPECT_THROW(spec_from("cluster: {servers: 8}\nfabric: {architecture: switch-scheduled, topology: rail-only}\n"), InputError);
}

}  // namespace aifabric
