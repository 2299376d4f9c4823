// Cluster spec parsing: defaults, ranges, and errors naming file:line:column and field.
#include <gtest/gtest.h>

#include "test_support.h"

namespace aifabric {
using testing::spec_from;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    spec_from(yaml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(ClusterSpec, DefaultsAreSensible) {
  const ClusterSpec s = spec_from("cluster: {servers: 16}\n");
  EXPECT_EQ(s.servers, 16);
  EXPECT_EQ(s.server_model, "dgx-h100");
  EXPECT_EQ(s.fabric.tiers, 0);  // auto
  EXPECT_EQ(s.fabric.planes, 1);
  EXPECT_DOUBLE_EQ(s.power.pue, 1.3);
  EXPECT_EQ(s.optics.prefer, OpticsPreference::LowestPower);
  EXPECT_EQ(s.name, "test");
}

TEST(ClusterSpec, XpusInsteadOfServers) {
  const ClusterSpec s = spec_from("cluster: {xpus: 1024}\n");
  EXPECT_EQ(resolve_servers(s, testing::shipped_catalog()), 128);
  EXPECT_THROW(resolve_servers(spec_from("cluster: {xpus: 1025}\n"), testing::shipped_catalog()), InputError);
}

TEST(ClusterSpec, ErrorsAreLocated) {
  EXPECT_EQ(error_of("cluster: {servers: 16}\nfabric:\n  tiers: 4\n"), "test.yaml:3:10: fabric.tiers: '4' is not valid; expected 1, 2, 3 or auto");
  EXPECT_EQ(error_of("cluster: {servers: -3}\n"), "test.yaml:1:20: cluster.servers: -3 is out of range; expected 1 to 10000000");
  EXPECT_EQ(error_of("cluster: {servers: 8}\nfabric: {planes: 0}\n"), "test.yaml:2:18: fabric.planes: 0 is out of range; expected 1 to 64");
  EXPECT_NE(error_of("cluster: {servers: 8}\nfabirc: {}\n").find("test.yaml:2:1: fabirc: unknown field"), std::string::npos);
  EXPECT_NE(error_of("fabric: {}\n").find("needs a 'cluster' section"), std::string::npos);
  EXPECT_NE(error_of("cluster: {servers: 8, xpus: 64}\n").find("either servers or xpus"), std::string::npos);
  EXPECT_NE(error_of("cluster: {servers: 8}\noptics: {prefer: cheapest}\n").find("expected one of: lowest-power, lowest-cost"), std::string::npos);
}

TEST(ClusterSpec, OversubscriptionRatios) {
  const ClusterSpec s = spec_from("cluster: {servers: 8}\nfabric:\n  oversubscription: {leaf: '3:1', spine: 1.5}\n");
  EXPECT_DOUBLE_EQ(s.fabric.oversubscription_leaf, 3.0);
  EXPECT_DOUBLE_EQ(s.fabric.oversubscription_spine, 1.5);
  // Below 1:1 the uplinks carry more than the downlinks (undersubscription); beyond 64 either way is out of range.
  EXPECT_DOUBLE_EQ(spec_from("cluster: {servers: 8}\nfabric:\n  oversubscription: {leaf: '1:2'}\n").fabric.oversubscription_leaf, 0.5);
  EXPECT_EQ(error_of("cluster: {servers: 8}\nfabric:\n  oversubscription: {leaf: '1:100'}\n"),
            "test.yaml:3:28: fabric.oversubscription.leaf: ratio 1:100 is out of range; expected 1:64 to 64:1");
}

}  // namespace aifabric
