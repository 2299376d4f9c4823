// The dependency graph of chunk transfers and its flow-level execution, against the closed forms of pipelining.
#include <gtest/gtest.h>

#include <stdexcept>

#include "backend/collective_backend.h"
#include "backend/collective_latency.h"
#include "collective/chunk_graph.h"
#include "collective/schedule.h"
#include "net/packet_backend.h"
#include "test_support.h"

namespace aifabric {
using testing::plan_from;

namespace {

// Rail-optimised, 32 servers per scalable unit: the rail-0 GPUs of the first servers share one leaf, so every hop
// between them has the same planned path.
const char* kRail = R"(
cluster: {server: dgx-h100, servers: 64}
fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700, load_balancing: spraying}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)";

BackendOptions graph_options(double window = 0) {
  BackendOptions o;
  o.execution = Execution::Graph;
  o.finish_window = window;
  return o;
}

Communicator rail0(int servers) {
  Communicator c;
  c.xpus_per_server = 8;
  for (int s = 0; s < servers; ++s) c.xpus.push_back(static_cast<uint32_t>(8 * s));
  return c;
}

// A broadcast streamed along a chain of XPUs, every transfer capped at `cap_gbs` (below any link it crosses).
Schedule chain(const std::vector<uint32_t>& xs, int64_t bytes, double cap_gbs) {
  Schedule s;
  s.kind = CollectiveKind::Broadcast;
  s.algorithm = Algorithm::Ring;
  s.protocol = Protocol::Simple;
  s.bytes = bytes;
  s.ranks = static_cast<int64_t>(xs.size());
  s.constants = ProtocolConstants{0.0, 0.6, 5.0, 1.0, cap_gbs};
  Phase p;
  p.label = "chain";
  for (size_t j = 0; j + 1 < xs.size(); ++j) {
    p.transfers.push_back({xs[j], xs[j + 1], bytes, Via::Peer, 0, static_cast<uint16_t>(j)});
    p.chain.push_back({xs[j], xs[j + 1]});
  }
  s.phases.push_back(std::move(p));
  return s;
}

}  // namespace

TEST(ChunkGraph, RingOpsWaitForTheirPredecessorAndTheirConnection) {
  const Plan plan = plan_from(kRail);
  const Communicator comm = rail0(4);
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, comm, 8 << 20, plan.fabric, {1, 0, 1, Protocol::Simple});
  const ChunkGraph g = build_chunk_graph(s, plan.fabric.scale_up_domain(), 2, 1'000'000);
  const int64_t n = 4, steps = 2 * (n - 1);
  ASSERT_EQ(static_cast<int64_t>(g.size()), 2 * steps * n);
  // First step of the first slice: nothing to wait for; first step of the second slice: the connection's last
  // step of the first slice; every later step: the rank before's previous step and the connection's.
  for (uint32_t o = 0; o < g.size(); ++o) {
    const int64_t k = (o % (steps * n)) / n;
    const bool second_slice = o >= steps * n;
    EXPECT_EQ(g.waits[o], k == 0 ? (second_slice ? 1u : 0u) : 2u) << "op " << o;
  }
  EXPECT_EQ(g.ops[0].bytes + g.ops[steps * n].bytes, s.phases[0].transfers[0].bytes);
}

TEST(ChunkGraph, RefusesAGraphOverItsLimitAndSaysHowBig) {
  const Plan plan = plan_from(kRail);
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, rail0(8), 1 << 20, plan.fabric, {1, 0, 1, Protocol::Simple});
  try {
    build_chunk_graph(s, plan.fabric.scale_up_domain(), 4, 100);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("448 chunk transfers (112 per slice x 4 slices)"), std::string::npos) << e.what();
  }
}

// A chain of h hops streaming C slices of u bytes at rate B: slice c leaves hop j at L_j + (c + j + 1) u/B, where
// L_j is the latency of the hops before j, so the last byte lands after every hop's latency plus (C + h - 1) u/B.
TEST(FlowGraph, PipelinedChainPaysEachHopOnceAndStreamsBehindTheFirstSlice) {
  const Plan plan = plan_from(kRail);
  const std::vector<uint32_t> xs = {0, 8, 16, 24};  // rail 0 of servers 0-3
  const int64_t bytes = 8 * (int64_t{1} << 19);      // 8 slices of one Simple FIFO slot (512 KiB)
  const Schedule s = chain(xs, bytes, 10.0);
  const CollectiveResult r = make_backend("flow", plan, graph_options())->run(s);
  const CollectiveLatency lat(plan);
  Picoseconds hops(0);
  for (size_t j = 0; j + 1 < xs.size(); ++j) hops += lat.hop(s.constants, xs[j], xs[j + 1]);
  const int64_t slice_ps = 52'428'800;  // 524,288 B at 10 GB/s
  EXPECT_EQ(r.graph_slices, 8);
  EXPECT_NEAR(static_cast<double>(r.time.count()), static_cast<double>(hops.count() + (8 + 3 - 1) * slice_ps), 100.0);
  // The steady-state view moves the buffer once and adds the chain: the graph adds the pipeline's fill.
  const CollectiveResult phases = make_backend("flow", plan, {})->run(s);
  EXPECT_NEAR(static_cast<double>((r.time - phases.time).count()), 2.0 * slice_ps, 100.0);
}

// A ring whose hops all share one leaf runs in lockstep: every step costs its hop's latency plus its chunk at the
// rate, as the steady state says, loop after loop (a loop of NCCL's Simple ring is 2 MiB per rank per step). A
// loop's first step sends what the rank holds, so each extra loop waits out steps - 1 hops.
TEST(FlowGraph, UniformRingMatchesTheSteadyStateAndPaysItsLatencyPerLoop) {
  const Plan plan = plan_from(kRail);
  const Communicator comm = rail0(8);
  const CollectiveLatency lat(plan);
  for (int loops : {1, 2, 3}) {
    const int64_t bytes = int64_t{8} * loops * (int64_t{2} << 20);  // 8 ranks x loops x 2 MiB
    const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, comm, bytes, plan.fabric, {1, 0, 1, Protocol::Simple});
    const CollectiveResult graph = make_backend("flow", plan, graph_options())->run(s);
    const CollectiveResult phases = make_backend("flow", plan, {})->run(s);
    EXPECT_EQ(graph.graph_slices, loops);
    const Picoseconds hop = lat.hop(s.constants, comm.xpus[0], comm.xpus[1]);
    EXPECT_EQ(hop, lat.hop(s.constants, comm.xpus[7], comm.xpus[0]));  // one leaf: every hop alike
    const int64_t steps = 2 * (8 - 1);
    EXPECT_NEAR(static_cast<double>(graph.time.count()), static_cast<double>((phases.time + hop * ((loops - 1) * (steps - 1))).count()),
                1e-6 * static_cast<double>(phases.time.count()))
        << loops << " loops";
  }
}

// NVLS in one DGX H100: every GPU's slices into the switch, the reduced slices out once all have arrived; with C
// slices the two directions overlap but for one slice, so the data moves in (C + 1) / C of the steady state.
TEST(FlowGraph, NvlsOverlapsTheSwitchsTwoDirectionsSliceBySlice) {
  const Plan plan = plan_from(kRail);
  Communicator comm;
  comm.xpus_per_server = 8;
  for (uint32_t x = 0; x < 8; ++x) comm.xpus.push_back(x);
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::Nvls, comm, int64_t{64} << 20, plan.fabric, {0, 0, 1, Protocol::Simple});
  const CollectiveResult graph = make_backend("flow", plan, graph_options())->run(s);
  const CollectiveResult phases = make_backend("flow", plan, {})->run(s);
  const CollectiveLatency lat(plan);
  const Picoseconds fixed = lat.base(s) + lat.phase(s, s.phases[0]);  // base and one NVLink hop
  const double c = graph.graph_slices;
  ASSERT_GT(c, 10);
  EXPECT_NEAR(static_cast<double>((graph.time - fixed).count()), static_cast<double>((phases.time - fixed).count()) * (c + 1) / c,
              1e-4 * static_cast<double>(phases.time.count()));
}

// Eight nodes on one leaf (every network hop alike), 8 B: only latency counts, and the longest way a chunk goes is
// up the deepest node's chain, up the tree, down it and down the chain again, as the steady state's chain says.
TEST(FlowGraph, TreeLatencyIsTheDeepestWayUpAndDown) {
  const Plan plan = plan_from(kRail);
  Communicator comm;
  comm.xpus_per_server = 8;
  for (uint32_t x = 0; x < 64; ++x) comm.xpus.push_back(x);  // servers 0-7, all eight GPUs
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::DoubleBinaryTree, comm, 8, plan.fabric, {0, 0, 1, Protocol::LL});
  const CollectiveResult graph = make_backend("flow", plan, graph_options())->run(s);
  const CollectiveResult phases = make_backend("flow", plan, {})->run(s);
  EXPECT_NEAR(static_cast<double>(graph.time.count()), static_cast<double>(phases.time.count()), 1e-3 * static_cast<double>(phases.time.count()));
}

// The packet engine runs the same graph: where nothing is congested it agrees with the flow level within 5%
// (packets carry headers; a tree, a broadcast chain, NVLS in one server, a ring with PXN).
TEST(PacketGraph, AgreesWithTheFlowLevelWhereNothingIsCongested) {
  const Plan plan = plan_from(kRail);
  PacketSimConfig pc;
  pc.lb = LoadBalancing::Spraying;
  Communicator two_servers, one_server;
  two_servers.xpus_per_server = one_server.xpus_per_server = 8;
  for (uint32_t x = 0; x < 16; ++x) two_servers.xpus.push_back(x);
  for (uint32_t x = 0; x < 8; ++x) one_server.xpus.push_back(x);
  struct Case {
    CollectiveKind kind;
    Algorithm algo;
    const Communicator* comm;
    int64_t bytes;
  };
  for (const Case& c : {Case{CollectiveKind::AllReduce, Algorithm::DoubleBinaryTree, &two_servers, 256 << 10},
                        Case{CollectiveKind::Broadcast, Algorithm::Ring, &two_servers, 8 << 20}, Case{CollectiveKind::AllReduce, Algorithm::Nvls, &one_server, 8 << 20},
                        Case{CollectiveKind::AllReduce, Algorithm::Ring, &two_servers, 4 << 20}}) {
    const Schedule s = build_schedule(c.kind, c.algo, *c.comm, c.bytes, plan.fabric);
    const double flow = make_backend("flow", plan, graph_options(1e-2))->run(s).time.seconds();
    const CollectiveResult packet = make_packet_backend(plan, pc, graph_options())->run(s);
    EXPECT_GT(packet.graph_ops, 0);
    EXPECT_NEAR(packet.time.seconds() / flow, 1.0, 0.05) << to_string(c.kind) << " " << to_string(c.algo);
  }
}

// A capped chain at packet level: each chunk counts as arrived no sooner than its bytes at the cap, so the
// pipeline's closed form holds up to the packets' headers and the links' own delays (within 2%).
TEST(PacketGraph, HoldsEveryChunkToTheChannelCap) {
  const Plan plan = plan_from(kRail);
  const std::vector<uint32_t> xs = {0, 8, 16, 24};
  const Schedule s = chain(xs, 8 * (int64_t{1} << 19), 10.0);
  PacketSimConfig pc;
  pc.lb = LoadBalancing::Spraying;
  const CollectiveResult packet = make_packet_backend(plan, pc, graph_options())->run(s);
  const CollectiveLatency lat(plan);
  Picoseconds hops(0);
  for (size_t j = 0; j + 1 < xs.size(); ++j) hops += lat.hop(s.constants, xs[j], xs[j + 1]);
  const double closed = static_cast<double>(hops.count() + (8 + 3 - 1) * int64_t{52'428'800});
  EXPECT_GE(static_cast<double>(packet.time.count()), closed * (1 - 1e-6));
  EXPECT_NEAR(static_cast<double>(packet.time.count()) / closed, 1.0, 0.02);
}

// Asked for the graph, the analytic backend gives its bound: on an uncongested chain every op runs at its cap, so
// the bound is the pipeline's closed form itself; on a larger graph it stays below both executions.
TEST(GraphBound, IsThePipelineOnAFreeChainAndBelowEveryExecution) {
  const Plan plan = plan_from(kRail);
  const std::vector<uint32_t> xs = {0, 8, 16, 24};
  const Schedule chained = chain(xs, 8 * (int64_t{1} << 19), 10.0);
  const CollectiveResult bound = make_backend("analytic", plan, graph_options())->run(chained);
  const CollectiveResult flow = make_backend("flow", plan, graph_options())->run(chained);
  EXPECT_NEAR(static_cast<double>(bound.time.count()), static_cast<double>(flow.time.count()), 100.0);
  const Schedule tree = build_schedule(CollectiveKind::AllReduce, Algorithm::DoubleBinaryTree, rail0(16), 4 << 20, plan.fabric);
  const int64_t floor = make_backend("analytic", plan, graph_options())->run(tree).time.count();
  EXPECT_GT(floor, 0);
  EXPECT_LE(floor, make_backend("flow", plan, graph_options())->run(tree).time.count());
  PacketSimConfig pc;
  pc.lb = LoadBalancing::Spraying;
  EXPECT_LE(floor, make_packet_backend(plan, pc, graph_options())->run(tree).time.count());
}

}  // namespace aifabric
