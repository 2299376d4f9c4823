// Collective schedules and their timing on the analytic and flow backends, against the alpha-beta arithmetic.
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <random>
#include <sstream>

#include "backend/collective_backend.h"
#include "collective/schedule.h"
#include "report/perf_table.h"
#include "test_support.h"

namespace aifabric {
using testing::plan_from;

namespace {

const char* kRail128 = R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700, load_balancing: spraying}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)";

double goodput(const Plan& p) { return FlowNetwork(p).goodput_fraction(); }

double busbw_gbs(const Plan& plan, const std::string& backend, const Communicator& comm, int64_t bytes, Algorithm algo = Algorithm::Ring,
                 PathMode mode = PathMode::Spray) {
  BackendOptions o;
  o.mode = mode;
  auto b = make_backend(backend, plan, o);
  const Schedule s = build_schedule(CollectiveKind::AllReduce, algo, comm, bytes, plan.fabric);
  return perf_row(CollectiveKind::AllReduce, comm.size(), bytes, b->run(s).time).busbw_gbs;
}

}  // namespace

TEST(Schedule, RingAllReduceMovesTwiceTheBufferPerRank) {
  const Plan p = plan_from(kRail128);
  const Communicator comm = make_communicator(p.fabric, "first:64", "t");
  const int64_t S = 64 << 20;
  ScheduleOptions simple;
  simple.protocol = Protocol::Simple;  // every byte on the wire is payload
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, comm, S, p.fabric, simple);
  std::map<uint32_t, int64_t> sent;
  for (const auto& ph : s.phases) for (const auto& t : ph.transfers) sent[t.src] += t.bytes * ph.repeat;
  ASSERT_EQ(sent.size(), 64u);
  for (const auto& [xpu, bytes] : sent) EXPECT_EQ(bytes, 2 * 63 * S / 64) << xpu;  // 2(n-1)/n x S
}

// One GPU per node, two channels (one per tree): a node interior in one tree is a leaf in the other, so it
// receives at most 4 chunks (2 children and its parent in one tree, its parent in the other), never 6.
TEST(Schedule, TreeRanksAreInteriorInAtMostOneTree) {
  const Plan p = plan_from(kRail128);
  const Communicator comm = make_communicator(p.fabric, "rail:0", "t");
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::DoubleBinaryTree, comm, 1 << 20, p.fabric);
  ASSERT_EQ(s.channels, 2);
  std::map<uint32_t, int> received;
  for (const Transfer& t : s.phases[0].transfers) ++received[t.dst];
  ASSERT_EQ(received.size(), 128u);
  int four = 0;
  for (const auto& [r, n] : received) {
    EXPECT_LE(n, 4) << "rank " << r;
    four += n == 4;
  }
  EXPECT_GE(four, 120);  // all but the roots and the last heap positions are interior once
}

TEST(Schedule, HalvingDoublingNeedsPowerOfTwo) {
  const Plan p = plan_from(kRail128);
  EXPECT_THROW(build_schedule(CollectiveKind::AllReduce, Algorithm::HalvingDoubling, make_communicator(p.fabric, "first:12", "t"), 1024, p.fabric),
               std::invalid_argument);
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::HalvingDoubling, make_communicator(p.fabric, "first:16", "t"), 1 << 20, p.fabric);
  EXPECT_EQ(s.phases.size(), 8u);  // log2(16) halving + log2(16) doubling steps
}

TEST(Schedule, DirectRefusesQuadraticBlowUp) {
  const Plan p = plan_from(kRail128);
  ScheduleOptions o;
  o.max_transfers_per_phase = 1000;
  EXPECT_THROW(build_schedule(CollectiveKind::AllToAll, Algorithm::Direct, make_communicator(p.fabric, "all", "t"), 1 << 20, p.fabric, o), std::invalid_argument);
}

// One rank per server on one rail: every ring hop is one 400G NIC link. busbw -> link rate x goodput.
TEST(Backends, RingAllReduceReachesLinkRate) {
  const Plan p = plan_from(kRail128);
  const Communicator rail = make_communicator(p.fabric, "rail:0", "t");
  const double link_gbs = 400.0 * goodput(p) / 8.0;  // GB/s
  for (const char* backend : {"analytic", "flow"}) {
    const double bw = busbw_gbs(p, backend, rail, int64_t{8} << 30);
    EXPECT_NEAR(bw, link_gbs, 0.02 * link_gbs) << backend;
    EXPECT_LE(bw, link_gbs * (1 + 1e-9)) << backend;
  }
}

// A 2:1 leaf taper: a ring whose every hop crosses leaves gets half the rate; a rail-aligned ring does not.
TEST(Backends, OversubscriptionCostsWhatTheTaperSays) {
  const Plan p = plan_from(R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700, oversubscription: {leaf: '2:1'}}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)");
  ASSERT_EQ(p.fabric.tier[1].up_ports, 16);  // 32 used downlinks at 2:1
  const Communicator aligned = make_communicator(p.fabric, "rail:0", "t");
  Communicator across = aligned;
  // Servers 0, 32, 64, 96, 1, 33, ...: consecutive ranks sit in different scalable units (different leaves).
  for (size_t i = 0; i < across.xpus.size(); ++i) across.xpus[i] = aligned.xpus[(i % 4) * 32 + i / 4];
  for (const char* backend : {"analytic", "flow"}) {
    const double a = busbw_gbs(p, backend, aligned, int64_t{8} << 30);
    const double x = busbw_gbs(p, backend, across, int64_t{8} << 30);
    EXPECT_NEAR(a, 400.0 * goodput(p) / 8.0, 0.02 * a) << backend;
    EXPECT_NEAR(x / a, 0.5, 0.02) << backend;  // 32 flows per leaf over 16 uplinks
  }
}

// A server-to-server permutation on a non-blocking 2-tier Clos: hashed ECMP collides, spraying does not.
TEST(Backends, EcmpCollisionsVersusSpraying) {
  const Plan p = plan_from(R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: clos, switch: quantum2-qm9700}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)");
  std::vector<uint32_t> perm(128);
  std::iota(perm.begin(), perm.end(), 0u);
  std::mt19937 rng(7);
  do std::shuffle(perm.begin(), perm.end(), rng);
  while ([&] { for (uint32_t s = 0; s < 128; ++s) if (perm[s] / 4 == s / 4) return true; return false; }());  // every flow leaves its leaf
  Schedule sched;
  sched.kind = CollectiveKind::SendRecv;
  sched.ranks = 1024;
  Phase ph;
  for (uint32_t s = 0; s < 128; ++s) for (uint32_t g = 0; g < 8; ++g) ph.transfers.push_back({s * 8 + g, perm[s] * 8 + g, 64 << 20});
  sched.phases.push_back(ph);
  const double line = 400.0 * goodput(p);
  BackendOptions ecmp, spray;
  ecmp.mode = PathMode::Ecmp;
  spray.mode = PathMode::Spray;
  const CollectiveResult e = make_backend("flow", p, ecmp)->run(sched);
  const CollectiveResult sp = make_backend("flow", p, spray)->run(sched);
  EXPECT_LT(e.phases[0].mean_rate_gbps, 0.85 * line);  // collisions on leaf uplinks and spine downlinks
  EXPECT_GT(sp.phases[0].mean_rate_gbps, 0.99 * line);  // full bisection
  EXPECT_GT(e.time, sp.time);
}

// Identical steps are solved once and multiplied; expanding them into separate phases gives the same time.
TEST(Backends, RepeatedStepsEqualExpandedSteps) {
  const Plan p = plan_from(kRail128);
  const Communicator comm = make_communicator(p.fabric, "first:256", "t");
  const Schedule folded = build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, comm, 1 << 26, p.fabric);
  Schedule expanded = folded;
  expanded.phases.clear();
  for (const auto& ph : folded.phases) {
    for (int64_t k = 0; k < ph.repeat; ++k) {
      Phase one = ph;
      one.repeat = 1;
      expanded.phases.push_back(one);
    }
  }
  // The data movement is the same; the latency is the chain's, which the folded phase pays once.
  auto moved = [](const CollectiveResult& r) {
    Picoseconds t(0);
    for (const PhaseResult& ph : r.phases) t += ph.transfer_time * ph.repeat;
    return t;
  };
  for (const char* backend : {"analytic", "flow"}) {
    auto b = make_backend(backend, p, {});
    EXPECT_EQ(moved(b->run(folded)), moved(b->run(expanded))) << backend;
  }
}

TEST(PerfTable, ParsesWithNcclTestsColumns) {
  const Plan p = plan_from(kRail128);
  auto b = make_backend("analytic", p, {});
  const Communicator comm = make_communicator(p.fabric, "all", "t");
  PerfSweep sweep;
  sweep.title = "test";
  sweep.kind = CollectiveKind::AllReduce;
  sweep.ranks = comm.size();
  for (int64_t bytes = 8; bytes <= (int64_t{1} << 30); bytes *= 32) {
    sweep.rows.push_back(perf_row(sweep.kind, comm.size(), bytes, b->run(build_schedule(sweep.kind, Algorithm::Ring, comm, bytes, p.fabric)).time));
  }
  std::istringstream in(render_perf_table(sweep));
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::vector<std::string> cols;
    for (std::string c; f >> c;) cols.push_back(c);
    ASSERT_EQ(cols.size(), 13u) << line;  // size count type redop root | time algbw busbw #wrong | x2
    const double size = std::stod(cols[0]), time_us = std::stod(cols[5]), algbw = std::stod(cols[6]), busbw = std::stod(cols[7]);
    EXPECT_EQ(std::stoll(cols[1]), static_cast<long long>(size) / 4);
    EXPECT_EQ(cols[2], "float");
    EXPECT_EQ(cols[3], "sum");
    EXPECT_NEAR(algbw, size / (time_us * 1e-6) / 1e9, 0.006 + 0.01 * algbw);
    EXPECT_NEAR(busbw, algbw * 2 * 1023 / 1024.0, 0.012 + 0.001 * busbw);  // both printed to 2 decimals
    ++rows;
  }
  EXPECT_EQ(rows, static_cast<int>(sweep.rows.size()));
}

TEST(PerfTable, SizesReadLikeNcclTests) {
  EXPECT_EQ(parse_size("8"), 8);
  EXPECT_EQ(parse_size("64K"), 65536);
  EXPECT_EQ(parse_size("8G"), int64_t{8} << 30);
  EXPECT_EQ(parse_size("1x"), -1);
  EXPECT_EQ(parse_size(""), -1);
}

TEST(Backends, UnknownBackendIsAnInputError) {
  const Plan p = plan_from(kRail128);
  EXPECT_THROW(make_backend("packet2", p, {}), InputError);
}

}  // namespace aifabric

#include "net/packet_backend.h"

namespace aifabric {

// The packet engine behind the same interface: a rail-aligned ring all-reduce reaches the link rate less the
// packet effects, and never beats the analytic bound.
TEST(Backends, PacketBackendAgreesWithTheBound) {
  const Plan p = plan_from(kRail128);
  const Communicator rail = make_communicator(p.fabric, "rail:0", "t");
  const int64_t bytes = int64_t{256} << 20;
  ScheduleOptions simple;
  simple.protocol = Protocol::Simple;
  const Schedule s = build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, rail, bytes, p.fabric, simple);
  PacketSimConfig pc;
  pc.lb = LoadBalancing::Spraying;
  auto packet = make_packet_backend(p, pc, {});
  auto analytic = make_backend("analytic", p, {});
  const CollectiveResult rp = packet->run(s), ra = analytic->run(s);
  EXPECT_GE(rp.time.count(), ra.time.count());
  // The data movement of a ring step: within 10% of the bound (the link rate less headers), never below it.
  ASSERT_EQ(rp.phases.size(), 1u);
  const double step_bound = ra.phases[0].transfer_time.seconds(), step_packet = rp.phases[0].transfer_time.seconds();
  EXPECT_GE(step_packet, step_bound);
  EXPECT_LT(step_packet, 1.1 * step_bound);
  const double link = 400.0 * 4096 / (4096 + 26) / 8;  // InfiniBand: 26 bytes per 4 KiB packet
  EXPECT_LE(perf_row(CollectiveKind::AllReduce, rail.size(), bytes, rp.time).busbw_gbs, link);
}

}  // namespace aifabric
