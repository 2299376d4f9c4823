// The packet engine against first principles: line-rate streaming and exact completion times, byte
// conservation, ECMP collisions versus spraying, incast fairness and loss.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/units.h"
#include "net/packet_sim.h"
#include "net/traffic.h"
#include "packet_test_support.h"
#include "test_support.h"

namespace aifabric {
using testing::fixed_delays;
using testing::kIbOverhead;
using testing::kIbPacket;
using testing::jain_index;
using testing::last_finish;
using testing::plan_from;
using testing::run_traffic;

namespace {

const char* const k128 = testing::kLeafSpine128;

void expect_conserved(const PacketSimResult& r) {
  EXPECT_TRUE(r.all_done);
  EXPECT_EQ(r.bytes_delivered, r.bytes_offered) << "every byte delivered exactly once";
}

}  // namespace

// One flow between leaves on an idle fabric: the NIC streams back to back. QM9700s cut through: a packet leaves
// each switch once its header (H) is in, so the last byte arrives at (N-1) F + S_last + 4 D + 3 (L + H). Stored and
// forwarded instead, the short last packet cannot overtake its full-size predecessor at the three switches:
// (N-1) F + 3 F + S_last + 4 D + 3 L (F, S_last: serialisation of a full and of the last packet, D: link delay,
// L: switch latency).
TEST(PacketSim, OneFlowStreamsAtLineRateToThePicosecond) {
  Catalog stores = testing::shipped_catalog();
  std::ifstream in(testing::source_path("catalog/switches.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string entry = "  - name: quantum2-qm9700\n";
  ASSERT_NE(text.find(entry), std::string::npos);
  text.insert(text.find(entry) + entry.size(), "    forwarding: store-and-forward\n");
  stores.load_yaml(text, "store-and-forward.yaml");
  for (const bool cut_through : {true, false}) {
  const Plan p = cut_through ? plan_from(k128) : make_plan(testing::spec_from(k128), stores);
  ASSERT_EQ(p.fabric.tier[1].model->cut_through, cut_through);
  for (int64_t sw_ps : {int64_t{0}, int64_t{350'000}}) {
    PacketSimConfig c = fixed_delays();
    c.switch_latency_ps = sw_ps;
    c.ecn = false;
    c.initial_window_bytes = 16 << 20;  // never window-limited
    for (LoadBalancing lb : {LoadBalancing::Ecmp, LoadBalancing::Spraying}) {
      c.lb = lb;
      PacketSim sim(p, c);
      const int64_t bytes = (4 << 20) + 1000;  // last packet 1,000 bytes of payload
      sim.add_flow({0, 64, bytes, Picoseconds(0)});  // NIC 0 (leaf 0) -> NIC 64 (leaf 2)
      const PacketSimResult r = sim.run();
      expect_conserved(r);
      const int64_t n = (bytes + 4095) / 4096;
      const int64_t full = serialisation_time(kIbPacket, gbps(400)).count();
      const int64_t last = serialisation_time(1000 + kIbOverhead, gbps(400)).count();
      const int64_t head = serialisation_time(kIbOverhead, gbps(400)).count();
      const int64_t expect = cut_through ? (n - 1) * full + last + 4 * 1'000'000 + 3 * (sw_ps + head)
                                         : (n - 1) * full + 3 * full + last + 4 * 1'000'000 + 3 * sw_ps;
      EXPECT_EQ(r.flows[0].finish.count(), expect) << "switch latency " << sw_ps << (cut_through ? ", cut-through" : ", store-and-forward");
      EXPECT_EQ(r.drops, 0);
    }
  }
  }
}

// A long flow's goodput is the line rate times the payload fraction, less only the path latency.
TEST(PacketSim, LongFlowReachesLineRateTimesPayloadFraction) {
  const Plan p = plan_from(k128);
  PacketSimConfig c = fixed_delays();
  c.ecn = false;
  c.initial_window_bytes = 16 << 20;
  PacketSim sim(p, c);
  sim.add_flow({0, 64, int64_t{64} << 20, Picoseconds(0)});
  const PacketSimResult r = sim.run();
  expect_conserved(r);
  const double line = 400.0 * 4096 / kIbPacket;
  EXPECT_NEAR(r.flows[0].goodput_gbps(), line, 0.01 * line);
  EXPECT_LE(r.flows[0].goodput_gbps(), line);
}

TEST(PacketSim, EcmpCollidesSprayingFillsTheBisection) {
  const Plan p = plan_from(k128);
  auto run = [&](LoadBalancing lb) {
    PacketSimConfig c = fixed_delays();
    c.lb = lb;
    return run_traffic(p, c, "permutation", 1 << 20, 3);
  };
  const PacketSimResult ecmp = run(LoadBalancing::Ecmp);
  const PacketSimResult spray = run(LoadBalancing::Spraying);
  const PacketSimResult adaptive = run(LoadBalancing::Adaptive);
  expect_conserved(ecmp);
  expect_conserved(spray);
  expect_conserved(adaptive);
  // Against full bisection: on a non-blocking fabric every flow could finish as if alone, at
  // (N-1) F + 3 F + S_last + 4 D (N packets of serialisation F, three store-and-forward switches, four links).
  // The share is that time over the time the last flow actually took.
  auto share = [](const PacketSimResult& r) {
    const int64_t packets = (1 << 20) / 4096;
    const int64_t full = serialisation_time(kIbPacket, gbps(400)).count();
    const double alone = static_cast<double>((packets + 3) * full + 4 * 1'000'000);
    return alone / static_cast<double>(last_finish(r).count());
  };
  EXPECT_LT(share(ecmp), 0.6) << "hash collisions on leaf uplinks and spine downlinks";
  EXPECT_GT(share(spray), 0.95) << "within a few percent of full bisection";
  EXPECT_GT(share(adaptive), 0.95);
  EXPECT_EQ(spray.drops, 0);
  EXPECT_GT(share(spray), 1.5 * share(ecmp));
}

TEST(PacketSim, IncastLosslessVersusSmallBuffers) {
  const Plan p = plan_from(k128);
  // 16:1 incast into one 400G NIC with ECN, lossless queues: nothing dropped, ECN marks, every byte once,
  // and the last byte no sooner than the receiver's link allows (16 x 2 MiB at line rate).
  PacketSimConfig c = fixed_delays();
  c.lossless = true;
  const PacketSimResult a = run_traffic(p, c, "incast:16", 2 << 20, 1);
  expect_conserved(a);
  EXPECT_EQ(a.drops, 0);
  EXPECT_GT(a.ecn_marks, 0);
  const double floor_s = 16.0 * (2 << 20) * 8 / (400e9 * 4096 / kIbPacket);
  EXPECT_GE(last_finish(a).seconds(), floor_s);
  EXPECT_LT(last_finish(a).seconds(), 1.1 * floor_s) << "the receiver's link stays busy";
  EXPECT_GT(jain_index(a), 0.95) << "fair shares";
  // No ECN and a 32 KiB buffer: drops, and selective retransmission still delivers every byte once.
  PacketSimConfig small = fixed_delays();
  small.ecn = false;
  small.port_buffer_bytes = 32 << 10;
  const PacketSimResult b = run_traffic(p, small, "incast:16", 2 << 20, 1);
  expect_conserved(b);
  EXPECT_GT(b.drops, 0);
  EXPECT_GT(b.retransmits, 0);
  EXPECT_EQ(b.trims, b.drops) << "every overflow trimmed to a header, not lost silently";
  EXPECT_EQ(b.nacks, b.trims) << "the receiver asks once per trimmed header";
  // Without trimming a drop is seen only by loss detection or a timeout: the same incast ends later.
  small.trim = false;
  const PacketSimResult d = run_traffic(p, small, "incast:16", 2 << 20, 1);
  expect_conserved(d);
  EXPECT_EQ(d.trims, 0);
  EXPECT_GT(d.drops, 0);
  const Picoseconds last_trimmed = last_finish(b), last_silent = last_finish(d);
  EXPECT_LT(last_trimmed, last_silent);
}

// A switch's ports share its buffer by dynamic thresholds: a port may hold alpha x the buffer still free, so
// one congested port alone settles at alpha / (1 + alpha) of it (Choudhury and Hahne). Without sharing, the
// same incast piles up past the whole buffer, up to the port's own (here much larger) limit.
TEST(PacketSim, SharedBufferDynamicThresholds) {
  const Plan p = plan_from(k128);
  PacketSimConfig c = fixed_delays();
  c.ecn = false;
  c.port_buffer_bytes = 64 << 20;
  c.shared_buffer_bytes = 1'000'000;
  const double packet = kIbPacket;
  for (const double alpha : {1.0, 3.0}) {
    c.buffer_alpha = alpha;
    const PacketSimResult r = run_traffic(p, c, "incast:16", 2 << 20, 1);
    expect_conserved(r);
    EXPECT_GT(r.drops, 0) << "alpha " << alpha;
    // The queue is sampled as each packet arrives, admitted or not: the last admitted packet may take it at most
    // one packet past the fixed point q = alpha (B - q).
    const double cap = alpha / (1 + alpha) * 1e6;
    const auto deepest = static_cast<double>(r.tiers[0].queue_max_bytes);
    EXPECT_LE(deepest, cap + packet) << "alpha " << alpha;
    EXPECT_GT(deepest, cap - 2 * packet) << "alpha " << alpha;
  }
  c.shared_buffer_bytes = -1;
  const PacketSimResult u = run_traffic(p, c, "incast:16", 2 << 20, 1);
  expect_conserved(u);
  EXPECT_EQ(u.drops, 0);
  EXPECT_GT(u.tiers[0].queue_max_bytes, 1'000'000);
}

TEST(PacketSim, SameSeedSameResultOtherSeedOtherPaths) {
  const Plan p = plan_from(k128);
  auto run = [&](uint64_t seed) {
    PacketSimConfig c = fixed_delays();
    c.seed = seed;
    return run_traffic(p, c, "permutation", 256 << 10, 9);
  };
  const PacketSimResult a = run(1), b = run(1), d = run(2);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.events, b.events);
  for (size_t i = 0; i < a.flows.size(); ++i) EXPECT_EQ(a.flows[i].finish, b.flows[i].finish);
  EXPECT_NE(a.events == d.events && a.end == d.end, true) << "another spraying seed takes other paths";
}

TEST(PacketSim, ThreeTierAndMultiPlaneDeliver) {
  const Plan three = plan_from("cluster: {server: dgx-h100, servers: 40}\nfabric: {topology: clos, switch: quantum2-qm9700, tiers: 3, pod_servers: 20}\n"
                               "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n");
  ASSERT_EQ(three.fabric.tiers, 3);
  const Plan planes = plan_from("cluster: {server: hgx-b300-800g, servers: 16}\nfabric: {switch: th5-64x800g-osfp, planes: 2}\n"
                                "layout: {servers_per_rack: 2}\npower: {rack_power_limit_kw: 60}\n");
  for (const Plan* p : {&three, &planes}) {
    for (LoadBalancing lb : {LoadBalancing::Ecmp, LoadBalancing::Spraying, LoadBalancing::Adaptive, LoadBalancing::Flowlet}) {
      PacketSimConfig c = fixed_delays();
      c.lb = lb;
      expect_conserved(run_traffic(*p, c, "permutation", 128 << 10, 5));
    }
  }
}

TEST(Traffic, PatternsAndFlowFile) {
  const auto perm = make_traffic("permutation", 100, 1000, 1);
  ASSERT_EQ(perm.size(), 100u);
  std::vector<int> in(100, 0);
  for (const auto& f : perm) { EXPECT_NE(f.src, f.dst); ++in[f.dst]; }
  for (int c : in) EXPECT_EQ(c, 1) << "a permutation: every NIC receives exactly one flow";
  EXPECT_EQ(make_traffic("incast:7", 100, 1000, 1).size(), 7u);
  EXPECT_EQ(make_traffic("alltoall:5", 100, 1000, 1).size(), 20u);
  EXPECT_THROW(make_traffic("incast:0", 100, 1000, 1), InputError);
  EXPECT_THROW(make_traffic("butterfly", 100, 1000, 1), InputError);
}

}  // namespace aifabric

namespace aifabric {

// 16:1 incast over RoCEv2 with DCQCN: PFC on, nothing dropped and fair shares; PFC off with a small buffer,
// drops and go-back-N retransmissions.
TEST(PacketSim, RoceDcqcnIncastWithAndWithoutPfc) {
  const Plan p = plan_from(k128);
  PacketSimConfig c = fixed_delays();
  c.transport = TransportKind::RoceDcqcn;
  c.lb = LoadBalancing::Ecmp;
  c.pfc = true;
  const PacketSimResult a = run_traffic(p, c, "incast:16", 2 << 20, 1);
  expect_conserved(a);
  EXPECT_EQ(a.drops, 0);
  EXPECT_GT(a.pauses, 0);
  EXPECT_GT(a.paused_time.count(), 0);
  EXPECT_GT(a.cnps, 0);
  EXPECT_GT(jain_index(a), 0.95);
  // The receiver's link is the bottleneck: the last byte cannot land before 16 x 2 MiB at line rate.
  const double floor_s = 16.0 * (2 << 20) * 8 / (400e9 * 4096 / kIbPacket);
  EXPECT_GE(last_finish(a).seconds(), floor_s);

  PacketSimConfig lossy = c;
  lossy.pfc = false;
  lossy.ecn = false;
  lossy.port_buffer_bytes = 32 << 10;
  const PacketSimResult b = run_traffic(p, lossy, "incast:16", 2 << 20, 1);
  expect_conserved(b);
  EXPECT_GT(b.drops, 0);
  EXPECT_GT(b.retransmits, 0);
  EXPECT_EQ(b.pauses, 0);
}

// PFC headroom: between XOFF and the pause taking effect upstream, a link delivers its rate over two link delays
// and the pause frame's serialisation, plus the packet leaving when the pause lands and the one that crossed XOFF
// (400G, 1 us links: 100,065 + 2 x 4,122 B). With that headroom a 16:1 incast drops nothing; with 90% of it,
// packets drop at the ingress that overflows (the arithmetic is tight), and every byte still arrives once.
TEST(PacketSim, PfcHeadroomHoldsOrDrops) {
  const Plan p = plan_from(k128);
  PacketSimConfig c = fixed_delays();
  c.transport = TransportKind::RoceDcqcn;
  c.lb = LoadBalancing::Ecmp;
  c.pfc = true;
  const int64_t needed = static_cast<int64_t>(400e9 / 8 * (2 * 1e-6 + 64 * 8 / 400e9)) + 2 * kIbPacket;
  c.pfc_headroom_bytes = needed;
  const PacketSimResult held = run_traffic(p, c, "incast:16", 2 << 20, 1);
  expect_conserved(held);
  EXPECT_EQ(held.drops, 0);
  EXPECT_GT(held.pauses, 0);
  c.pfc_headroom_bytes = needed * 9 / 10;
  const PacketSimResult overflowed = run_traffic(p, c, "incast:16", 2 << 20, 1);
  expect_conserved(overflowed);
  EXPECT_GT(overflowed.drops, 0);
  EXPECT_GT(overflowed.retransmits, 0);
}

// PFC thresholds come from each switch's catalog entry (Spectrum-4: Cumulus Linux's xoff_size 10,000 B and
// xon_delta 2,000 B): a 16:1 incast on SN5600 leaves runs exactly as with those thresholds configured by hand, and
// otherwise than with the engine's default (half the port buffer), which pauses later and so less often.
TEST(PacketSim, PfcThresholdsComeFromTheCatalog) {
  const Plan p = plan_from("cluster: {server: dgx-h100, servers: 16}\nfabric: {topology: clos, switch: spectrum4-sn5600, tiers: 2}\n"
                           "layout: {servers_per_rack: 4, racks_per_row: 8}\npower: {rack_power_limit_kw: 45}\n");
  const SwitchModel* sn5600 = p.fabric.tier[1].model;
  ASSERT_EQ(sn5600->name, "spectrum4-sn5600");
  PacketSimConfig c = fixed_delays();
  c.transport = TransportKind::RoceDcqcn;
  c.lb = LoadBalancing::Ecmp;
  c.pfc = true;
  const PfcThresholds t = pfc_thresholds(sn5600, c, 1 << 20, testing::kRocePacket);
  EXPECT_TRUE(t.from_catalog);
  EXPECT_EQ(t.xoff, 10000);
  EXPECT_EQ(t.xon, 8000);
  const PacketSimResult from_catalog = run_traffic(p, c, "incast:16", 2 << 20, 1);
  PacketSimConfig by_hand = c;
  by_hand.pfc_xoff_bytes = 10000;
  by_hand.pfc_xon_bytes = 8000;
  const PacketSimResult configured = run_traffic(p, by_hand, "incast:16", 2 << 20, 1);
  expect_conserved(from_catalog);
  EXPECT_EQ(from_catalog.drops, 0);
  EXPECT_EQ(from_catalog.pauses, configured.pauses);
  EXPECT_EQ(from_catalog.events, configured.events);
  EXPECT_EQ(last_finish(from_catalog), last_finish(configured));
  // Without the catalog's figures: XOFF at half the port buffer (one BDP), XON two packets below.
  SwitchModel bare = *sn5600;
  bare.pfc_xoff_bytes = bare.pfc_xon_delta_bytes = 0;
  const PfcThresholds d = pfc_thresholds(&bare, c, 1 << 20, testing::kRocePacket);
  EXPECT_FALSE(d.from_catalog);
  EXPECT_EQ(d.xoff, 1 << 19);
  EXPECT_EQ(d.xon, (1 << 19) - 2 * testing::kRocePacket);
  Plan q = p;
  for (int tier = 1; tier <= q.fabric.tiers; ++tier) q.fabric.tier[tier].model = &bare;
  const PacketSimResult defaulted = run_traffic(q, c, "incast:16", 2 << 20, 1);
  expect_conserved(defaulted);
  EXPECT_LT(defaulted.pauses, from_catalog.pauses);
}

// Spraying's fresh entropy per packet loads the spines unevenly hop by hop; REPS reuses the entropies whose acks
// came back unmarked and so keeps to the paths that were not congested: on a non-blocking permutation its last
// flow finishes before spraying's, and no earlier than the ideal round robin's.
// (Every packet acked, so every unmarked entropy comes back: with coalesced acks only the one that triggers each
// ack does, as in htsim, and recycling has too little to work with on flows this short.)
TEST(PacketSim, RepsRecyclesUnmarkedEntropies) {
  const Plan p = plan_from(k128);
  auto last = [&](LoadBalancing lb) {
    PacketSimConfig c = fixed_delays();
    c.ack_coalesce_bytes = 0;
    c.lb = lb;
    const PacketSimResult r = run_traffic(p, c, "permutation", 4 << 20, 1);
    expect_conserved(r);
    return last_finish(r).count();
  };
  const int64_t spraying = last(LoadBalancing::Spraying), reps = last(LoadBalancing::Reps), ideal = last(LoadBalancing::RoundRobin);
  EXPECT_LT(reps, spraying);
  EXPECT_GE(reps, ideal);
}

// Coalesced acks: a flow of n packets on one path (no reordering, no marks, never window-limited) is acked for its
// first packet, then once per four packets after it (16 KiB), the last group closed by the flow's last packet:
// 1 + ceil((n - 1) / 4). The last ack leaves with the last packet either way, so the sender is done at the same time.
TEST(PacketSim, AcksCoalesceEverySixteenKibAndOnTheLastPacket) {
  const Plan p = plan_from(k128);
  const int64_t bytes = (4 << 20) + 1000;
  const int64_t n = (bytes + 4095) / 4096;  // 1,025 packets
  auto run = [&](int64_t coalesce) {
    PacketSimConfig c = fixed_delays();
    c.ecn = false;
    c.initial_window_bytes = 16 << 20;
    c.max_window_factor = 1000;
    c.ack_coalesce_bytes = coalesce;
    PacketSim sim(p, c);
    sim.add_flow({0, 1, bytes, Picoseconds(0)});  // NICs 0 and 1 share a leaf: one path
    return sim.run();
  };
  const PacketSimResult every = run(0), coalesced = run(16384);
  expect_conserved(every);
  expect_conserved(coalesced);
  EXPECT_EQ(every.ack_packets, n);
  EXPECT_EQ(coalesced.ack_packets, 1 + (n - 1 + 3) / 4);
  EXPECT_EQ(coalesced.flows[0].acked.count(), every.flows[0].acked.count());
  EXPECT_EQ(coalesced.retransmits, 0);
}

// A window-limited sender asks for an ack with the packet that fills its window, so a coalescing receiver never
// leaves it waiting for a timeout (a window of three packets here, under the four an ack waits for).
TEST(PacketSim, AckRequestsKeepAWindowLimitedFlowOffTheTimer) {
  const Plan p = plan_from(k128);
  PacketSimConfig c = fixed_delays();
  c.ecn = false;
  c.max_window_factor = 0.03;  // of the fabric's BDP: three packets
  c.ack_coalesce_bytes = 16384;
  PacketSim sim(p, c);
  sim.add_flow({0, 64, 256 << 10, Picoseconds(0)});
  const PacketSimResult r = sim.run();
  expect_conserved(r);
  EXPECT_EQ(r.retransmits, 0);
  EXPECT_EQ(r.spurious_timeouts, 0);
  EXPECT_LT(r.ack_packets, r.data_packets);
}

// Selective acks: in a 16-to-1 incast with small buffers, trimmed packets leave holes the cumulative point waits
// at; the 64-packet bitmap tells the sender what arrived above them, so it resends what was cut and (almost)
// nothing else: duplicates stay under 0.1% of the bytes (with the cumulative point alone, 3.5% here).
TEST(PacketSim, SelectiveAcksResendOnlyWhatWasCut) {
  const Plan p = plan_from(k128);
  PacketSimConfig c = fixed_delays();
  c.lb = LoadBalancing::Spraying;
  c.ack_coalesce_bytes = 16384;
  c.port_buffer_bytes = 32 << 10;
  c.shared_buffer_bytes = -1;
  const PacketSimResult r = run_traffic(p, c, "incast:16", 1 << 20, 1);
  expect_conserved(r);
  ASSERT_GT(r.trims, 1000);
  EXPECT_LT(r.duplicate_bytes * 1000, r.bytes_offered);
}

// RoCE's go-back-N over per-packet spraying: reordering becomes NACKs and resends; every byte still once.
TEST(PacketSim, RoceOverSprayingReorders) {
  const Plan p = plan_from(k128);
  PacketSimConfig c = fixed_delays();
  c.transport = TransportKind::RoceDcqcn;
  c.lb = LoadBalancing::Spraying;
  c.pfc = true;
  const PacketSimResult r = run_traffic(p, c, "permutation", 256 << 10, 2);
  expect_conserved(r);
  EXPECT_GT(r.nacks, 0);
  EXPECT_GT(r.duplicate_bytes, 0);
}

}  // namespace aifabric
