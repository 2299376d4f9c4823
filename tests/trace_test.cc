// Chakra execution traces: the wire format both ways, replay on a planned fabric against the backend's own time for
// the same collective, a real PyTorch trace run to its end in dependency order, and bad traces refused with a place.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "backend/collective_backend.h"
#include "collective/schedule.h"
#include "core/input_error.h"
#include "test_support.h"
#include "trace/chakra_trace.h"
#include "trace/simai_workload.h"
#include "trace/trace_replay.h"

namespace aifabric {
namespace {

const std::string kFixtures = testing::source_path("tests/data/chakra");  // copied from ../shared/fixtures/chakra (see its README)

const Plan& two_dgx() {
  static const Plan p = make_plan(testing::spec_from("cluster: {server: dgx-h100, servers: 2}\n"
                                                     "fabric: {topology: rail-optimized, switch: quantum2-qm9700, tiers: auto}\n"
                                                     "layout: {servers_per_rack: 4, racks_per_row: 8}\npower: {rack_power_limit_kw: 45}\n"),
                                  testing::shipped_catalog());
  return p;
}

std::vector<RankTrace> read_ranks(const std::string& prefix) {
  std::vector<RankTrace> v;
  for (int r = 0; std::filesystem::exists(prefix + "." + std::to_string(r) + ".et"); ++r) v.push_back(read_chakra_file(prefix + "." + std::to_string(r) + ".et"));
  return v;
}

}  // namespace

// ASTRA-sim's microbenchmarks (one collective of 1 MiB per rank, at 4, 8 and 16 ranks) take exactly the time the
// backend gives the same collective on the same ranks of the same fabric.
TEST(Trace, MicrobenchmarksTakeTheBackendsTime) {
  const Plan& plan = two_dgx();
  auto backend = make_backend("analytic", plan, {});
  const std::pair<const char*, CollectiveKind> kinds[] = {{"all_reduce", CollectiveKind::AllReduce}, {"all_gather", CollectiveKind::AllGather},
                                                          {"reduce_scatter", CollectiveKind::ReduceScatter}, {"all_to_all", CollectiveKind::AllToAll}};
  int checked = 0;
  for (const auto& [name, kind] : kinds) {
    for (int n : {4, 8, 16}) {
      const std::string prefix = fmt::format("{}/astra-sim-microbenchmarks/{}/{}npus_1MB/{}", kFixtures, name, n, name);
      const std::vector<RankTrace> traces = read_ranks(prefix);
      ASSERT_EQ(static_cast<int>(traces.size()), n) << prefix;
      const TraceReplayResult r = replay_traces(traces, n, {}, plan, *backend);
      Communicator c;
      for (int i = 0; i < n; ++i) c.xpus.push_back(static_cast<uint32_t>(i));
      c.xpus_per_server = 8;
      const Picoseconds expect = backend->run(build_schedule(kind, Algorithm::Nccl, c, traces[0].nodes[0].bytes, plan.fabric)).time;
      EXPECT_EQ(r.makespan, expect) << prefix;
      EXPECT_EQ(r.nodes, n);
      ASSERT_EQ(r.collectives.size(), 1u);
      EXPECT_EQ(r.collectives[0].count, 1);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 12);
}

// Rank 0 of a real PyTorch training trace (3,664 nodes) runs to its end: every node once, none before the data it
// needs, compute nodes for at least their traced time; the other 7 ranks mirror it.
TEST(Trace, PyTorchTraceRunsToTheEndInDependencyOrder) {
  const std::vector<RankTrace> traces = read_ranks(kFixtures + "/pytorch-trace/chakra");
  ASSERT_EQ(traces.size(), 1u);
  const RankTrace& t = traces[0];
  EXPECT_EQ(t.nodes.size(), 3664u);
  const Plan& plan = two_dgx();
  auto backend = make_backend("flow", plan, {});
  const TraceReplayResult r = replay_traces(traces, 8, {}, plan, *backend);
  EXPECT_EQ(r.nodes, 3664);
  std::unordered_map<uint64_t, size_t> at;
  for (size_t i = 0; i < t.nodes.size(); ++i) at[t.nodes[i].id] = i;
  int64_t collectives = 0;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    const TraceNode& n = t.nodes[i];
    ASSERT_GE(r.done_ps[0][i], 0) << "node " << n.id << " never ran";
    for (uint32_t k = 0; k < n.ctrl_from; ++k) EXPECT_GE(r.start_ps[0][i], r.done_ps[0][at[n.deps[k]]]) << "node " << n.id << " before " << n.deps[k];
    if (n.kind == TraceNodeKind::Compute) {
      EXPECT_EQ(r.done_ps[0][i] - r.start_ps[0][i], n.duration.count());
    }
    collectives += n.kind == TraceNodeKind::Collective;
  }
  EXPECT_EQ(collectives, 7);  // 5 all-reduces and 2 broadcasts, each a GPU kernel with its size
  int64_t ran = 0;
  for (const auto& c : r.collectives) ran += c.count;
  EXPECT_EQ(ran, 7);
  EXPECT_GE(r.makespan, r.compute[0]);
}

// What aifabric writes, it reads back, field for field; and a real trace survives the round trip.
TEST(Trace, WrittenTracesReadBack) {
  RankTrace t;
  t.version = "0.0.4";
  TraceNode a;
  a.id = 1;
  a.name = "gemm";
  a.kind = TraceNodeKind::Compute;
  a.duration = Picoseconds(25'000'000);
  TraceNode b;
  b.id = 2;
  b.name = "grad all-reduce";
  b.kind = TraceNodeKind::Collective;
  b.collective = CollectiveKind::ReduceScatter;
  b.bytes = 1 << 26;
  b.group = "dp";
  b.deps = {1};
  b.ctrl_from = 1;
  TraceNode c;
  c.id = 3;
  c.name = "to next stage";
  c.kind = TraceNodeKind::Send;
  c.peer = 5;
  c.tag = 7;
  c.bytes = 4096;
  c.deps = {1, 2};
  c.ctrl_from = 1;
  t.nodes = {a, b, c};
  const RankTrace back = parse_chakra(serialize_chakra(t), "round.et");
  ASSERT_EQ(back.nodes.size(), 3u);
  EXPECT_EQ(back.version, "0.0.4");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.nodes[i].id, t.nodes[i].id);
    EXPECT_EQ(back.nodes[i].name, t.nodes[i].name);
    EXPECT_EQ(back.nodes[i].kind, t.nodes[i].kind);
    EXPECT_EQ(back.nodes[i].deps, t.nodes[i].deps);
    EXPECT_EQ(back.nodes[i].ctrl_from, t.nodes[i].ctrl_from);
    EXPECT_EQ(back.nodes[i].duration, t.nodes[i].duration);
    EXPECT_EQ(back.nodes[i].bytes, t.nodes[i].bytes);
    EXPECT_EQ(back.nodes[i].collective, t.nodes[i].collective);
    EXPECT_EQ(back.nodes[i].group, t.nodes[i].group);
    EXPECT_EQ(back.nodes[i].peer, t.nodes[i].peer);
    EXPECT_EQ(back.nodes[i].tag, t.nodes[i].tag);
  }
  const RankTrace real = read_chakra_file(kFixtures + "/pytorch-trace/chakra.0.et");
  const RankTrace again = parse_chakra(serialize_chakra(real), "again.et");
  ASSERT_EQ(again.nodes.size(), real.nodes.size());
  for (size_t i = 0; i < real.nodes.size(); ++i) {
    EXPECT_EQ(again.nodes[i].deps, real.nodes[i].deps);
    EXPECT_EQ(again.nodes[i].kind, real.nodes[i].kind);
    EXPECT_EQ(again.nodes[i].duration, real.nodes[i].duration);
    EXPECT_EQ(again.nodes[i].bytes, real.nodes[i].bytes);
  }
}

// Bad traces are refused with the file, the place and what would be valid.
TEST(Trace, BadTracesAreLocatedErrors) {
  EXPECT_NE(testing::error_of([] { parse_chakra(std::string("\x80", 1), "t.et"); }).find("byte 0: truncated length prefix"), std::string::npos);
  EXPECT_NE(testing::error_of([] { parse_chakra(std::string("\x05\x0a", 2), "t.et"); }).find("runs past the end of the file"), std::string::npos);
  EXPECT_NE(testing::error_of([] { parse_chakra(std::string("\xff\xff\xff\xff\x0f", 5), "t.et"); }).find("beyond the 64 MiB limit"), std::string::npos);
  EXPECT_NE(testing::error_of([] { parse_chakra("", "t.et"); }).find("is empty"), std::string::npos);
  RankTrace t;
  TraceNode n;
  n.id = 1;
  n.kind = TraceNodeKind::Collective;
  n.bytes = 1'000'000'000'000'000'000;  // 10^18 bytes
  t.nodes = {n};
  EXPECT_NE(testing::error_of([&] { parse_chakra(serialize_chakra(t), "big.et"); }).find("node 1 (byte 8).comm_size: 1000000000000000000 bytes is out of range"),
            std::string::npos);
  const Plan& plan = two_dgx();
  auto backend = make_backend("analytic", plan, {});
  RankTrace dangling;
  dangling.file = "dangling.et";
  TraceNode d;
  d.id = 4;
  d.kind = TraceNodeKind::Compute;
  d.deps = {9};
  d.ctrl_from = 1;
  dangling.nodes = {d};
  EXPECT_NE(testing::error_of([&] { replay_traces({dangling}, 1, {}, plan, *backend); }).find("dangling.et: node 4.data_deps: depends on node 9"), std::string::npos);
  RankTrace cycle;
  cycle.file = "cycle.et";
  TraceNode x = d, y = d;
  x.id = 1;
  x.deps = {2};
  y.id = 2;
  y.deps = {1};
  cycle.nodes = {x, y};
  EXPECT_NE(testing::error_of([&] { replay_traces({cycle}, 1, {}, plan, *backend); }).find("cycle.et: node 1: is on a dependency cycle"), std::string::npos);
  // Rank 0 all-reduces, rank 1 never does: a located deadlock, not a hang or a silent zero.
  RankTrace lonely, idle;
  lonely.file = "r0.et";
  idle.file = "r1.et";
  TraceNode ar;
  ar.id = 1;
  ar.kind = TraceNodeKind::Collective;
  ar.bytes = 1 << 20;
  lonely.nodes = {ar};
  EXPECT_NE(testing::error_of([&] { replay_traces({lonely, idle}, 2, {}, plan, *backend); }).find("r0.et: node 1: all_reduce of group 'world' never completes: 1 of the 2"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] { parse_comm_groups("{\"tp\": [0, 99]}", "groups.json", 16); }).find("groups.json: comm groups.tp: 99 is not a rank"), std::string::npos);
  EXPECT_NE(testing::error_of([&] { replay_traces({lonely}, 64, {}, plan, *backend); }).find("does not fit the 16 XPUs"), std::string::npos);
}

}  // namespace aifabric

namespace aifabric {

// A SimAI workload of one all-reduce over 16 ranks (AICB's micro-benchmark shape) takes the backend's time for that
// all-reduce; a two-layer TP 8 x DP 2 step runs every layer's collectives and its weight-gradient traffic after
// the backward compute that frees it, and no rank finishes before its compute plus the collectives it waits for.
TEST(Simai, WorkloadsReplayAsSimaiRunsThem) {
  const Plan& plan = two_dgx();
  auto backend = make_backend("analytic", plan, {});
  const SimaiWorkload micro = read_simai_file(testing::source_path("tests/data/simai/micro-allreduce-16.txt"));
  EXPECT_EQ(micro.all_gpus, 16);
  const TraceReplayResult m = replay_traces(simai_traces(micro), 16, simai_groups(micro), plan, *backend);
  Communicator c;
  for (uint32_t i = 0; i < 16; ++i) c.xpus.push_back(i);
  c.xpus_per_server = 8;
  EXPECT_EQ(m.makespan, backend->run(build_schedule(CollectiveKind::AllReduce, Algorithm::Nccl, c, 1 << 20, plan.fabric)).time);

  const SimaiWorkload w = read_simai_file(testing::source_path("tests/data/simai/gpt-2layer-tp8-dp2.txt"));
  const TraceReplayResult r = replay_traces(simai_traces(w), 16, simai_groups(w), plan, *backend);
  // Compute: forward 150 + 300 us, backward 600 + 300 (MLP) and 300 + 150 (attention): 1.8 ms on every rank.
  for (const Picoseconds p : r.compute) EXPECT_EQ(p.count(), 1'800'000'000);
  int64_t tp_ops = 0, dp_ops = 0;
  Picoseconds tp_each{0};
  for (const TraceCollective& op : r.collectives) {
    if (op.group_size == 8) { tp_ops += op.count; tp_each = op.each; }
    else dp_ops += op.count;
  }
  EXPECT_EQ(tp_ops, 4 * 2);  // 4 TP all-reduces per step, on each of the 2 TP groups
  EXPECT_EQ(dp_ops, 2 * 8);  // 2 weight-gradient collectives per step, on each of the 8 DP groups
  // The critical path is at least the forward and backward chain: compute plus its 4 waited-for all-reduces.
  EXPECT_GE(r.makespan, Picoseconds(1'800'000'000) + tp_each * 4);
}

TEST(Simai, WorkloadsRoundTripAndBadOnesAreLocated) {
  const SimaiWorkload w = read_simai_file(testing::source_path("tests/data/simai/gpt-2layer-tp8-dp2.txt"));
  const SimaiWorkload back = parse_simai(serialize_simai(w), "back.txt");
  EXPECT_EQ(serialize_simai(back), serialize_simai(w));
  ASSERT_EQ(back.layers.size(), 2u);
  EXPECT_EQ(back.layers[1].wg.kind, CollectiveKind::AllGather);
  EXPECT_EQ(back.layers[1].wg.group, "dp");
  EXPECT_EQ(back.layers[0].fwd.group, "tp");
  EXPECT_EQ(back.tp, 8);
  const std::string head = "HYBRID_TRANSFORMER_FWD_IN_BCKWD model_parallel_NPU_group: 8 ep: 1 pp: 1 vpp: 1 ga: 1 all_gpus: 16\n1\n";
  EXPECT_NE(testing::error_of([&] { parse_simai(head + "l -1 1.5 NONE 0 0 NONE 0 0 NONE 0 0\n", "w.txt"); }).find("w.txt:3:6: forward compute: '1.5' is not a plain integer"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] { parse_simai(head + "l -1 1 NONE 0 0 NONE 0 0 NONE 0\n", "w.txt"); }).find("w.txt:3:1: layer: 11 columns; expected 12"), std::string::npos);
  EXPECT_NE(testing::error_of([&] { parse_simai(head + "l -1 1 ALLREDUCE_XY 4 0 NONE 0 0 NONE 0 0\n", "w.txt"); }).find("w.txt:3:8: forward comm: 'ALLREDUCE_XY'"),
            std::string::npos);
  EXPECT_NE(testing::error_of([&] { parse_simai("HYBRID_DLRM model_parallel_NPU_group: 8\n0\n", "w.txt"); }).find("w.txt:1:1: policy: 'HYBRID_DLRM'"), std::string::npos);
  EXPECT_NE(testing::error_of([&] { parse_simai("HYBRID_TRANSFORMER model_parallel_NPU_group: 8 pp: 2 all_gpus: 16\n0\n", "w.txt"); }).find("pp 2"), std::string::npos);
  EXPECT_NE(testing::error_of([&] { parse_simai(head + "l -1 1 NONE 0 0 NONE 0 0 ALLREDUCE_EP 64 0\n", "w.txt"); }).find("a ep group of one rank"), std::string::npos);
  EXPECT_NE(testing::error_of([&] { parse_simai(head, "w.txt"); }).find("w.txt:3:1: layers: line 2 promises 1 layer lines"), std::string::npos);
}

}  // namespace aifabric
