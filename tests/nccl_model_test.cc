// NCCL's tuning model against its own arithmetic worked by hand, NCCL's view of a communicator, and the
// schedules and latencies aifabric runs for NCCL's choice.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "backend/collective_backend.h"
#include "backend/collective_latency.h"
#include "collective/nccl_model.h"
#include "collective/nccl_system.h"
#include "collective/schedule.h"
#include "report/perf_table.h"
#include "test_support.h"

namespace aifabric {
using testing::plan_from;

namespace {

// 1,024 H100 on 128 nodes as NCCL's search sees them: 16 channels of 24 GB/s (8 NICs at 48, channels doubled).
NcclSystem h100_1024() {
  NcclSystem s;
  s.ranks = 1024;
  s.nodes = 128;
  s.arch = GpuArch::Hopper;
  s.nvls = true;
  s.channels = 16;
  s.bw_intra = s.bw_inter = 24;
  s.nvls_channels = 8;
  s.nvls_bw_intra = 40;
  s.nvls_bw_inter = 48;
  return s;
}

const char* kRail1024 = R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700, load_balancing: adaptive}
layout: {servers_per_rack: 4, racks_per_row: 8, network_racks: end-of-row}
power: {rack_power_limit_kw: 45}
)";

// Hops of a chain inside a DGX (8 GPUs) and between DGXs.
std::pair<int, int> intra_inter(const std::vector<Hop>& chain) {
  int intra = 0, inter = 0;
  for (const Hop& h : chain) (h.src / 8 == h.dst / 8 ? intra : inter)++;
  return {intra, inter};
}

// One schedule over all 1,024 GPUs of the rail-optimised DGX H100 fabric.
Schedule on_1024(Algorithm algo, int64_t bytes) {
  static const Plan p = plan_from(kRail1024);
  return build_schedule(CollectiveKind::AllReduce, algo, make_communicator(p.fabric, "all", "t"), bytes, p.fabric);
}

}  // namespace

// Tree/LL at 8 B: baseLat 6.8 + 2 x ((8 - 1) x 0.6 NVLink + log2(128) x 5.0 network) = 85.2 us.
TEST(NcclModel, TreeLatencyIsNcclsArithmetic) {
  const NcclModel m(CollectiveKind::AllReduce, h100_1024());
  EXPECT_NEAR(m.cell(NcclAlgo::Tree, Protocol::LL).latency_us, 6.8 + 2 * (7 * 0.6 + 7 * 5.0), 1e-9);
  // LL128: 14 + 2 x (7 x 1.25 + 7 x 8.5); bandwidth min(16 x 24 x 0.92 x 120/128, 16 x 29) x 0.5.
  EXPECT_NEAR(m.cell(NcclAlgo::Tree, Protocol::LL128).latency_us, 14 + 2 * (7 * 1.25 + 7 * 8.5), 1e-9);
  EXPECT_NEAR(m.cell(NcclAlgo::Tree, Protocol::LL128).bandwidth_gbs, 16 * 24 * 0.92 * 120.0 / 128.0 * 0.5, 1e-6);
  // Ring/Simple: 8.4 + (2046 - 254) x max(3.4, 3 x 1.0) + 254 x 14 us; algbw 16 x 24 x 1024 / 2046.
  EXPECT_NEAR(m.cell(NcclAlgo::Ring, Protocol::Simple).latency_us, 8.4 + 1792 * 3.4 + 254 * 14.0, 1e-6);
  EXPECT_NEAR(m.cell(NcclAlgo::Ring, Protocol::Simple).bandwidth_gbs, 384.0 * 1024 / 2046, 1e-6);
}

// The published figures for 1,024 H100: about 85 us at 8 B (Tree/LL), 161 us at 1 MiB and 601 us at 64 MiB
// (Tree/LL128, with NCCL's tree corrections 0.6 and 0.9 at those sizes).
TEST(NcclModel, ChoosesTreeAtScaleWithNcclsTimes) {
  const NcclModel m(CollectiveKind::AllReduce, h100_1024());
  const auto at8 = m.choose(8), at1m = m.choose(1 << 20), at64m = m.choose(64 << 20);
  ASSERT_TRUE(at8 && at1m && at64m);
  EXPECT_EQ(at8->algo, NcclAlgo::Tree);
  EXPECT_EQ(at8->proto, Protocol::LL);
  EXPECT_NEAR(at8->time_us, 85.2 + 8 / (1000 * 10.2), 1e-6);  // LL: min(353.28 / 3.8, 20.4) x 0.5 = 10.2 GB/s
  EXPECT_EQ(at1m->algo, NcclAlgo::Tree);
  EXPECT_EQ(at1m->proto, Protocol::LL128);
  EXPECT_NEAR(at1m->time_us, 150.5 + 1048576 / (1000 * 165.6 * 0.6), 1e-3);
  EXPECT_NEAR(at64m->time_us, 150.5 + 67108864 / (1000 * 165.6 * 0.9), 1e-2);
  // NCCL_ALGO / NCCL_PROTO restrict the choice.
  EXPECT_EQ(m.choose(8, NcclAlgo::Ring)->algo, NcclAlgo::Ring);
  EXPECT_EQ(m.choose(8, std::nullopt, Protocol::Simple)->proto, Protocol::Simple);
  EXPECT_FALSE(m.choose(8, NcclAlgo::Nvls));  // NVLS across nodes needs CollNet
}

TEST(NcclModel, SpeedArraysStepDown) {
  EXPECT_EQ(nccl_speed_step(GpuArch::Hopper, true, 50.0), 48.0);   // a 400G NIC
  EXPECT_EQ(nccl_speed_step(GpuArch::Hopper, true, 44.0), 42.0);
  EXPECT_EQ(nccl_speed_step(GpuArch::Blackwell, true, 100.0), 96.0);  // an 800G NIC
  EXPECT_EQ(nccl_speed_step(GpuArch::Hopper, false, 370.75 / 8), 40.0);
}

TEST(NcclSystem, DgxH100FabricAsNcclSeesIt) {
  const Plan p = plan_from(kRail1024);
  const NcclSystem all = nccl_system(p.fabric, make_communicator(p.fabric, "all", "t"));
  EXPECT_EQ(all.nodes, 128);
  EXPECT_EQ(all.channels, 16);
  EXPECT_DOUBLE_EQ(all.bw_inter, 24.0);
  EXPECT_TRUE(all.nvls);
  const NcclSystem rail = nccl_system(p.fabric, make_communicator(p.fabric, "rail:0", "t"));
  EXPECT_EQ(rail.nodes, 128);
  EXPECT_EQ(rail.channels, 2);  // one GPU per node reaches one NIC
  EXPECT_FALSE(rail.nvls);
  const NcclSystem one = nccl_system(p.fabric, make_communicator(p.fabric, "server:0", "t"));
  EXPECT_EQ(one.nodes, 1);
  EXPECT_EQ(one.nvls_channels, 8);
  EXPECT_DOUBLE_EQ(one.nvls_bw_intra, 40.0);
}

// NCCL's ring through 128 nodes of 8: 2 x 1023 hops a chunk crosses; the slowest chunk starts next to a node
// boundary and crosses 2 x 128 of them (NCCL's model counts 2 x 127).
TEST(NcclSchedules, RingChainCrossesEachNodeBoundaryTwice) {
  const Schedule s = on_1024(Algorithm::Ring, 1 << 20);
  ASSERT_EQ(s.phases.size(), 1u);
  ASSERT_EQ(s.phases[0].chain.size(), 2046u);
  EXPECT_EQ(intra_inter(s.phases[0].chain).second, 2 * 128);
  EXPECT_EQ(s.channels, 16);
}

// The tree over nodes: every node's attach GPU for a channel uses the same NIC index, so inter-node tree edges
// stay on one rail; a chunk crosses NCCL's depth: 7 intra hops, log2(128) = 7 inter hops up and 7 down, 7 intra back.
TEST(NcclSchedules, TreeEdgesStayOnARailAndTheChainIsNcclsDepth) {
  const Schedule s = on_1024(Algorithm::DoubleBinaryTree, 64 << 20);
  ASSERT_EQ(s.phases.size(), 1u);
  for (const Transfer& t : s.phases[0].transfers) {
    if (t.src / 8 != t.dst / 8) {
      EXPECT_EQ(t.src % 8, t.dst % 8) << t.src << " -> " << t.dst;
    }
  }
  EXPECT_EQ(intra_inter(s.phases[0].chain), std::make_pair(14, 14));
}

// nccl-tests' sendrecv sends each rank's buffer to one peer; over 16 servers a cross-server pair is bounded by one
// 400G NIC, so busbw stays at or below the NIC's goodput.
TEST(NcclSchedules, SendRecvHasOnePeerAndStaysWithinOneNic) {
  const Plan p = plan_from(kRail1024);
  const Communicator comm = make_communicator(p.fabric, "first:128", "t");
  const Schedule s = build_schedule(CollectiveKind::SendRecv, Algorithm::Nccl, comm, int64_t{1} << 30, p.fabric);
  std::map<uint32_t, std::set<uint32_t>> peers;
  for (const auto& ph : s.phases) for (const Transfer& t : ph.transfers) peers[t.src].insert(t.dst);
  ASSERT_EQ(peers.size(), 128u);
  for (const auto& [src, dst] : peers) EXPECT_EQ(dst.size(), 1u) << src;
  const double nic = 400.0 * FlowNetwork(p).goodput_fraction() / 8;
  for (const char* b : {"analytic", "flow"}) {
    const double busbw = perf_row(CollectiveKind::SendRecv, 128, s.bytes, make_backend(b, p, {})->run(s).time).busbw_gbs;
    EXPECT_LE(busbw, nic * (1 + 1e-9)) << b;
    EXPECT_GT(busbw, 0.95 * nic) << b;
  }
}

// All-to-all over 16 servers: every NIC must carry 15/16 of its XPU's buffer through the fabric; no backend
// finishes before that, however busbw is counted.
TEST(NcclSchedules, AllToAllNeverOutrunsTheNics) {
  const Plan p = plan_from(kRail1024);
  const Communicator comm = make_communicator(p.fabric, "first:128", "t");
  const int64_t S = int64_t{1} << 30;
  const Schedule s = build_schedule(CollectiveKind::AllToAll, Algorithm::Nccl, comm, S, p.fabric);
  const double nic_bytes_per_s = 400e9 * FlowNetwork(p).goodput_fraction() / 8;
  const double floor_s = static_cast<double>(S) * 120 / 128 / nic_bytes_per_s;  // 8 x 15 of 128 pieces leave each NIC
  for (const char* b : {"analytic", "flow"}) EXPECT_GE(make_backend(b, p, {})->run(s).time.seconds(), floor_s * (1 - 1e-9)) << b;
}

// The reference path NCCL's network latencies include is this planner's DGX H100 SuperPOD leaf-spine-leaf path.
TEST(CollectiveLatency, ReferencePathIsThePlannedSuperPodPath) {
  const Plan p = plan_from(std::string(R"(
name: ref
cluster: {server: dgx-h100, servers: 128}
fabric: {architecture: endpoint-scheduled, topology: rail-optimized, scalable_unit_servers: 32, tiers: auto, switch: quantum2-qm9700, load_balancing: adaptive}
layout: {servers_per_rack: 4, racks_per_row: 8, network_racks: end-of-row}
optics: {prefer: lowest-power}
power: {pue: 1.3, rack_power_limit_kw: 45, rack_air_cooling_limit_kw: 45}
)"));
  ASSERT_GE(p.analysis.latency.size(), 2u);
  EXPECT_EQ(p.analysis.latency[1].total(), kNcclReferencePath);
  // So on that fabric a cross-spine Tree/LL hop costs exactly NCCL's 5.0 us, and a same-leaf hop less.
  const CollectiveLatency lat(p);
  const ProtocolConstants c = protocol_constants(CollectiveKind::AllReduce, NcclAlgo::Tree, Protocol::LL, h100_1024(), 8);
  EXPECT_EQ(lat.hop(c, 0, 32 * 8), Picoseconds(5'000'000));  // server 0 to server 32: another scalable unit
  EXPECT_LT(lat.hop(c, 0, 8), Picoseconds(5'000'000));        // server 0 to server 1: the same rail leaf
}

}  // namespace aifabric

namespace aifabric {
using testing::plan_from;

// With SHARP on the QM9700s (fabric.in_network_reduction), NCCL runs NVLS across nodes: each GPU's buffer into the
// NVLink switch and its slice through the network's reduction. At 8 GiB the NVLink side binds: per GPU
// S (1 + 1/8) at 5/6 of 370.75 GB/s, while each NIC carries only S/8 each way. CollNet direct is bound by its
// reduce-scatter and all-gather over NVLink: 2 x 7/8 x S at 370.75 GB/s.
TEST(NcclSchedules, InNetworkReductionIsBoundWhereThePhysicsSays) {
  const Plan p = plan_from(R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700, load_balancing: adaptive, in_network_reduction: true}
layout: {servers_per_rack: 4, racks_per_row: 8, network_racks: end-of-row}
power: {rack_power_limit_kw: 45}
)");
  ASSERT_TRUE(p.fabric.in_network_reduction);
  const Communicator comm = make_communicator(p.fabric, "all", "t");
  const int64_t S = int64_t{8} << 30;
  const double nvlink = 2966e9 / 8;  // bytes per second, the catalog's achievable rate
  const Schedule nvls = build_schedule(CollectiveKind::AllReduce, Algorithm::Nccl, comm, S, p.fabric);
  ASSERT_EQ(nvls.algorithm, Algorithm::Nvls) << nvls.choice;
  auto flow = make_backend("flow", p, {});
  const double t_nvls = flow->run(nvls).time.seconds();
  const double nvls_floor = static_cast<double>(S) / (5.0 / 6.0) * (1 + 1.0 / 8) / nvlink;
  EXPECT_GE(t_nvls, nvls_floor);
  EXPECT_LT(t_nvls, 1.01 * nvls_floor);
  const Schedule direct = build_schedule(CollectiveKind::AllReduce, Algorithm::CollNetDirect, comm, S, p.fabric);
  const double t_direct = flow->run(direct).time.seconds(), direct_floor = 2 * 7.0 / 8 * static_cast<double>(S) / nvlink;
  EXPECT_GE(t_direct, direct_floor);
  EXPECT_LT(t_direct, 1.02 * direct_floor);
}

}  // namespace aifabric

namespace aifabric {
using testing::plan_from;

// PAT (one GPU per node): log2(128) = 7 exchange steps; every rank passes on n - 1 blocks of the gathered buffer
// (bandwidth-optimal, as a ring) at 1/0.75 of the payload on the wire; NCCL's choice for a rail-aligned
// all-gather of 64 KiB, where the ring would pay 127 network hops.
TEST(NcclSchedules, PatGathersInLogStepsWithRingBytes) {
  const Plan p = plan_from(kRail1024);
  const Communicator rail = make_communicator(p.fabric, "rail:0", "t");
  const int64_t S = int64_t{128} << 20;
  const Schedule s = build_schedule(CollectiveKind::AllGather, Algorithm::Pat, rail, S, p.fabric);
  ASSERT_EQ(s.phases.size(), 7u);
  std::map<uint32_t, int64_t> sent;
  for (const auto& ph : s.phases) for (const Transfer& t : ph.transfers) sent[t.src] += t.bytes;
  ASSERT_EQ(sent.size(), 128u);
  const int64_t block = (static_cast<int64_t>(std::ceil(static_cast<double>(S) / 0.75)) + 127) / 128;
  for (const auto& [x, b] : sent) EXPECT_EQ(b, 127 * block) << x;
  const Schedule chosen = build_schedule(CollectiveKind::AllGather, Algorithm::Nccl, rail, 64 << 10, p.fabric);
  EXPECT_EQ(chosen.algorithm, Algorithm::Pat) << chosen.choice;
  EXPECT_THROW(build_schedule(CollectiveKind::AllGather, Algorithm::Pat, make_communicator(p.fabric, "first:16", "t"), S, p.fabric),
               std::invalid_argument);
}

}  // namespace aifabric
