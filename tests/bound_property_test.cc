// The analytic backend is a lower bound: over generated cases (fabric, collective, algorithm, protocol, group,
// size, failures) neither the flow nor the packet backend finishes before it. Flow and packet agree where they
// should: bandwidth-bound and uncongested.
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "backend/collective_backend.h"
#include "collective/chunk_graph.h"
#include "collective/schedule.h"
#include "flow/failures.h"
#include "net/packet_backend.h"
#include "test_support.h"

namespace aifabric {
using testing::plan_from;

namespace {

struct Design {
  const char* yaml;
  std::vector<std::string> failures;  // tried one at a time (and none)
};

// Small fabrics of every kind the bound must hold on: Clos with spraying and with ECMP, rail-optimised,
// oversubscribed, 3 tiers, multi-plane, in-network reduction (SHARP).
const std::vector<Design>& designs() {
  static const std::vector<Design> d = {
      {"cluster: {server: dgx-h100, servers: 16}\nfabric: {topology: clos, switch: quantum2-qm9700, load_balancing: spraying}\n"
       "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n", {"links:2:2", "tier:2:1"}},
      {"cluster: {server: dgx-h100, servers: 16}\nfabric: {topology: clos, switch: quantum2-qm9700, load_balancing: ecmp, oversubscription: {leaf: '2:1'}}\n"
       "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n", {"links:2:2"}},
      {"cluster: {server: dgx-h100, servers: 16}\nfabric: {topology: rail-optimized, scalable_unit_servers: 8, switch: quantum2-qm9700, load_balancing: adaptive}\n"
       "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n", {"links:2:3"}},
      {"cluster: {server: dgx-h100, servers: 32}\nfabric: {topology: clos, tiers: 3, pod_servers: 16, switch: th5-64x800g-osfp, load_balancing: spraying}\n"
       "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n", {"links:3:2"}},
      {"cluster: {server: hgx-b300-800g, servers: 8}\nfabric: {topology: rail-optimized, switch: th5-64x800g-osfp, planes: 4}\n"
       "layout: {servers_per_rack: 2}\npower: {rack_power_limit_kw: 60}\n", {"plane:1"}},
      {"cluster: {server: dgx-h100, servers: 16}\nfabric: {topology: rail-optimized, scalable_unit_servers: 8, switch: quantum2-qm9700, "
       "load_balancing: spraying, in_network_reduction: true}\nlayout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n", {"links:2:2"}},
  };
  return d;
}

const std::vector<Algorithm> kAlgos = {Algorithm::Nccl, Algorithm::Ring, Algorithm::DoubleBinaryTree, Algorithm::Nvls, Algorithm::NvlsTree,
                                       Algorithm::CollNetChain, Algorithm::CollNetDirect, Algorithm::Pat, Algorithm::HalvingDoubling, Algorithm::Direct, Algorithm::Hierarchical, Algorithm::ParameterServer};
const std::vector<CollectiveKind> kKinds = {CollectiveKind::AllReduce, CollectiveKind::ReduceScatter, CollectiveKind::AllGather, CollectiveKind::Broadcast,
                                            CollectiveKind::Reduce, CollectiveKind::AllToAll, CollectiveKind::SendRecv};

struct Case {
  size_t design = 0;
  std::string failure;  // empty: none
  CollectiveKind kind = CollectiveKind::AllReduce;
  Algorithm algo = Algorithm::Nccl;
  std::optional<Protocol> proto;
  std::string group;
  int64_t bytes = 0;
};

std::string describe(const Case& c) {
  return fmt::format("design {} fail '{}' {} {} proto {} group {} bytes {}", c.design, c.failure, to_string(c.kind), to_string(c.algo),
                     c.proto ? std::string(to_string(*c.proto)) : "nccl", c.group, c.bytes);
}

}  // namespace

TEST(AnalyticBound, NoBackendBeatsItOnGeneratedCases) {
  std::vector<Plan> plans;
  for (const Design& d : designs()) plans.push_back(plan_from(d.yaml));
  std::mt19937_64 rng(20261201);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  int checked = 0, packet_checked = 0, graph_checked = 0, packet_graph_checked = 0, attempts = 0;
  while (checked < 1000 && attempts < 20000) {
    ++attempts;
    Case c;
    c.design = pick(plans.size());
    const Plan& p = plans[c.design];
    const auto& fails = designs()[c.design].failures;
    const size_t f = pick(fails.size() + 2);  // none twice as often as each failure
    c.failure = f < fails.size() ? fails[f] : "";
    c.kind = kKinds[pick(kKinds.size())];
    c.algo = kAlgos[pick(kAlgos.size())];
    const size_t proto = pick(4);
    if (proto < 3) c.proto = static_cast<Protocol>(proto);
    const int X = p.fabric.server->xpus;
    switch (pick(4)) {
      case 0: c.group = "all"; break;
      case 1: c.group = fmt::format("first:{}", 2 + pick(static_cast<size_t>(p.fabric.xpus() - 1))); break;
      case 2: c.group = fmt::format("rail:{}", pick(static_cast<size_t>(X))); break;
      default: c.group = fmt::format("server:{}", pick(static_cast<size_t>(p.fabric.servers))); break;
    }
    c.bytes = int64_t{8} << pick(26);  // 8 B to 256 MiB
    const Communicator comm = make_communicator(p.fabric, c.group, "t");
    if (comm.size() < 2) continue;
    if ((c.kind == CollectiveKind::AllToAll || c.algo == Algorithm::Direct) && comm.size() > 64) continue;  // keep the suite quick
    Schedule s;
    try {
      s = build_schedule(c.kind, c.algo, comm, c.bytes, p.fabric, ScheduleOptions{0, 0, 1, c.proto});
    } catch (const std::invalid_argument&) {
      continue;  // this algorithm does not run this collective or group
    }
    BackendOptions o;
    o.mode = path_mode_for(p.spec.fabric.load_balancing);
    if (!c.failure.empty()) o.network.failed_links = resolve_failures(p.fabric, {c.failure}, 1).links;
    const CollectiveResult bound = make_backend("analytic", p, o)->run(s);
    if (bound.unreachable > 0) continue;
    const CollectiveResult flow = make_backend("flow", p, o)->run(s);
    ASSERT_GE(flow.time.count(), bound.time.count() - bound.time.count() / 1'000'000 - 1) << describe(c);
    // The dependency graph of chunk transfers, where it stays small: it may finish before the steady-state bound
    // (which charges every step the slowest hop and the slowest link even when they are on different ranks, and
    // cannot hide one chain's latency behind another's data), never before the graph's bound (its critical path
    // at unshared rates, or its load).
    if (ops_per_slice(s) <= 2000) {
      BackendOptions go = o;
      go.execution = Execution::Graph;
      go.max_graph_ops = 8'000;
      const CollectiveResult graph = make_backend("flow", p, go)->run(s);
      const int64_t floor = make_backend("analytic", p, go)->run(s).time.count();
      ASSERT_GE(graph.time.count(), floor - floor / 1'000'000 - 1) << "graph: " << describe(c);
      ++graph_checked;
      if (graph_checked % 8 == 0 && c.bytes <= (1 << 20) && ops_per_slice(s) <= 1000) {
        PacketSimConfig pc;
        pc.lb = p.spec.fabric.load_balancing;
        if (!c.failure.empty()) pc.failures.push_back({0, o.network.failed_links, c.failure});
        const CollectiveResult packet = make_packet_backend(p, pc, go)->run(s);
        ASSERT_GE(packet.time.count(), floor - floor / 1'000'000 - 1) << "packet graph: " << describe(c);
        ++packet_graph_checked;
      }
    }
    // The packet engine on the cases small enough to stay quick under the sanitizers.
    if (checked % 6 == 0 && c.bytes <= (1 << 20) && comm.size() <= 64) {
      PacketSimConfig pc;
      pc.lb = p.spec.fabric.load_balancing;
      pc.failures = {};
      if (!c.failure.empty()) pc.failures.push_back({0, o.network.failed_links, c.failure});
      const CollectiveResult packet = make_packet_backend(p, pc, o)->run(s);
      ASSERT_GE(packet.time.count(), bound.time.count() - bound.time.count() / 1'000'000 - 1) << "packet: " << describe(c);
      ++packet_checked;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 1000) << "after " << attempts << " attempts";
  EXPECT_GE(packet_checked, 50);
  EXPECT_GE(graph_checked, 300);
  EXPECT_GE(packet_graph_checked, 20);
  std::printf("checked %d cases: %d on packets, %d as chunk graphs (%d of them on packets)\n", checked, packet_checked, graph_checked, packet_graph_checked);
}

// Bandwidth-bound and uncongested (a rail ring on a non-blocking spraying fabric, send/recv across servers):
// the flow and packet backends agree within 5%.
TEST(AnalyticBound, FlowAndPacketAgreeWhereTheyShould) {
  const Plan p = plan_from(designs()[0].yaml);
  PacketSimConfig pc;
  pc.lb = LoadBalancing::Spraying;
  struct Workload {
    CollectiveKind kind;
    Algorithm algo;
    const char* group;
  };
  for (const Workload& w : {Workload{CollectiveKind::AllReduce, Algorithm::Ring, "rail:0"}, Workload{CollectiveKind::AllGather, Algorithm::Ring, "rail:3"},
                            Workload{CollectiveKind::SendRecv, Algorithm::Nccl, "rail:1"}}) {
    const Communicator comm = make_communicator(p.fabric, w.group, "t");
    const Schedule s = build_schedule(w.kind, w.algo, comm, int64_t{64} << 20, p.fabric, ScheduleOptions{0, 0, 1, Protocol::Simple});
    const double flow = make_backend("flow", p, {})->run(s).time.seconds();
    const double packet = make_packet_backend(p, pc, {})->run(s).time.seconds();
    EXPECT_NEAR(packet / flow, 1.0, 0.05) << to_string(w.kind) << " over " << w.group;
  }
}

}  // namespace aifabric
