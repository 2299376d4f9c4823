// Published fabrics reproduced switch for switch and cable for cable: NVIDIA's DGX SuperPOD reference architectures.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "test_support.h"

namespace aifabric {
namespace {

struct Row {
  int su;
  int64_t nodes;
  int64_t leaves, spines, cores;
  int64_t node_leaf, leaf_spine, spine_core;  // cables; node_leaf counts the UFM ports where the table does
};

struct Counted {
  int64_t leaves = 0, spines = 0, cores = 0, node_leaf = 0, leaf_spine = 0, spine_core = 0;
};

Counted count(const Plan& p) {
  Counted c;
  c.leaves = p.fabric.switch_count(1);
  c.spines = p.fabric.switch_count(2);
  c.cores = p.fabric.switch_count(3);
  for (const auto& s : p.link_stats) {
    (s.tier == 1 ? c.node_leaf : s.tier == 2 ? c.leaf_spine : c.spine_core) += s.links + s.appliance_links;
  }
  return c;
}

void expect_row(const Plan& p, const Row& r, const std::string& what) {
  const Counted c = count(p);
  EXPECT_EQ(c.leaves, r.leaves) << what;
  EXPECT_EQ(c.spines, r.spines) << what;
  EXPECT_EQ(c.cores, r.cores) << what;
  EXPECT_EQ(c.node_leaf, r.node_leaf) << what;
  EXPECT_EQ(c.leaf_spine, r.leaf_spine) << what;
  EXPECT_EQ(c.spine_core, r.spine_core) << what;
}

}  // namespace

// NVIDIA DGX SuperPOD with DGX H100 (RA-11333-001), "Table 4. Compute fabric component count", and the identical table
// of the DGX B200 RA: 32-node rail-aligned units on QM9700, one DGX left out "to accommodate for UFM connectivity", so
// 32 x SU - 1 nodes; "Compute and UFM" cables are 8 per node plus the 4 UFM ports; leaves are cabled for the full unit
// ("the fabric should be designed to support the full SU, including leaf switches and leaf-spine cables"). 3 SU: 16
// spines where the ports need 12, the balanced rule.
TEST(PublishedFabrics, DgxH100SuperPodTable4WithUfm) {
  const std::vector<Row> rows = {{1, 31, 8, 4, 0, 252, 256, 0}, {2, 63, 16, 8, 0, 508, 512, 0},
                                 {3, 95, 24, 16, 0, 764, 768, 0}, {4, 127, 32, 16, 0, 1020, 1024, 0}};
  for (const Row& r : rows) {
    const Plan p = testing::plan_from(fmt::format(
        "cluster: {{server: dgx-h100, servers: {}}}\nfabric: {{topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700, "
        "leaf_uplinks: full, appliances: [{{name: ufm, ports: 4}}]}}\nlayout: {{servers_per_rack: 4, racks_per_row: 8}}\n"
        "power: {{rack_power_limit_kw: 45}}\n", r.nodes));
    expect_row(p, r, fmt::format("DGX H100 SuperPOD, {} SU", r.su));
    EXPECT_EQ(p.analysis.tiers[0].free_ports, 4) << r.su << " SU: the left-out DGX's other 4 rail ports stay free";
  }
  // Without the rule the leaves' uplinks follow their used ports: 4 rail leaves carry 31 nodes and no UFM port.
  const Plan used = testing::plan_from("cluster: {server: dgx-h100, servers: 31}\nfabric: {topology: rail-optimized, scalable_unit_servers: 32, "
                                       "switch: quantum2-qm9700, appliances: [{name: ufm, ports: 4}]}\n");
  EXPECT_EQ(count(used).leaf_spine, 4 * 32 + 4 * 31);
}

// The DGX B200 RA's "larger SuperPOD" table: full 32-node units (no UFM node left out), 2 tiers to 8 SU, then pods of
// 4 SU under cores; every tier carries 8 links per node.
TEST(PublishedFabrics, DgxB200SuperPodLargerConfigurations) {
  const std::vector<Row> rows = {{2, 64, 16, 8, 0, 512, 512, 0},           {4, 128, 32, 16, 0, 1024, 1024, 0},
                                 {8, 256, 64, 32, 0, 2048, 2048, 0},        {16, 512, 128, 128, 64, 4096, 4096, 4096},
                                 {32, 1024, 256, 256, 128, 8192, 8192, 8192}, {64, 2048, 512, 512, 256, 16384, 16384, 16384}};
  for (const Row& r : rows) {
    const Plan p = testing::plan_from(fmt::format(
        "cluster: {{server: dgx-b200, servers: {}}}\nfabric: {{topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700}}\n"
        "layout: {{servers_per_rack: 4, racks_per_row: 8}}\npower: {{rack_power_limit_kw: 60}}\n", r.nodes));
    expect_row(p, r, fmt::format("DGX B200 SuperPOD, {} SU", r.su));
  }
}

// NVIDIA DGX SuperPOD with DGX B300 and Quantum-X800 InfiniBand (RA-11339-001), "Table 3 Example Compute Fabric Components":
// 72-node units of DGX B300 (8 x 800G XDR ConnectX-8) on 144-port Q3400 switches, one 800G link per GPU at both tiers.
// 4 SU: 18 spines where the ports need 16 (32 leaves x 72 uplinks: 4 links per leaf-spine pair), 8 SU: 36. The RA's 18-SU
// row gives 9,216 GPUs where its own 1,296 nodes x 8 make 10,368, the figure its cable counts agree with.
TEST(PublishedFabrics, DgxB300XdrSuperPodTable3) {
  const std::vector<Row> rows = {{1, 72, 8, 4, 0, 576, 576, 0},        {2, 144, 16, 8, 0, 1152, 1152, 0},
                                 {4, 288, 32, 18, 0, 2304, 2304, 0},   {8, 576, 64, 36, 0, 4608, 4608, 0},
                                 {18, 1296, 144, 72, 0, 10368, 10368, 0}};
  for (const Row& r : rows) {
    const Plan p = testing::plan_from(fmt::format(
        "cluster: {{server: dgx-b300, servers: {}}}\nfabric: {{topology: rail-optimized, scalable_unit_servers: 72, switch: quantum-x800-q3400}}\n"
        "layout: {{servers_per_rack: 4, racks_per_row: 18}}\npower: {{rack_power_limit_kw: 60, rack_air_cooling_limit_kw: 60}}\n", r.nodes));
    expect_row(p, r, fmt::format("DGX B300 XDR SuperPOD, {} SU", r.su));
  }
}

}  // namespace aifabric
