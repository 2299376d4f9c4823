// Packet-level engine: ports serialise at line rate, links add delay, switches route by ECMP / spraying /
// flowlet / adaptive choice and mark ECN; a spraying transport acks every packet and retransmits selectively.
// The hot path allocates nothing per packet or event: packets live in a pool, events in a reused heap.
#include "net/packet_sim.h"

#include "topo/route_weights.h"
#include "topo/wire_format.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <memory>
#include <unordered_map>

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/rng.h"
#include "net/cell_fabric.h"
#include "net/entropy_recycling.h"
#include "net/flow_precedence.h"
#include "sim/simulator.h"

namespace aifabric {

namespace {

enum EventKind : uint32_t { kPfc = 0, kTxDone = 1, kArrive = 2, kFlowStart = 3, kRto = 4, kPace = 5, kDcqcn = 6, kFail = 12, kTimedDone = 13 };  // 7-11: the cell fabric's
enum PacketType : uint8_t { kData = 0, kAck = 1, kNack = 2, kCnp = 3, kTrimmed = 4 };  // trimmed: a data header whose payload was cut
constexpr uint32_t kPauseBit = 0x80000000u;
constexpr uint8_t kCe = 1, kEce = 2, kAr = 4;  // congestion experienced, its echo, ack request
constexpr uint32_t kNone = 0xffffffffu;
constexpr int kMaxBackoff = 6;  // timeouts back off to 64 x RTO; one more and the flow is abandoned
// Packets, ports and flows are cold when their event comes (tens of thousands of events pass between a
// packet's scheduling and its arrival): the run loop fetches what an event will touch this many events ahead,
// in two stages (the packet first, then, with the packet in cache, its next port or its flow).
constexpr size_t kFetchPacketAhead = 16, kFetchNextAhead = 8, kFetchLastAhead = 3;

// One cache line per packet, so touching a packet costs one miss.
struct alignas(64) Packet {
  uint32_t flow = 0;
  uint32_t seq = 0;
  uint32_t node = 0;      // where it arrives next
  uint32_t in_port = 0xffffffffu;  // the port that sent it to `node` (its ingress there, for PFC)
  int64_t sent_at = 0;    // data: when the sender sent it; ack: echoed from the data packet (RTT samples)
  uint32_t entropy = 0;   // path choice input (per flow, flowlet or packet)
  uint32_t dst = 0;       // the NIC it goes to (data: the flow's destination; control: its source)
  uint32_t next = kNone;  // the packet behind it in its port's queue, or in the free list
  uint32_t out_hint = kNone;  // the output port at `node`, when routed ahead of its arrival (prefetching)
  uint16_t size = 0;      // on the wire
  uint16_t plane = 0;
  uint8_t type = kData;
  uint8_t flags = 0;
  uint32_t cum = 0;       // spray ack: every packet below this one has arrived (cumulative)
  uint64_t sack = 0;      // spray ack: bit k = packet sack_base(seq) + k has arrived (selective)
};
static_assert(sizeof(Packet) == 64);

// The first packet a selective ack's bitmap covers: the 64 packets below the packet that triggered it.
constexpr uint32_t sack_base(uint32_t seq) { return seq >= 64 ? seq - 64 : 0; }

// What forwarding touches of a port, in one cache line; the rest (counters, PFC, failure) is in PortStats.
// Queues are lists threaded through the packets (or, at a NIC, through its ready flows), so a packet that
// finds its port idle goes straight on the wire without touching any queue memory.
struct alignas(64) Port {
  int64_t free_at = 0;          // when the packet on the wire (if any) has left
  int64_t queued = 0;           // data bytes waiting
  int64_t tx_bytes = 0;
  uint32_t to = 0;
  uint32_t delay_ps = 0;        // propagation (+ module latency) + the receiving switch's latency
  uint32_t ser_data = 0, ser_ack = 0;
  uint32_t head = kNone, tail = kNone;    // switch port: data packets waiting; NIC port: flows ready to send
  uint32_t chead = kNone, ctail = kNone;  // control packets (acks, NACKs, CNPs), served first
  uint8_t tier = 0;
  bool to_nic = false;
  bool txdone_pending = false;  // a TxDone event is scheduled (only while packets wait behind the one on the wire)
  bool from_switch = false;
  bool paused = false;          // PFC: the downstream ingress asked this port to stop sending data
  bool dead = false;            // failed: nothing is queued on it or routed to it
  uint16_t head_ps = 0;         // cut-through at the far end: the header's serialisation (0 = it stores the whole packet)
};
static_assert(sizeof(Port) == 64);

struct PortStats {
  int64_t bps = 0;
  int64_t marks = 0, drops = 0;
  // PFC: this port is the upstream of an ingress at `to`; `held` counts its data still buffered there.
  bool pause_requested = false;
  int64_t held = 0, paused_since = 0, paused_total = 0, pauses = 0;
  int64_t xoff = 0, xon = 0;    // PFC thresholds of the ingress this port feeds (its far end's switch)
  uint32_t dead_by = 0;         // which failure took the port down
};

// Most a port's delay or serialisation may be (kept in 32 bits): 4.29 ms, far beyond any data-centre link.
constexpr int64_t kMaxPortPs = 0xffffffffLL;

// Three bits per packet of a flow (acknowledged, received, resent), interleaved by 64 packets so that one
// cache line holds all three for a packet.
enum PacketBit : uint32_t { kAcked = 0, kReceived = 1, kResent = 2 };
class PacketBits {
 public:
  void resize(uint32_t packets) { words_.assign(3 * static_cast<size_t>((packets + 63) / 64), 0); }
  bool test(PacketBit b, uint32_t i) const { return (words_[3 * (i >> 6) + b] >> (i & 63)) & 1; }
  void set(PacketBit b, uint32_t i) { words_[3 * (i >> 6) + b] |= uint64_t{1} << (i & 63); }
  const void* address(uint32_t i) const { return &words_[3 * (i >> 6)]; }  // for prefetching
  // Bit k = bit b of packet from + k, for the packets [from, to) (at most 64).
  uint64_t range(PacketBit b, uint32_t from, uint32_t to) const {
    if (to <= from) return 0;
    const uint32_t w = from >> 6, o = from & 63, n = to - from;
    uint64_t v = words_[3 * w + b] >> o;
    if (o != 0 && 3 * (w + 1) + b < words_.size()) v |= words_[3 * (w + 1) + b] << (64 - o);
    return n >= 64 ? v : v & ((uint64_t{1} << n) - 1);
  }

 private:
  std::vector<uint64_t> words_;
};

// Per flow, sender and receiver state; what every ack and data arrival touches comes first (the lines the run
// loop prefetches), the counters and the RoCE/DCQCN state after.
struct alignas(64) Flow {
  uint32_t src = 0, dst = 0;
  uint32_t npkts = 0, last_payload = 0;
  uint32_t next_seq = 0, acked_count = 0;
  uint32_t una = 0, rack_scan = 0;  // lowest unacknowledged packet; where loss detection has looked up to
  uint32_t rcv_next = 0, entropy = 0;
  uint32_t plane_rr = 0, spray_seq = 0;
  uint32_t next = kNone;         // the flow behind it in its NIC port's list of ready flows
  int rto_backoff = 0;           // consecutive timeouts double the next one (RFC 6298 5.5)
  PacketBits bits;               // acked, received, resent per packet
  std::vector<uint32_t> rtx;     // packets to resend, from rtx_head on
  int64_t bytes = 0, delivered = 0;
  int64_t inflight = 0, cwnd = 0;
  int64_t unacked = 0;           // spray transport: payload sent once or more and not yet acknowledged
  int64_t last_progress = 0;
  int64_t srtt = 0, rttvar = 0;  // RFC 6298 estimators; 0 = no sample yet
  int64_t rto_at = -1, cwnd_before_rto = 0;  // the last timeout, to undo it if it proves spurious
  int64_t last_delay_cut = -1;
  int64_t next_send = 0;
  size_t rtx_head = 0;
  TimerHandle rto;
  bool done = false, sender_done = false;
  bool registered = false;       // waiting in a NIC port's list of ready flows
  bool pace_pending = false, dcqcn_armed = false;
  int64_t packets = 0, retransmits = 0, echoes = 0, cnps = 0;
  int64_t start = 0, finish = 0;
  int64_t acked_at = -1;         // the last ack arrived
  int64_t losses_detected = 0;
  uint32_t flowlet = 0;
  int64_t last_tx = -1;
  int64_t rx_unacked = 0;        // spray receiver: payload arrived since its last ack
  uint32_t rx_ar = 0;            // spray receiver: one past the highest packet that asked for an ack
  // RoCE / DCQCN.
  uint32_t nacked_at = 0xffffffffu;
  double rate = 0, target = 0, rp_alpha = 1.0;
  int timer_stage = 0, byte_stage = 0;
  int64_t bytes_since_increase = 0, last_cnp_at_sender = -1, last_cnp_sent = -1'000'000'000'000;
};
constexpr size_t kFlowHotBytes = 256;  // the part of a Flow the run loop prefetches


}  // namespace

PfcThresholds pfc_thresholds(const SwitchModel* m, const PacketSimConfig& cfg, int64_t port_limit, int64_t packet_wire) {
  PfcThresholds t;
  const bool catalog = m != nullptr && m->pfc_xoff_bytes > 0;
  t.from_catalog = catalog && cfg.pfc_xoff_bytes <= 0;
  t.xoff = cfg.pfc_xoff_bytes > 0 ? cfg.pfc_xoff_bytes : catalog ? m->pfc_xoff_bytes : port_limit / 2;
  const int64_t delta = catalog && cfg.pfc_xoff_bytes <= 0 && m->pfc_xon_delta_bytes > 0 ? m->pfc_xon_delta_bytes : 2 * packet_wire;
  t.xon = cfg.pfc_xon_bytes > 0 ? std::min(cfg.pfc_xon_bytes, t.xoff) : std::max<int64_t>(0, t.xoff - delta);
  return t;
}

struct PacketSim::Impl final : CellFabricSink {
  const Plan& plan;
  const Fabric& f;
  PacketSimConfig cfg;
  Simulator sim;
  Rng rng;
  std::vector<Port> ports;
  std::vector<PortStats> port_stats;  // same index as ports
  int64_t port_limit = 0;             // bytes of data a port may hold (lossy mode)
  std::vector<int64_t> shared_size;   // per node: a switch's shared buffer (0: not shared)
  std::vector<int64_t> shared_used;   // per node: data bytes queued at the switch's ports
  bool sharing = false;               // lossy mode with shared buffers
  std::vector<int64_t> tier_max_queue;  // deepest queue seen at any port of each tier
  std::vector<Packet> pool;
  uint32_t free_head = kNone;
  int64_t live_packets = 0, peak_packets = 0;
  std::vector<Flow> flows;
  FlowPrecedence precedence;  // dependency-graph runs: flows that wait for others, timed flows on lanes
  EntropyRecycler reps;       // REPS: the entropies waiting to be reused
  // Routing tables.
  int64_t E = 0;
  // The plan's adjacency (fabric_index.h).
  const std::vector<uint32_t>& nic_link;                      // [plane * E + nic]
  const std::vector<uint32_t>& nic_leaf;                      // [plane * E + nic]: its leaf in that plane
  const std::vector<uint32_t>&up_begin, &up_links;            // per node: uplinks (tier >= 2), CSR
  const std::vector<std::pair<uint32_t, uint32_t>>& upsort;  // per node, same offsets: (upper, link), sorted
  const std::vector<uint32_t>& pod;                           // 3-tier: pod key of leaves and spines
  std::vector<uint8_t> node_is_nic;
  std::vector<uint32_t> coredown_begin;                // per core: (pod, link) sorted
  std::vector<std::pair<uint32_t, uint32_t>> coredown;
  std::vector<std::array<int64_t, 64>> qhist;          // per tier: log2 histogram of queue depth at enqueue
  std::array<int64_t, 64> qhist_fabric{};              // the cell fabric's links (merged into tier 2)
  int64_t base_rtt_ps = 0;
  std::unique_ptr<CellFabric> cells;  // switch-scheduled designs: the cell fabric between leaf elements
  int64_t reordered = 0;              // data packets reaching a receiver ahead of a missing predecessor
  // Failures: whether any link is down, what each failure cost, and the lost data packets not yet delivered
  // again ((flow << 32 | seq) -> failure), to time the recovery.
  bool any_dead = false;
  std::vector<FailureImpact> impacts;
  std::vector<uint32_t> flow_hit;     // per flow: 1 + the last failure that cost it a packet (0 = none)
  std::unordered_map<uint64_t, uint32_t> lost_pending;
  std::vector<int64_t> lost_outstanding;
  std::vector<uint32_t> live_scratch;
  std::vector<std::pair<uint32_t, uint64_t>> weighted_scratch;  // (candidate port, cumulative weight)
  int64_t unroutable = 0, abandoned = 0;
  uint32_t last_failure = 0;
  int64_t target_rtt_ps = 0, max_window = 0, min_window = 0;  // spray transport: delay target and window bounds
  int64_t data_packets = 0, ack_packets = 0, drops = 0, marks = 0, retransmits = 0, duplicate_bytes = 0;
  int64_t ecn_kmin = 0, ecn_kmax = 0;
  int64_t data_wire_bytes = 0;  // a full data packet on the wire
  int64_t pauses = 0, cnps = 0, nacks = 0, trims = 0, spurious_timeouts = 0;
  bool trimming = false;
  int64_t adaptive_threshold = 0;  // bytes of extra queue before adaptive routing leaves the sprayed choice
  bool cycling = false;  // spraying / adaptive: data entropy counts up per flow
  int64_t line_bps = 0;
  // Sampling: bytes sent per tier since the start (running), next sampling time.
  std::vector<int64_t> tier_tx, tier_tx_at_last;
  int64_t next_sample = 0, last_sample = 0;
  std::vector<TierSample> samples;

  Impl(const Plan& p, const PacketSimConfig& c)
      : plan(p), f(p.fabric), cfg(c), rng(c.seed), nic_link(p.index.nic_link), nic_leaf(p.index.nic_leaf), up_begin(p.index.up_begin),
        up_links(p.index.up_links), upsort(p.index.up_sorted), pod(p.index.pod) {
    build();
  }

  // CellFabricSink: packets leaving the cell fabric go onto their egress host port.
  void deliver(uint32_t packet, uint32_t egress_port) override {
    Packet& p = pool[packet];
    p.node = f.links[egress_port / 2].upper.value();
    p.in_port = kNone;
    enqueue(egress_port, packet);
  }
  int64_t egress_backlog(uint32_t egress_port) const override { return ports[egress_port].queued; }
  void discard(uint32_t packet) override {
    if (any_dead) {  // a cell lost on a failed link took its packet with it
      lose_packet(packet, last_failure);
      return;
    }
    ++drops;
    free_packet(packet);
  }

  int64_t ser(int64_t bytes, int64_t bps) const { return serialisation_time(bytes, BitRate(bps)).count(); }

  void build() {
    if (cfg.header_bytes <= 0) cfg.header_bytes = wire_format(f).overhead_bytes;  // the fabric's link layer
    E = f.nic_count();
    const size_t L = f.links.size(), N = f.nodes.size();
    ports.resize(2 * L);
    port_stats.resize(2 * L);
    const int64_t data_wire = cfg.mtu_bytes + cfg.header_bytes;
    data_wire_bytes = data_wire;
    // A cut-through packet switch forwards once the header is in, unless a packet may leave faster than it came.
    std::vector<int64_t> fastest(N, 0);
    for (const Link& l : f.links) {
      fastest[l.lower.value()] = std::max<int64_t>(fastest[l.lower.value()], l.gbps);
      fastest[l.upper.value()] = std::max<int64_t>(fastest[l.upper.value()], l.gbps);
    }
    for (size_t i = 0; i < L; ++i) {
      const Link& l = f.links[i];
      int64_t delay = cfg.link_delay_ps;
      if (delay < 0) {
        const LinkChoice& ch = plan.choices[plan.link_choice[i]];
        delay = static_cast<int64_t>(std::llround(plan.link_length_m[i] * kPropagationPsPerMetre)) + ch.latency_ns * 1000;
      }
      for (int dir = 0; dir < 2; ++dir) {
        Port& pt = ports[2 * i + dir];
        pt.to = dir == 0 ? l.upper.value() : l.lower.value();
        pt.tier = l.tier;
        pt.to_nic = f.nodes[pt.to].role == NodeRole::Nic;
        pt.from_switch = f.nodes[dir == 0 ? l.lower.value() : l.upper.value()].role != NodeRole::Nic;
        const int64_t bps = static_cast<int64_t>(l.gbps) * 1'000'000'000;
        port_stats[2 * i + dir].bps = bps;
        const Node& to = f.nodes[pt.to];
        const int64_t sw = to.role == NodeRole::Nic ? 0 : (cfg.switch_latency_ps >= 0 ? cfg.switch_latency_ps : f.tier[to.tier].model->latency_ns * 1000);
        const int64_t ser_data = ser(data_wire, bps), ser_ack = ser(cfg.ack_bytes, bps);
        if (delay + sw > kMaxPortPs || ser_data > kMaxPortPs || delay + sw < 0) {
          throw InputError({}, "link delay", fmt::format("{} ps on link {} is out of range; expected at most {} ps (4.29 ms)", delay + sw, i, kMaxPortPs));
        }
        pt.delay_ps = static_cast<uint32_t>(delay + sw);
        pt.ser_data = static_cast<uint32_t>(ser_data);
        pt.ser_ack = static_cast<uint32_t>(ser_ack);
        const bool packet_switch = to.role == NodeRole::Leaf || to.role == NodeRole::Spine || to.role == NodeRole::Core;
        if (packet_switch && f.tier[to.tier].model->cut_through && l.gbps >= fastest[pt.to]) {
          pt.head_ps = static_cast<uint16_t>(std::clamp<int64_t>(ser(cfg.header_bytes, bps), 1, 65535));
        }
      }
    }
    if (f.architecture == Architecture::SwitchScheduled) {
      // Cells pay propagation and the fabric element's latency on the way up, propagation alone on the way
      // down (the leaf element's latency was charged as the packet entered it).
      std::vector<int64_t> cell_delay(2 * L, 0);
      for (size_t i = 0; i < L; ++i) {
        const Link& l = f.links[i];
        if (l.tier != 2) continue;
        const int64_t le_lat = cfg.switch_latency_ps >= 0 ? cfg.switch_latency_ps : f.tier[1].model->latency_ns * 1000;
        cell_delay[2 * i] = ports[2 * i].delay_ps;  // propagation + the fabric element's latency
        cell_delay[2 * i + 1] = ports[2 * i + 1].delay_ps - le_lat;
      }
      cells = std::make_unique<CellFabric>(f, plan.index, cell_delay, sim, cfg.cells, *this, qhist_fabric);
    }
    node_is_nic.assign(N, 0);
    for (size_t n = 0; n < N; ++n) node_is_nic[n] = f.nodes[n].role == NodeRole::Nic;
    if (f.tiers == 3) {  // per core: its links down, sorted by the pod they reach
      std::vector<uint32_t> c2(N + 1, 0);
      for (const Link& l : f.links) if (l.tier == 3) ++c2[l.upper.value() + 1];
      for (size_t i = 1; i <= N; ++i) c2[i] += c2[i - 1];
      coredown_begin = c2;
      coredown.assign(c2[N], {0, 0});
      std::vector<uint32_t> fill(c2.begin(), c2.end() - 1);
      for (uint32_t i = 0; i < L; ++i) {
        const Link& l = f.links[i];
        if (l.tier == 3) coredown[fill[l.upper.value()]++] = {pod[l.lower.value()], i};
      }
      for (size_t n = 0; n < N; ++n) std::sort(coredown.begin() + coredown_begin[n], coredown.begin() + coredown_begin[n + 1]);
    }
    qhist.assign(static_cast<size_t>(f.tiers + 1), {});
    tier_max_queue.assign(static_cast<size_t>(f.tiers + 1), 0);
    // Base RTT of the longest path: data out and ack back, through every tier, over each tier's longest link.
    int64_t one_way_data = 0, one_way_ack = 0;
    for (int t = 1; t <= f.tiers; ++t) {
      int64_t data = 0, ack = 0;
      for (size_t i = 0; i < L; ++i) {
        if (f.links[i].tier != t) continue;
        const Port& up = ports[2 * i];
        const Port& dn = ports[2 * i + 1];
        data = std::max<int64_t>(data, up.ser_data + up.delay_ps + dn.ser_data + dn.delay_ps);
        ack = std::max<int64_t>(ack, up.ser_ack + up.delay_ps + dn.ser_ack + dn.delay_ps);
      }
      one_way_data += data;
      one_way_ack += ack;
    }
    base_rtt_ps = one_way_data + one_way_ack;
    size_calendar();
    if (cells) base_rtt_ps += 4 * cells->control_latency_ps();  // a request and a grant before data, and again for the ack
    // A port's buffer is one bandwidth-delay product of a host link; a flow's window, of the whole NIC (a NIC
    // striping over P planes sends at P host links' rate).
    const int64_t host_bps = f.host_link_gbps * 1'000'000'000;
    const int64_t nic_bps = host_bps * f.planes;
    const int64_t port_bdp = static_cast<int64_t>(static_cast<double>(host_bps) / 8.0 * static_cast<double>(base_rtt_ps) * 1e-12);
    const int64_t bdp = port_bdp * f.planes;
    const int64_t limit = cfg.port_buffer_bytes > 0 ? cfg.port_buffer_bytes : std::max<int64_t>(port_bdp, 4 * data_wire);
    port_limit = limit;
    // Shared buffers: the switch's own (catalog, in MB) unless the configuration sets one for every switch.
    sharing = cfg.shared_buffer_bytes >= 0 && !cfg.lossless && !cfg.pfc;
    shared_size.assign(N, 0);
    shared_used.assign(N, 0);
    for (size_t n = 0; n < N && sharing; ++n) {
      const Node& nd = f.nodes[n];
      if (nd.role == NodeRole::Nic) continue;
      shared_size[n] = cfg.shared_buffer_bytes > 0 ? cfg.shared_buffer_bytes : f.tier[nd.tier].model->buffer_bytes();  // 0: per-port limits only
    }
    ecn_kmin = static_cast<int64_t>(cfg.ecn_kmin_fraction * static_cast<double>(limit));
    ecn_kmax = static_cast<int64_t>(cfg.ecn_kmax_fraction * static_cast<double>(limit));
    // NSCC (UET's congestion control) starts at its maximum window: max_window_factor x BDP.
    const int64_t max_bdp_window = std::max<int64_t>(cfg.mtu_bytes, static_cast<int64_t>(cfg.max_window_factor * static_cast<double>(bdp)));
    if (cfg.initial_window_bytes <= 0) cfg.initial_window_bytes = max_bdp_window;
    target_rtt_ps = static_cast<int64_t>(cfg.delay_target_factor * static_cast<double>(base_rtt_ps));
    min_window = std::max<int64_t>(1, cfg.mtu_bytes / 16);
    max_window = std::max(cfg.initial_window_bytes, max_bdp_window);
    for (size_t i = 0; cfg.pfc && i < ports.size(); ++i) {  // each ingress takes its own switch's thresholds
      const Link& l = f.links[i / 2];
      const Node& held_at = f.nodes[(i % 2 == 0 ? l.upper : l.lower).value()];
      if (held_at.role == NodeRole::Nic) continue;
      const PfcThresholds t = pfc_thresholds(f.tier[held_at.tier].model, cfg, limit, data_wire);
      port_stats[i].xoff = t.xoff;
      port_stats[i].xon = t.xon;
    }
    line_bps = nic_bps;
    cycling = cfg.lb == LoadBalancing::RoundRobin || cfg.lb == LoadBalancing::Adaptive;
    adaptive_threshold = static_cast<int64_t>(cfg.adaptive_threshold_packets) * data_wire;
    trimming = cfg.trim && cfg.transport == TransportKind::Spray && !cfg.lossless && !cfg.pfc;
    // RoCE NICs time out in milliseconds (4.096 us x 2^timeout; NCCL's default timeout of 18 is about a second):
    // 1 ms here, so queues under PFC do not look like loss. The spray transport detects loss itself (trimming,
    // RACK) and keeps a short timer for the tail.
    if (cfg.rto_ps <= 0) cfg.rto_ps = std::max<int64_t>(8 * base_rtt_ps, cfg.transport == TransportKind::RoceDcqcn ? 1'000'000'000 : 10'000'000);
  }

  // Calendar slots hold about 32 events when every port is busy (so sorting a slot stays cheap at any scale),
  // and the window spans two of the longest hops (so a packet's next event rarely waits outside it).
  void size_calendar() {
    if (ports.empty()) return;
    int64_t ser_min = INT64_MAX, hop_max = 1;
    for (const Port& pt : ports) {
      ser_min = std::min<int64_t>(ser_min, pt.ser_data);
      hop_max = std::max<int64_t>(hop_max, int64_t{pt.ser_data} + pt.delay_ps);
    }
    const double slot_ps = 32.0 * static_cast<double>(ser_min) / static_cast<double>(ports.size());
    const int slot_bits = std::clamp(static_cast<int>(std::floor(std::log2(std::max(1.0, slot_ps)))), 4, 12);
    const int wheel_bits = std::clamp(static_cast<int>(std::ceil(std::log2(2.0 * static_cast<double>(hop_max) / std::ldexp(1.0, slot_bits)))), 8, 16);
    sim.size_calendar(slot_bits, wheel_bits);
  }

  uint32_t alloc_packet() {
    if (free_head == kNone) {
      pool.emplace_back();
      ++live_packets;
      peak_packets = std::max(peak_packets, live_packets);
      return static_cast<uint32_t>(pool.size() - 1);
    }
    const uint32_t id = free_head;
    free_head = pool[id].next;
    ++live_packets;
    peak_packets = std::max(peak_packets, live_packets);
    return id;
  }
  void free_packet(uint32_t id) {
    pool[id].next = free_head;
    free_head = id;
    --live_packets;
  }

  // FIFO lists threaded through `items[id].next` (packets in a port queue, flows ready at a NIC port).
  template <class Items>
  static void list_push(Items& items, uint32_t& head, uint32_t& tail, uint32_t id) {
    items[id].next = kNone;
    if (head == kNone) head = id;
    else items[tail].next = id;
    tail = id;
  }
  template <class Items>
  static uint32_t list_pop(Items& items, uint32_t& head, uint32_t& tail) {
    const uint32_t id = head;
    head = items[id].next;
    if (head == kNone) tail = kNone;
    return id;
  }

  static bool has_eligible(const Port& pt) { return pt.chead != kNone || (pt.head != kNone && !pt.paused); }

  // Starts the next eligible packet (control first; data unless paused); false if none may go.
  bool start_tx(uint32_t pid_port) {
    Port& pt = ports[pid_port];
    uint32_t id;
    if (pt.chead != kNone) {
      id = list_pop(pool, pt.chead, pt.ctail);
    } else if (pt.head != kNone && !pt.paused && !pt.from_switch) {
      id = pull_from_ready_flows(pid_port);
      if (id == kNone) {
        pt.txdone_pending = false;
        return false;
      }
    } else if (pt.head != kNone && !pt.paused) {
      id = list_pop(pool, pt.head, pt.tail);
      pt.queued -= pool[id].size;
      leave_switch_buffer(pool[id]);
    } else {
      pt.txdone_pending = false;
      return false;
    }
    Packet& p = pool[id];
    const int64_t now = sim.now().count();
    const int64_t s = p.size == cfg.mtu_bytes + cfg.header_bytes ? pt.ser_data : p.size == cfg.ack_bytes ? pt.ser_ack : ser(p.size, port_stats[pid_port].bps);
    pt.tx_bytes += p.size;
    if (!tier_tx.empty()) tier_tx[pt.tier] += p.size;
    if (p.type == kData && !pt.from_switch) {
      // The NIC stamps a packet as it goes on the wire, and the retransmission timer runs from there.
      p.sent_at = now;
      Flow& fl = flows[p.flow];
      fl.last_progress = std::max(fl.last_progress, now);
    }
    p.node = pt.to;
    p.in_port = pid_port;
    p.out_hint = kNone;
    pt.free_at = now + s;
    // Into a cut-through switch the packet is there to forward once its header is: its tail follows at this
    // link's rate, and it leaves on a link no faster, so it never outruns itself.
    sim.schedule(Picoseconds(now + (pt.head_ps ? std::min<int64_t>(pt.head_ps, s) : s) + pt.delay_ps), kArrive, id);
    // The next packet starts when this one has left; an event is needed only if one is already waiting.
    pt.txdone_pending = has_eligible(pt);
    if (pt.txdone_pending) sim.schedule(Picoseconds(pt.free_at), kTxDone, pid_port);
    return true;
  }

  // A data packet leaves the buffer of the switch it waited in (p.node, not yet moved on): the shared buffer has
  // that much more free, and, with PFC, its ingress there holds less.
  void leave_switch_buffer(const Packet& p) {
    if (p.type != kData) return;
    if (sharing) shared_used[p.node] -= p.size;
    if (cfg.pfc && p.in_port != kNone) release_held(p.in_port, p.size);
  }

  // PFC: data from upstream port `in_port` left the buffer here; below XON the port may send again.
  void release_held(uint32_t in_port, int64_t bytes) {
    PortStats& up = port_stats[in_port];
    up.held -= bytes;
    if (up.pause_requested && up.held <= up.xon) {
      up.pause_requested = false;
      sim.schedule(Picoseconds(sim.now().count() + ports[in_port].delay_ps + ports[in_port].ser_ack), kPfc, in_port);
    }
  }

  // PFC headroom of the ingress fed by upstream port `in_port` (PacketSimConfig::pfc_headroom_bytes).
  int64_t pfc_headroom(uint32_t in_port) const {
    if (cfg.pfc_headroom_bytes > 0) return cfg.pfc_headroom_bytes;
    const Port& pt = ports[in_port];
    const double in_flight_ps = 2.0 * pt.delay_ps + pt.ser_ack;
    return static_cast<int64_t>(static_cast<double>(port_stats[in_port].bps) / 8 * in_flight_ps * 1e-12) + 2 * data_wire_bytes;
  }

  void on_pfc(uint32_t target) {
    Port& pt = ports[target & ~kPauseBit];
    PortStats& st = port_stats[target & ~kPauseBit];
    const bool pause = target & kPauseBit;
    const int64_t now = sim.now().count();
    if (pause == pt.paused) return;
    pt.paused = pause;
    if (pause) {
      st.paused_since = now;
      ++st.pauses;
      ++pauses;
      return;
    }
    st.paused_total += now - st.paused_since;
    kick(target & ~kPauseBit);
  }

  // Dynamic thresholds (Choudhury and Hahne): a port of a switch with a shared buffer takes a packet while its
  // queue stays within alpha x the buffer still free; one congested port alone can fill alpha / (1 + alpha) of it.
  bool shared_admits(uint32_t node, int64_t queued, int64_t bytes) const {
    if (!sharing || shared_size[node] <= 0) return true;
    const int64_t free_bytes = shared_size[node] - shared_used[node];
    return bytes <= free_bytes && static_cast<double>(queued + bytes) <= cfg.buffer_alpha * static_cast<double>(free_bytes);
  }

  // ECN as switches configure it: no mark below kmin, certain above kmax, linear up to pmax between.
  void maybe_mark(Packet& p, int64_t queued, uint32_t counted_at) {
    if (!cfg.ecn || p.type != kData || queued <= ecn_kmin) return;
    const bool mark = queued >= ecn_kmax ||
                      rng.uniform() < cfg.ecn_pmax * static_cast<double>(queued - ecn_kmin) / static_cast<double>(std::max<int64_t>(1, ecn_kmax - ecn_kmin));
    if (mark && !(p.flags & kCe)) {
      p.flags |= kCe;
      ++port_stats[counted_at].marks;
      ++marks;
    }
  }

  void enqueue(uint32_t port_id, uint32_t id) {
    Port& pt = ports[port_id];
    if (pt.dead) {  // a NIC's link in a dead plane, or a cell fabric's egress port
      ++unroutable;
      impacts[port_stats[port_id].dead_by].last_unroutable_ps = sim.now().count();
      lose_packet(id, port_stats[port_id].dead_by);
      return;
    }
    Packet& p = pool[id];
    const bool at_switch = !node_is_nic[p.node];
    if (at_switch && p.type == kData) {
      if (cfg.pfc && p.in_port != kNone) {
        PortStats& up = port_stats[p.in_port];
        if (up.held + p.size > up.xoff + pfc_headroom(p.in_port)) {  // the headroom overflowed: PFC drops
          ++port_stats[port_id].drops;
          ++drops;
          free_packet(id);
          return;
        }
        up.held += p.size;
        if (!up.pause_requested && up.held > up.xoff) {
          up.pause_requested = true;
          // The pause frame crosses the link back: its serialisation and the link's delay.
          sim.schedule(Picoseconds(sim.now().count() + ports[p.in_port].delay_ps + ports[p.in_port].ser_ack), kPfc, p.in_port | kPauseBit);
        }
      }
      if (!cfg.lossless && !cfg.pfc && (pt.queued + p.size > port_limit || !shared_admits(p.node, pt.queued, p.size))) {
        ++port_stats[port_id].drops;
        ++drops;
        if (!trimming) {
          free_packet(id);
          return;
        }
        // Trimming: the payload is cut and the header goes on at control priority, so the receiver can ask
        // for the packet at once instead of the sender waiting for a timeout.
        p.type = kTrimmed;
        p.size = static_cast<uint16_t>(cfg.header_bytes);
        ++trims;
      }
      maybe_mark(p, pt.queued, port_id);
      const int64_t q = pt.queued;
      tier_max_queue[pt.tier] = std::max(tier_max_queue[pt.tier], q);
      ++qhist[pt.tier][q <= 0 ? 0 : 64 - __builtin_clzll(static_cast<unsigned long long>(q))];
    }
    if (p.type != kData) {
      list_push(pool, pt.chead, pt.ctail, id);
    } else {
      list_push(pool, pt.head, pt.tail, id);
      pt.queued += p.size;
      if (sharing && at_switch) shared_used[p.node] += p.size;
    }
    kick(port_id);
  }

  // Picks one of `n` candidate links (by ordinal) for packet p at node; kNone when failures left none usable.
  uint32_t choose(uint32_t node, const Packet& p, uint32_t n, const auto& port_of, const auto& usable) {
    if (!any_dead) return pick(node, p, n, port_of);
    live_scratch.clear();
    for (uint32_t c = 0; c < n; ++c) {
      if (!ports[port_of(c)].dead && usable(c)) live_scratch.push_back(c);
    }
    if (live_scratch.empty()) return kNone;
    // ECMP rehashes over the live members; spraying and adaptive routing pick among them as usual.
    return live_scratch[pick(node, p, static_cast<uint32_t>(live_scratch.size()), [&](uint32_t j) { return port_of(live_scratch[j]); })];
  }

  uint32_t pick(uint32_t node, const Packet& p, uint32_t n, const auto& port_of) {
    if (n == 1) return 0;
    const uint32_t preferred = spread_choice(node, p, n);
    if (cfg.lb == LoadBalancing::Adaptive) {
      // Adaptive: keep the sprayed choice unless its queue is deeper than the shallowest by more than the
      // threshold (reacting to every one-packet difference would herd flows onto the same spines).
      const int64_t now = sim.now().count();
      auto depth = [&](uint32_t c) {
        const Port& pt = ports[port_of(c)];
        return pt.queued + (pt.free_at > now ? cfg.mtu_bytes : 0);
      };
      const int64_t preferred_q = depth(preferred);
      uint32_t best = preferred;
      int64_t best_q = preferred_q;
      for (uint32_t k = 1; k < n; ++k) {
        const uint32_t c = (k + preferred) % n;
        const int64_t q = depth(c);
        if (q < best_q) { best_q = q; best = c; }
      }
      return preferred_q - best_q > adaptive_threshold ? best : preferred;
    }
    return preferred;
  }

  // The ideal round robin (and adaptive routing's first choice) cycles each flow's data packets over a leaf's
  // uplinks (from a per-flow offset), so every uplink carries an even share of every flow; every other choice
  // (ECMP's, spraying's, REPS's) hashes the packet's entropy with the switch.
  uint32_t spread_choice(uint32_t node, const Packet& p, uint32_t n) const { return spread_hash(node, p) % n; }
  uint32_t spread_hash(uint32_t node, const Packet& p) const {
    if (cycling && p.type == kData && f.nodes[node].tier == 1) return p.entropy + splitmix32(node);
    return splitmix32((static_cast<uint64_t>(p.entropy) << 32) | node);
  }

  // Live links from `lower` up to `upper`.
  uint32_t live_links_up(uint32_t lower, uint32_t upper) const {
    const auto [lo, hi] = key_range(upsort, up_begin[lower], up_begin[lower + 1], upper);
    uint32_t n = 0;
    for (const Keyed* it = lo; it != hi; ++it) n += !ports[2 * it->second].dead;
    return n;
  }

  // Around failures, a leaf going up to a spine above the destination's leaf: each live link up weighted by what
  // its spine can still carry to that leaf (route_weights.h), the packet's hash placed on the weighted line (a
  // Weyl step, so that consecutive entropies of a cycling policy spread as a weighted round robin does), and
  // adaptive routing free to leave that choice only for a link of the same weight (so that it balances queues without
  // undoing the weights). kNone: no way left.
  uint32_t choose_up_weighted(uint32_t node, const Packet& p, uint32_t dleaf) {
    weighted_scratch.clear();
    uint64_t total = 0;
    const uint32_t b = up_begin[node], e = up_begin[node + 1];
    for (uint32_t k = b; k < e;) {
      const uint32_t spine = upsort[k].first;
      uint32_t j = k, up = 0;
      for (; j < e && upsort[j].first == spine; ++j) up += !ports[2 * upsort[j].second].dead;
      const uint32_t w = up > 0 ? uplink_weight(up, live_links_up(dleaf, spine) /* the spine's links down */) : 0;
      for (uint32_t m = k; w > 0 && m < j; ++m) {
        if (ports[2 * upsort[m].second].dead) continue;
        total += w;
        weighted_scratch.push_back({2 * upsort[m].second, total});
      }
      k = j;
    }
    if (weighted_scratch.empty()) return kNone;
    const uint64_t spread = (static_cast<uint64_t>(spread_hash(node, p)) * 0x9e3779b97f4a7c15ULL) >> 32;
    const uint64_t target = (spread * total) >> 32;
    size_t c = 0;
    while (weighted_scratch[c].second <= target) ++c;
    if (cfg.lb != LoadBalancing::Adaptive) return weighted_scratch[c].first;
    const auto weight = [&](size_t i) { return weighted_scratch[i].second - (i == 0 ? 0 : weighted_scratch[i - 1].second); };
    const int64_t now = sim.now().count();
    const auto depth = [&](uint32_t port) { return ports[port].queued + (ports[port].free_at > now ? cfg.mtu_bytes : 0); };
    const uint64_t w = weight(c);
    const int64_t preferred_q = depth(weighted_scratch[c].first);
    size_t best = c;
    int64_t best_q = preferred_q;
    for (size_t i = 0; i < weighted_scratch.size(); ++i) {
      if (weight(i) != w) continue;
      const int64_t q = depth(weighted_scratch[i].first);
      if (q < best_q) { best_q = q; best = i; }
    }
    return weighted_scratch[preferred_q - best_q > adaptive_threshold ? best : c].first;
  }

  // The entries [lo, hi) of a list sorted by .first whose .first is `key`: a binary search without branches on
  // the data (a hop's way down is looked up for every packet), then a scan of the few links to one switch.
  using Keyed = std::pair<uint32_t, uint32_t>;
  static std::pair<const Keyed*, const Keyed*> key_range(const std::vector<Keyed>& v, uint32_t begin, uint32_t end, uint32_t key) {
    const Keyed* lo = v.data() + begin;
    size_t len = end - begin;
    if (len == 0) return {lo, lo};
    while (len > 1) {
      const size_t half = len / 2;
      lo = lo[half - 1].first < key ? lo + half : lo;
      len -= half;
    }
    lo += lo->first < key;
    const Keyed* hi = lo;
    const Keyed* const e = v.data() + end;
    while (hi != e && hi->first == key) ++hi;
    return {lo, hi};
  }

  // Whether a spine still has a live link down to a leaf (leaves stop using spines that lost the way down,
  // as withdrawn routes would make them).
  bool reaches(uint32_t spine, uint32_t leaf) const {
    const auto [lo, hi] = key_range(upsort, up_begin[leaf], up_begin[leaf + 1], spine);
    for (const Keyed* it = lo; it != hi; ++it) {
      if (!ports[2 * it->second + 1].dead) return true;
    }
    return false;
  }

  // Three tiers: whether a core still has a live link down to a spine of the leaf's pod that reaches the leaf, and
  // whether a spine still has a live uplink to such a core (routes withdrawn at every tier, as a routing protocol
  // would once the failure is known).
  bool core_reaches(uint32_t core, uint32_t leaf) const {
    const auto [lo, hi] = key_range(coredown, coredown_begin[core], coredown_begin[core + 1], pod[leaf]);
    for (const Keyed* it = lo; it != hi; ++it) {
      if (!ports[2 * it->second + 1].dead && reaches(f.links[it->second].lower.value(), leaf)) return true;
    }
    return false;
  }
  bool reaches_through_cores(uint32_t spine, uint32_t leaf) const {
    for (uint32_t k = up_begin[spine]; k < up_begin[spine + 1]; ++k) {
      const uint32_t link = up_links[k];
      if (!ports[2 * link].dead && core_reaches(f.links[link].upper.value(), leaf)) return true;
    }
    return false;
  }

  // Whether a leaf still has a way up and down to another leaf of its plane (planes a NIC can no longer use to
  // reach the destination are withdrawn, as their routes would be).
  bool leaf_reaches(uint32_t leaf, uint32_t dleaf) const {
    if (leaf == dleaf) return true;
    for (uint32_t k = up_begin[leaf]; k < up_begin[leaf + 1]; ++k) {
      const uint32_t link = up_links[k];
      if (ports[2 * link].dead) continue;
      const uint32_t above = f.links[link].upper.value();
      if (f.tiers == 2 || pod[above] == pod[dleaf] ? reaches(above, dleaf) : reaches_through_cores(above, dleaf)) return true;
    }
    return false;
  }

  // The output port at `node` toward NIC `dst`; kNone when failures left no way.
  uint32_t route(uint32_t node, Packet& p, uint32_t dst) {
    const Node& nd = f.nodes[node];
    const size_t k = static_cast<size_t>(p.plane) * E + dst;
    const uint32_t dleaf = nic_leaf[k];
    const auto any = [](uint32_t) { return true; };
    if (node == dleaf) return any_dead && ports[2 * nic_link[k] + 1].dead ? kNone : 2 * nic_link[k] + 1;
    auto going_down = [&](uint32_t from) {
      // Links from `dleaf` up to `from`: the leaf's sorted uplinks with upper == from.
      const auto range = key_range(upsort, up_begin[dleaf], up_begin[dleaf + 1], from);
      const Keyed *lo = range.first, *hi = range.second;  // named, not bound: lambdas below capture them
      const uint32_t n = static_cast<uint32_t>(hi - lo);
      if (n == 0) return kNone;
      const uint32_t c = choose(node, p, n, [&](uint32_t k) { return 2 * (lo + k)->second + 1; }, any);
      return c == kNone ? kNone : 2 * (lo + c)->second + 1;
    };
    auto going_up = [&]() {
      const uint32_t b = up_begin[node], n = up_begin[node + 1] - b;
      if (any_dead && nd.tier == 1 && (f.tiers == 2 || pod[node] == pod[dleaf])) return choose_up_weighted(node, p, dleaf);
      // Only toward switches that still have a way to the destination's leaf.
      const auto usable = [&](uint32_t k) {
        const uint32_t above = f.links[up_links[b + k]].upper.value();
        if (nd.tier == 2) return core_reaches(above, dleaf);                        // spine to core
        if (f.tiers == 2 || pod[above] == pod[dleaf]) return reaches(above, dleaf);  // leaf to a spine above the leaf
        return reaches_through_cores(above, dleaf);                                  // leaf to a spine of another pod
      };
      const uint32_t c = choose(node, p, n, [&](uint32_t k) { return 2 * up_links[b + k]; }, usable);
      return c == kNone ? kNone : 2 * up_links[b + c];
    };
    if (nd.tier == 1) return going_up();
    if (nd.tier == 2) {
      if (f.tiers == 2 || pod[node] == pod[dleaf]) return going_down(node);
      return going_up();
    }
    // Core: down to a spine of the destination's pod, then that spine forwards to the leaf.
    const auto range = key_range(coredown, coredown_begin[node], coredown_begin[node + 1], pod[dleaf]);
    const Keyed *lo = range.first, *hi = range.second;
    const uint32_t n = static_cast<uint32_t>(hi - lo);
    if (n == 0) return kNone;
    const uint32_t c = choose(node, p, n, [&](uint32_t k) { return 2 * (lo + k)->second + 1; },
                              [&](uint32_t k) { return reaches(f.links[(lo + k)->second].lower.value(), dleaf); });
    return c == kNone ? kNone : 2 * (lo + c)->second + 1;
  }

  uint32_t payload(const Flow& fl, uint32_t seq) const { return seq + 1 == fl.npkts ? fl.last_payload : static_cast<uint32_t>(cfg.mtu_bytes); }

  // Sets the path entropy and plane of a new packet per the load-balancing policy.
  void pick_path(Flow& fl, Packet& p, bool data) {
    const int64_t now = sim.now().count();
    switch (cfg.lb) {
      case LoadBalancing::Ecmp:
        p.entropy = fl.entropy ^ (data ? 0u : 0x5bd1e995u);
        break;
      case LoadBalancing::Flowlet:
        if (data) {
          if (fl.last_tx >= 0 && now - fl.last_tx > cfg.flowlet_gap_ps) ++fl.flowlet;
          fl.last_tx = now;
        }
        p.entropy = splitmix32((static_cast<uint64_t>(fl.entropy) << 32) | fl.flowlet) ^ (data ? 0u : 0x5bd1e995u);
        break;
      case LoadBalancing::RoundRobin:
      case LoadBalancing::Adaptive:
        p.entropy = data ? fl.entropy + fl.spray_seq++ : static_cast<uint32_t>(rng.next());
        break;
      case LoadBalancing::Spraying:  // a fresh entropy value per packet, which every switch hashes
        p.entropy = data ? splitmix32((static_cast<uint64_t>(fl.entropy) << 32) | fl.spray_seq++) : static_cast<uint32_t>(rng.next());
        break;
      case LoadBalancing::Reps:
        p.entropy = !data                     ? static_cast<uint32_t>(rng.next())
                    : reps.waiting(p.flow) ? reps.next(p.flow, p.seq, 0)
                                           : reps.next(p.flow, p.seq, splitmix32((static_cast<uint64_t>(fl.entropy) << 32) | fl.spray_seq++));
        break;
      default:
        p.entropy = static_cast<uint32_t>(rng.next());
    }
    const uint32_t from = data ? fl.src : fl.dst, to = data ? fl.dst : fl.src;
    if (data) return;  // data takes the plane of the NIC port that pulls it
    p.plane = static_cast<uint16_t>(choose_plane(fl, p.entropy, from, to));
  }

  // The plane a packet takes: flow-pinned policies hash it (`hash`), spraying and adaptive routing take the
  // planes in turn; after failures only among the planes where both ends are still attached, evenly.
  uint32_t choose_plane(Flow& fl, uint32_t hash, uint32_t from, uint32_t to) {
    const uint32_t sel = (cfg.lb == LoadBalancing::Ecmp || cfg.lb == LoadBalancing::Flowlet) ? hash : fl.plane_rr++;
    const uint32_t P = static_cast<uint32_t>(f.planes);
    if (P == 1) return 0;
    if (!any_dead) return sel % P;
    live_scratch.clear();
    for (uint32_t plane = 0; plane < P; ++plane) {
      const size_t base = static_cast<size_t>(plane) * E;
      if (!ports[2 * nic_link[base + from]].dead && !ports[2 * nic_link[base + to] + 1].dead && leaf_reaches(nic_leaf[base + from], nic_leaf[base + to])) {
        live_scratch.push_back(plane);
      }
    }
    return live_scratch.empty() ? sel % P : live_scratch[sel % live_scratch.size()];
  }

  // A packet lost to a failure: counted against it, and (for data) remembered until delivered again.
  void lose_packet(uint32_t id, uint32_t failure) {
    Packet& p = pool[id];
    FailureImpact& im = impacts[failure];
    ++im.packets_lost;
    if (p.type == kData) {
      Flow& fl = flows[p.flow];
      im.data_bytes_lost += payload(fl, p.seq);
      if (flow_hit[p.flow] != failure + 1) {
        flow_hit[p.flow] = failure + 1;
        ++im.flows_hit;
      }
      if (lost_pending.try_emplace((static_cast<uint64_t>(p.flow) << 32) | p.seq, failure).second) ++lost_outstanding[failure];
    }
    free_packet(id);
  }

  // A lost data packet arrived after all: the failure that lost it has recovered when none is left.
  void delivered_again(uint32_t flow_id, uint32_t seq) {
    const auto it = lost_pending.find((static_cast<uint64_t>(flow_id) << 32) | seq);
    if (it == lost_pending.end()) return;
    const uint32_t failure = it->second;
    lost_pending.erase(it);
    if (--lost_outstanding[failure] == 0) impacts[failure].recovered_ps = sim.now().count();
  }

  void apply_failure(uint32_t idx) {
    any_dead = true;
    last_failure = idx;
    std::vector<uint32_t> stranded;  // once per failure, not per packet
    for (uint32_t link : cfg.failures[idx].links) {
      if (cells && f.links[link].tier == 2) cells->fail_link(link);
      for (int dir = 0; dir < 2; ++dir) {
        Port& pt = ports[2 * link + dir];
        if (pt.dead) continue;
        pt.dead = true;
        port_stats[2 * link + dir].dead_by = idx;
        // Whatever waits on the port is lost; data held against an upstream port for PFC is released.
        auto flush = [&](uint32_t& head, uint32_t& tail) {
          while (head != kNone) {
            const uint32_t id = list_pop(pool, head, tail);
            const Packet& p = pool[id];
            if (!node_is_nic[p.node]) leave_switch_buffer(p);
            lose_packet(id, idx);
          }
        };
        flush(pt.chead, pt.ctail);
        if (pt.from_switch) {
          flush(pt.head, pt.tail);
        } else {  // a NIC port's list holds flows waiting to send: they go to another plane, if any is left
          while (pt.head != kNone) {
            const uint32_t fid = list_pop(flows, pt.head, pt.tail);
            flows[fid].registered = false;
            stranded.push_back(fid);
          }
        }
        pt.queued = 0;
      }
    }
    for (uint32_t fid : stranded) try_send(fid);
  }

  // Control packets (acks, NACKs, CNPs) queue at the NIC at strict priority; data is pulled (below).
  void send_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts = -1) {
    const uint32_t id = make_packet(flow_id, seq, type, flags, echo_ts);
    const Flow& fl = flows[flow_id];
    enqueue(2 * nic_link[static_cast<size_t>(pool[id].plane) * E + (type == kData ? fl.src : fl.dst)], id);
  }

  uint32_t make_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts = -1) {
    Flow& fl = flows[flow_id];
    const uint32_t id = alloc_packet();
    Packet& p = pool[id];
    p.sent_at = echo_ts >= 0 ? echo_ts : sim.now().count();
    p.flow = flow_id;
    p.seq = seq;
    p.type = type;
    p.flags = flags;
    p.cum = 0;
    p.sack = 0;
    p.size = static_cast<uint16_t>(type == kData ? payload(fl, seq) + static_cast<uint32_t>(cfg.header_bytes) : static_cast<uint32_t>(cfg.ack_bytes));
    p.in_port = kNone;
    p.out_hint = kNone;
    pick_path(fl, p, type == kData);
    p.node = type == kData ? fl.src : fl.dst;
    p.dst = type == kData ? fl.dst : fl.src;
    (type == kData ? data_packets : ack_packets) += 1;
    return id;
  }

  // RFC 6298: the timeout follows the measured RTT (each ack echoes its own transmission's send time, so
  // samples are never ambiguous), never below the configured floor.
  void update_rtt(Flow& fl, int64_t rtt) {
    if (fl.srtt == 0) {
      fl.srtt = rtt;
      fl.rttvar = rtt / 2;
    } else {
      const int64_t err = rtt > fl.srtt ? rtt - fl.srtt : fl.srtt - rtt;
      fl.rttvar = (3 * fl.rttvar + err) / 4;
      fl.srtt = (7 * fl.srtt + rtt) / 8;
    }
  }
  int64_t rto_of(const Flow& fl) const { return (fl.srtt == 0 ? cfg.rto_ps : std::max(cfg.rto_ps, fl.srtt + 4 * fl.rttvar)) << fl.rto_backoff; }

  void arm_rto(uint32_t flow_id) {
    Flow& fl = flows[flow_id];
    if (!fl.rto.valid()) fl.rto = sim.schedule_timer(Picoseconds(sim.now().count() + rto_of(fl)), kRto, flow_id);
  }

  // ---- Sending: a NIC port pulls the next packet from its ready flows, round robin, when its wire is free,
  // so congestion control and pacing act on the very next packet (not on a queue committed long before).

  // The next packet a flow would send: a pending retransmission first, else new data; kNone if none.
  uint32_t next_to_send(Flow& fl, bool& again) {
    again = false;
    if (cfg.transport == TransportKind::Spray) {
      while (fl.rtx_head < fl.rtx.size()) {
        if (!fl.bits.test(kAcked, fl.rtx[fl.rtx_head])) {
          again = true;
          return fl.rtx[fl.rtx_head];
        }
        ++fl.rtx_head;
      }
    }
    return fl.next_seq < fl.npkts ? fl.next_seq : kNone;
  }

  // Whether the flow may put a packet on the wire now (window, outstanding limit, pacing); a flow held by
  // pacing gets a wake-up at its time.
  bool can_send(uint32_t flow_id) {
    Flow& fl = flows[flow_id];
    if (fl.sender_done || fl.pace_pending) return false;
    bool again = false;
    const uint32_t seq = next_to_send(fl, again);
    if (seq == kNone) return false;
    const bool roce = cfg.transport == TransportKind::RoceDcqcn;
    if (roce ? fl.inflight >= 64 * cfg.initial_window_bytes  // a queue pair's outstanding limit
             : fl.inflight > 0 && fl.inflight + payload(fl, seq) > fl.cwnd) {
      return false;
    }
    // RoCE paces at its DCQCN rate; the spray transport paces only a window below one packet (one packet per
    // RTT x MTU / window), so a hundred senders into one port need not overflow it with a packet each.
    const int64_t now = sim.now().count();
    if ((roce || fl.cwnd < cfg.mtu_bytes) && now < fl.next_send) {
      fl.pace_pending = true;
      sim.schedule(Picoseconds(fl.next_send), kPace, flow_id);
      return false;
    }
    return true;
  }

  // After anything that may let a flow send (start, ack, NACK, timeout, pacing): queue it at its NIC port.
  void try_send(uint32_t flow_id) {
    if (can_send(flow_id)) make_ready(flow_id, kNone);
  }

  // Puts the flow in the ring of the NIC port its next packet takes, and wakes that port (unless it is
  // `busy_port`, the one transmitting right now, which looks at its ring when it is done).
  void make_ready(uint32_t flow_id, uint32_t busy_port) {
    Flow& fl = flows[flow_id];
    if (fl.registered) return;
    const uint32_t plane = choose_plane(fl, fl.entropy, fl.src, fl.dst);
    const uint32_t port = 2 * nic_link[static_cast<size_t>(plane) * E + fl.src];
    Port& pt = ports[port];
    if (pt.dead) return;  // cut off in every plane: the timer will give up on it
    list_push(flows, pt.head, pt.tail, flow_id);
    fl.registered = true;
    if (port != busy_port) kick(port);
  }

  void kick(uint32_t port_id) {
    Port& pt = ports[port_id];
    if (pt.txdone_pending || !has_eligible(pt)) return;
    if (pt.free_at <= sim.now().count()) {
      start_tx(port_id);
    } else {
      pt.txdone_pending = true;
      sim.schedule(Picoseconds(pt.free_at), kTxDone, port_id);
    }
  }

  // A free NIC port takes the next ready flow that may send and builds its packet; kNone if none may.
  uint32_t pull_from_ready_flows(uint32_t port_id) {
    Port& pt = ports[port_id];
    while (pt.head != kNone) {
      const uint32_t flow_id = list_pop(flows, pt.head, pt.tail);
      flows[flow_id].registered = false;
      if (!can_send(flow_id)) continue;
      const uint32_t id = emit_data(flow_id, f.links[port_id / 2].plane);
      if (can_send(flow_id)) make_ready(flow_id, port_id);  // round robin: back to the end of a ring
      return id;
    }
    return kNone;
  }

  // The flow's next data packet, with the sender's bookkeeping for it.
  uint32_t emit_data(uint32_t flow_id, uint32_t plane) {
    Flow& fl = flows[flow_id];
    bool again = false;
    const uint32_t seq = next_to_send(fl, again);
    const int64_t pl = payload(fl, seq);
    const int64_t now = sim.now().count();
    if (again) {
      fl.bits.set(kResent, seq);
      ++fl.rtx_head;
      ++fl.retransmits;
      ++retransmits;
    } else {
      ++fl.next_seq;
      fl.unacked += pl;
      if (fl.next_seq == fl.npkts) flow_sent(flow_id);
    }
    fl.inflight += pl;
    ++fl.packets;
    if (cfg.transport == TransportKind::RoceDcqcn) {
      // Pacing at the DCQCN rate: the next packet may leave one wire time at that rate later.
      fl.next_send = std::max(now, fl.next_send) + static_cast<int64_t>(static_cast<double>(pl + cfg.header_bytes) * 8e12 / fl.rate);
      fl.bytes_since_increase += pl;
      if (fl.bytes_since_increase >= cfg.dcqcn.byte_counter) {
        fl.bytes_since_increase = 0;
        ++fl.byte_stage;
        dcqcn_increase(fl);
      }
    } else if (fl.cwnd < cfg.mtu_bytes) {
      fl.next_send = now + std::max(fl.srtt, base_rtt_ps) * cfg.mtu_bytes / std::max<int64_t>(1, fl.cwnd);
    }
    // Ack request (as UET's AR flag): on a resend, the flow's last packet and the one that fills the window, so a
    // coalescing receiver never sits on the acks a stalled sender waits for.
    const bool ask = cfg.transport == TransportKind::Spray &&
                     (again || fl.next_seq == fl.npkts || fl.inflight + cfg.mtu_bytes > fl.cwnd);
    const uint32_t id = make_packet(flow_id, seq, kData, ask ? kAr : 0);
    pool[id].plane = static_cast<uint16_t>(plane);
    arm_rto(flow_id);
    return id;
  }

  // ---- RoCEv2 reliable connection with DCQCN --------------------------------------------------------
  double min_rate() const { return cfg.dcqcn.min_rate_fraction * static_cast<double>(line_bps); }

  void dcqcn_increase(Flow& fl) {
    const DcqcnParams& d = cfg.dcqcn;
    const double line = static_cast<double>(line_bps);
    if (std::max(fl.timer_stage, fl.byte_stage) < d.fast_recovery_stages) {
      // fast recovery: halfway back to the target
    } else if (std::min(fl.timer_stage, fl.byte_stage) > d.fast_recovery_stages) {
      fl.target = std::min(line, fl.target + d.rhai_fraction * line);
    } else {
      fl.target = std::min(line, fl.target + d.rai_fraction * line);
    }
    fl.rate = std::min(line, (fl.target + fl.rate) / 2);
  }

  void on_cnp(Flow& fl) {
    const DcqcnParams& d = cfg.dcqcn;
    fl.target = fl.rate;
    fl.rate = std::max(min_rate(), fl.rate * (1 - fl.rp_alpha / 2));
    fl.rp_alpha = (1 - d.g) * fl.rp_alpha + d.g;
    fl.timer_stage = fl.byte_stage = 0;
    fl.bytes_since_increase = 0;
    fl.last_cnp_at_sender = sim.now().count();
    ++fl.cnps;
    ++cnps;
  }

  void arm_dcqcn(uint32_t flow_id) {
    Flow& fl = flows[flow_id];
    if (fl.dcqcn_armed) return;
    fl.dcqcn_armed = true;
    sim.schedule_timer(Picoseconds(sim.now().count() + cfg.dcqcn.increase_timer_ps), kDcqcn, flow_id);
  }

  void on_dcqcn_timer(uint32_t flow_id) {
    Flow& fl = flows[flow_id];
    fl.dcqcn_armed = false;
    if (fl.sender_done) return;
    const int64_t now = sim.now().count();
    if (fl.last_cnp_at_sender < 0 || now - fl.last_cnp_at_sender >= cfg.dcqcn.alpha_timer_ps) fl.rp_alpha *= (1 - cfg.dcqcn.g);
    if (fl.rate < static_cast<double>(line_bps)) {
      ++fl.timer_stage;
      dcqcn_increase(fl);
    }
    arm_dcqcn(flow_id);
  }

  void on_data_roce(uint32_t id) {
    Packet& p = pool[id];
    const uint32_t flow_id = p.flow, seq = p.seq;
    const bool ce = p.flags & kCe;
    free_packet(id);
    Flow& fl = flows[flow_id];
    const int64_t now = sim.now().count();
    if (ce && now - fl.last_cnp_sent >= cfg.dcqcn.cnp_interval_ps) {
      fl.last_cnp_sent = now;
      send_packet(flow_id, 0, kCnp, 0);
    }
    if (seq == fl.rcv_next) {
      fl.bits.set(kReceived, seq);
      if (!lost_pending.empty()) delivered_again(flow_id, seq);
      fl.delivered += payload(fl, seq);
      delivered_total += payload(fl, seq);
      ++fl.rcv_next;
      if (fl.delivered == fl.bytes) {
        fl.done = true;
        fl.finish = now;
        flow_finished(flow_id);
      }
      send_packet(flow_id, fl.rcv_next - 1, kAck, 0);
    } else if (seq > fl.rcv_next) {
      ++reordered;
      // Out of order: go-back-N drops it and asks once for the expected packet.
      duplicate_bytes += payload(fl, seq);
      if (fl.nacked_at != fl.rcv_next) {
        fl.nacked_at = fl.rcv_next;
        ++nacks;
        send_packet(flow_id, fl.rcv_next, kNack, 0);
      }
    } else {
      duplicate_bytes += payload(fl, seq);
      if (fl.rcv_next > 0) send_packet(flow_id, fl.rcv_next - 1, kAck, 0);
    }
  }

  int64_t bytes_between(const Flow& fl, uint32_t from, uint32_t to) const {
    if (to <= from) return 0;
    int64_t b = static_cast<int64_t>(to - from) * cfg.mtu_bytes;
    if (to == fl.npkts) b -= cfg.mtu_bytes - fl.last_payload;
    return b;
  }

  void on_control_roce(uint32_t id) {
    const Packet p = pool[id];
    free_packet(id);
    Flow& fl = flows[p.flow];
    if (p.type == kCnp) {
      on_cnp(fl);
      return;
    }
    if (fl.sender_done) return;
    if (p.type == kAck) {
      if (p.seq + 1 <= fl.acked_count) return;
      fl.acked_count = p.seq + 1;
      fl.next_seq = std::max(fl.next_seq, fl.acked_count);  // a late ack after going back: no need to resend that far
      fl.rto_backoff = 0;
      fl.last_progress = sim.now().count();
    } else {  // NACK: everything before p.seq arrived; resend from there
      if (p.seq < fl.acked_count) return;
      fl.acked_count = p.seq;
      if (fl.next_seq > p.seq) {
        fl.retransmits += fl.next_seq - p.seq;
        retransmits += fl.next_seq - p.seq;
        fl.next_seq = p.seq;
      }
      fl.last_progress = sim.now().count();
    }
    fl.inflight = bytes_between(fl, fl.acked_count, fl.next_seq);
    ack_progress(p.flow);
  }

  void on_data(uint32_t id) {
    Packet& p = pool[id];
    Flow& fl = flows[p.flow];
    const uint32_t seq = p.seq;
    const uint8_t ece = (p.flags & kCe) ? kEce : 0;
    const uint32_t flow_id = p.flow;
    const int64_t sent_at = p.sent_at;
    const bool asked = p.flags & kAr;
    free_packet(id);
    if (seq > fl.rcv_next) ++reordered;
    const bool first = fl.delivered == 0, duplicate = fl.bits.test(kReceived, seq);
    if (!duplicate) {
      fl.bits.set(kReceived, seq);
      while (fl.rcv_next < fl.npkts && fl.bits.test(kReceived, fl.rcv_next)) ++fl.rcv_next;
      if (!lost_pending.empty()) delivered_again(flow_id, seq);
      fl.delivered += payload(fl, seq);
      fl.rx_unacked += payload(fl, seq);
      delivered_total += payload(fl, seq);
      if (fl.delivered == fl.bytes) {
        fl.done = true;
        fl.finish = sim.now().count();
        flow_finished(flow_id);
      }
    } else {
      duplicate_bytes += payload(fl, seq);
    }
    // Coalesced acks: one per ack_coalesce_bytes of payload, and at once for a mark, an ack request (and the
    // stragglers below it), a duplicate, the flow's first and last packet.
    const bool straggler = seq < fl.rx_ar;
    if (asked) fl.rx_ar = std::max(fl.rx_ar, seq + 1);
    if (!(ece || asked || straggler || duplicate || first || fl.done || fl.rx_unacked >= cfg.ack_coalesce_bytes)) return;
    fl.rx_unacked = 0;
    const uint32_t ack = make_packet(flow_id, seq, kAck, ece, sent_at);
    pool[ack].cum = fl.rcv_next;
    pool[ack].sack = fl.bits.range(kReceived, sack_base(seq), seq);
    enqueue(2 * nic_link[static_cast<size_t>(pool[ack].plane) * E + fl.dst], ack);
  }

  // The spray transport's window, by the two signals an ack carries (after the Ultra Ethernet NSCC quadrants):
  //   low delay, no mark  -> grow in proportion to the headroom below the delay target (recovers in a few RTTs);
  //   low delay, mark     -> hold: a spraying transient the queue is already draining;
  //   high delay, no mark -> grow by about one packet per window (fairness);
  //   high delay, mark    -> shrink in proportion to the excess delay, at most once per RTT.
  void adjust_window(Flow& fl, int64_t rtt, bool marked, int64_t acked_bytes) {
    const int64_t now = sim.now().count();
    const int64_t mtu = cfg.mtu_bytes;
    const bool high = rtt > target_rtt_ps;
    if (marked && high) {
      if (fl.last_delay_cut < 0 || now - fl.last_delay_cut > rtt) {
        const double cut = std::min(cfg.max_decrease, static_cast<double>(rtt - target_rtt_ps) / static_cast<double>(rtt));
        fl.cwnd = std::max<int64_t>(min_window, static_cast<int64_t>(static_cast<double>(fl.cwnd) * (1 - cut)));
        fl.last_delay_cut = now;
      }
    } else if (!marked && !high) {
      const int64_t headroom = target_rtt_ps - std::max(rtt, base_rtt_ps);
      const int64_t span = std::max<int64_t>(1, target_rtt_ps - base_rtt_ps);
      fl.cwnd += acked_bytes * headroom / span;
    } else if (!marked) {
      fl.cwnd += mtu * acked_bytes / std::max<int64_t>(1, fl.cwnd);  // about one packet per window of acked data
    }
    fl.cwnd = std::min(fl.cwnd, max_window);
  }

  void on_ack(uint32_t id) {
    const Packet p = pool[id];
    free_packet(id);
    Flow& fl = flows[p.flow];
    // What the ack newly covers: the packet that triggered it, everything below its cumulative point, its bitmap.
    int64_t acked_bytes = 0;
    uint32_t highest = 0;
    auto take = [&](uint32_t s) {
      if (fl.bits.test(kAcked, s)) return;
      fl.bits.set(kAcked, s);
      ++fl.acked_count;
      const int64_t pl = payload(fl, s);
      fl.unacked -= pl;
      fl.inflight = std::max<int64_t>(0, fl.inflight - pl);
      acked_bytes += pl;
      highest = std::max(highest, s);
    };
    take(p.seq);
    for (uint32_t s = fl.una; s < p.cum; ++s) take(s);
    for (uint64_t m = p.sack; m != 0; m &= m - 1) take(sack_base(p.seq) + static_cast<uint32_t>(__builtin_ctzll(m)));
    if (acked_bytes == 0) return;
    fl.rto_backoff = 0;
    detect_losses(fl, highest);
    if (fl.rto_at >= 0) {
      if (p.sent_at < fl.rto_at) {
        // Eifel-style undo (RFC 3522): a transmission from before the timeout was acknowledged, so nothing was
        // lost, only late; drop the pending resends and restore the window and what is in flight.
        fl.rtx.clear();
        fl.rtx_head = 0;
        fl.cwnd = std::max(fl.cwnd, fl.cwnd_before_rto);
        fl.inflight = fl.unacked;
        ++spurious_timeouts;
      }
      fl.rto_at = -1;
    }
    fl.last_progress = sim.now().count();
    if (p.flags & kEce) ++fl.echoes;
    const int64_t now = sim.now().count();
    const int64_t rtt = now - p.sent_at;  // from the data packet's departure on the wire
    if (cfg.lb == LoadBalancing::Reps) reps.acked(p.flow, p.seq, p.flags & kEce);
    update_rtt(fl, rtt);
    adjust_window(fl, rtt, p.flags & kEce, acked_bytes);
    ack_progress(p.flow);
  }

  // Loss detection without a timeout (after RACK, RFC 8985, by sequence): packets are first sent in order, so
  // one still unacknowledged when a packet sent a window later (or 16 packets, if more) has been acknowledged
  // was lost, not merely reordered by spraying; it is resent at once.
  void detect_losses(Flow& fl, uint32_t acked_seq) {
    while (fl.una < fl.npkts && fl.bits.test(kAcked, fl.una)) ++fl.una;
    const uint32_t window = static_cast<uint32_t>(std::max<int64_t>(16, fl.cwnd / cfg.mtu_bytes));
    if (acked_seq < window) return;
    const uint32_t horizon = acked_seq - window;  // everything unacknowledged below this is lost
    uint32_t s = std::max(fl.una, fl.rack_scan);
    if (s >= horizon) return;
    if (fl.rtx_head == fl.rtx.size()) {  // reuse the list once it is spent
      fl.rtx.clear();
      fl.rtx_head = 0;
    }
    for (; s < horizon; ++s) {
      if (fl.bits.test(kAcked, s) || fl.bits.test(kResent, s)) continue;  // a resent packet's fate is the timer's
      fl.rtx.push_back(s);
      fl.inflight = std::max<int64_t>(0, fl.inflight - payload(fl, s));
      ++fl.losses_detected;
    }
    fl.rack_scan = horizon;
  }

  // The receiver got a trimmed header: it asks the sender for that packet again.
  void on_trimmed(uint32_t id) {
    const uint32_t flow_id = pool[id].flow, seq = pool[id].seq;
    free_packet(id);
    ++nacks;
    send_packet(flow_id, seq, kNack, 0);
  }

  // The sender learns a packet's payload was cut: it is resent first, and the window shrinks as for a mark.
  void on_nack(uint32_t id) {
    const Packet p = pool[id];
    free_packet(id);
    Flow& fl = flows[p.flow];
    if (fl.sender_done || fl.bits.test(kAcked, p.seq)) return;
    fl.inflight = std::max<int64_t>(0, fl.inflight - payload(fl, p.seq));
    if (fl.rtx_head == fl.rtx.size()) {  // reuse the list once it is spent
      fl.rtx.clear();
      fl.rtx_head = 0;
    }
    fl.rtx.push_back(p.seq);
    const int64_t now = sim.now().count();
    if (fl.last_delay_cut < 0 || now - fl.last_delay_cut > base_rtt_ps) {
      fl.cwnd = std::max<int64_t>(min_window, static_cast<int64_t>(static_cast<double>(fl.cwnd) * (1 - cfg.max_decrease)));
      fl.last_delay_cut = now;
    }
    fl.last_progress = now;
    try_send(p.flow);
  }

  // After an acknowledgement: the sender is done when every packet is acknowledged, else it may send more.
  void ack_progress(uint32_t flow_id) {
    Flow& fl = flows[flow_id];
    if (fl.acked_count == fl.npkts) {
      fl.sender_done = true;
      fl.acked_at = sim.now().count();
      sim.cancel(fl.rto);
      fl.rto = {};
      return;
    }
    try_send(flow_id);
  }

  void on_rto(uint32_t flow_id) {
    Flow& fl = flows[flow_id];
    fl.rto = {};
    if (fl.sender_done) return;
    const int64_t now = sim.now().count();
    if (now - fl.last_progress < rto_of(fl)) {
      fl.rto = sim.schedule_timer(Picoseconds(fl.last_progress + rto_of(fl)), kRto, flow_id);
      return;
    }
    if (fl.rto_backoff >= kMaxBackoff) {  // seven timeouts in a row, the last after 64 x RTO: no way left
      fl.sender_done = true;
      ++abandoned;
      return;
    }
    if (cfg.transport == TransportKind::RoceDcqcn) {  // go back to the first unacknowledged packet
      fl.rto_backoff = std::min(fl.rto_backoff + 1, kMaxBackoff);
      fl.retransmits += fl.next_seq - fl.acked_count;
      retransmits += fl.next_seq - fl.acked_count;
      fl.next_seq = fl.acked_count;
      fl.inflight = 0;
      fl.last_progress = now;
      try_send(flow_id);
      arm_rto(flow_id);
      return;
    }
    // No progress for a whole timeout: everything sent and not acked is presumed lost; resend it selectively.
    fl.rtx.clear();
    fl.rtx_head = 0;
    for (uint32_t s = 0; s < fl.next_seq; ++s) if (!fl.bits.test(kAcked, s)) fl.rtx.push_back(s);
    // As TCP does: the window restarts from one packet and the timer backs off, so a timeout that was only
    // a long queue costs a few duplicates, not a window's worth.
    fl.inflight = 0;
    if (fl.rto_at < 0) fl.cwnd_before_rto = fl.cwnd;
    fl.rto_at = now;
    fl.cwnd = cfg.mtu_bytes;
    fl.rto_backoff = std::min(fl.rto_backoff + 1, kMaxBackoff);
    fl.last_progress = now;
    try_send(flow_id);
    arm_rto(flow_id);
  }

  void on_arrive(uint32_t id) {
    Packet& p = pool[id];
    if (any_dead && p.in_port != kNone && ports[p.in_port].dead) {  // on the wire when the link failed
      lose_packet(id, port_stats[p.in_port].dead_by);
      return;
    }
    if (node_is_nic[p.node]) {
      if (cfg.transport == TransportKind::RoceDcqcn) {
        if (p.type == kData) on_data_roce(id);
        else on_control_roce(id);
      } else if (p.type == kData) {
        on_data(id);
      } else if (p.type == kTrimmed) {
        on_trimmed(id);
      } else if (p.type == kNack) {
        on_nack(id);
      } else {
        on_ack(id);
      }
      return;
    }
    const uint32_t dst = p.dst;
    if (cells) {  // switch-scheduled: into a VOQ of the ingress leaf element
      // The leaf element marks ECN by the depth of the VOQ the packet joins (counted on the port it came in by).
      const uint32_t egress = 2 * nic_link[static_cast<size_t>(p.plane) * E + dst] + 1;
      maybe_mark(p, cells->voq_bytes(p.node, egress, p.type != kData), p.in_port);
      cells->accept(id, p.size, p.node, egress, p.type != kData);
      return;
    }
    const uint32_t out = p.out_hint != kNone && hint_valid() ? p.out_hint : route(p.node, p, dst);
    if (out == kNone) {
      ++unroutable;
      impacts[last_failure].last_unroutable_ps = sim.now().count();
      lose_packet(id, last_failure);
      return;
    }
    enqueue(out, id);
  }

  // A route computed ahead of the packet's arrival holds at its arrival unless the choice depends on queues
  // at that moment (adaptive routing) or on links that may fail in between.
  bool hint_valid() const { return cfg.lb != LoadBalancing::Adaptive && !any_dead && cfg.failures.empty(); }

  void prefetch_ahead() {
    Due n;
    if (sim.peek(n, kFetchLastAhead) && n.kind == kArrive) {  // a packet reaching its NIC: its flow's bits
      const Packet& p = pool[n.target];
      if (node_is_nic[p.node]) __builtin_prefetch(flows[p.flow].bits.address(p.seq));
    }
    if (sim.peek(n, kFetchPacketAhead)) {
      if (n.kind == kArrive) __builtin_prefetch(&pool[n.target]);
      else if (n.kind == kTxDone) __builtin_prefetch(&ports[n.target]);
    }
    if (!sim.peek(n, kFetchNextAhead)) return;
    if (n.kind == kArrive) {
      Packet& p = pool[n.target];
      if (node_is_nic[p.node]) {
        const char* fl = reinterpret_cast<const char*>(&flows[p.flow]);
        for (size_t off = 0; off < kFlowHotBytes; off += 64) __builtin_prefetch(fl + off);
      } else if (!cells && hint_valid()) {
        if (p.out_hint == kNone) p.out_hint = route(p.node, p, p.dst);
        if (p.out_hint != kNone) __builtin_prefetch(&ports[p.out_hint]);
      }
    } else if (n.kind == kTxDone) {
      const Port& pt = ports[n.target];
      const uint32_t next = pt.chead != kNone ? pt.chead : pt.from_switch ? pt.head : kNone;
      if (next != kNone) __builtin_prefetch(&pool[next]);
    }
  }

  void take_sample(int64_t now) {
    TierSample ts;
    ts.t_ps = now;
    const double dt = static_cast<double>(std::max<int64_t>(1, now - last_sample)) * 1e-12;
    std::vector<double> cap(static_cast<size_t>(f.tiers + 1), 0.0);
    std::vector<int64_t> qsum(static_cast<size_t>(f.tiers + 1), 0), qmax(static_cast<size_t>(f.tiers + 1), 0), n(static_cast<size_t>(f.tiers + 1), 0);
    for (size_t i = 0; i < ports.size(); ++i) {
      const Port& pt = ports[i];
      cap[pt.tier] += static_cast<double>(port_stats[i].bps) * dt;
      qsum[pt.tier] += pt.queued;
      qmax[pt.tier] = std::max(qmax[pt.tier], pt.queued);
      ++n[pt.tier];
    }
    for (int t = 1; t <= f.tiers; ++t) {
      ts.utilisation.push_back(cap[t] > 0 ? static_cast<double>(tier_tx[t] - tier_tx_at_last[t]) * 8 / cap[t] : 0);
      ts.queue_mean_bytes.push_back(n[t] > 0 ? qsum[t] / n[t] : 0);
      ts.queue_max_bytes.push_back(qmax[t]);
    }
    tier_tx_at_last = tier_tx;
    last_sample = now;
    samples.push_back(std::move(ts));
  }

  int64_t delivered_total = 0, offered_total = 0;

  // A flow handed over its last new packet: in a dependency-graph run, the flows queued behind it may start.
  void flow_sent(uint32_t id) {
    if (precedence.empty()) return;
    precedence.sent(id, precedence.effective_sent(id, flows[id].start, sim.now().count()), [&](uint32_t next, int64_t at) {
      flows[next].start = at;
      sim.schedule(Picoseconds(at), kFlowStart, next);
    });
  }

  // A flow is done: in a dependency-graph run, the flows waiting for it may start.
  void flow_finished(uint32_t id) {
    if (precedence.empty()) return;
    const Flow& fl = flows[id];
    precedence.finished(id, precedence.effective_finish(id, fl.start, fl.finish), [&](uint32_t next, int64_t at) {
      flows[next].start = at;
      sim.schedule(Picoseconds(at), kFlowStart, next);
    });
  }

  PacketSimResult run(const volatile int* stop, const std::function<void(const PacketProgress&)>& progress) {
    for (const Flow& fl : flows) offered_total += fl.bytes;
    if (cfg.lb == LoadBalancing::Reps) {
      std::vector<uint32_t> packets;
      for (const Flow& fl : flows) packets.push_back(fl.npkts);
      reps.reset(packets);
    }
    const bool graph = !precedence.empty();
    if (graph) precedence.build(flows.size());
    for (uint32_t i = 0; i < flows.size(); ++i) {
      if (!graph || !precedence.waits(i)) sim.schedule(Picoseconds(flows[i].start), kFlowStart, i);
    }
    impacts.resize(cfg.failures.size());
    lost_outstanding.assign(cfg.failures.size(), 0);
    flow_hit.assign(flows.size(), 0);
    live_scratch.reserve(1024);
    weighted_scratch.reserve(1024);
    for (uint32_t i = 0; i < cfg.failures.size(); ++i) {
      impacts[i].what = cfg.failures[i].what;
      impacts[i].at_ps = std::max<int64_t>(0, cfg.failures[i].at_ps);
      impacts[i].links = static_cast<int64_t>(cfg.failures[i].links.size());
      if (cfg.failures[i].at_ps <= 0) apply_failure(i);
      else sim.schedule(Picoseconds(cfg.failures[i].at_ps), kFail, i);
    }
    if (cfg.sample_interval_ps > 0) {
      tier_tx.assign(static_cast<size_t>(f.tiers + 1), 0);
      tier_tx_at_last = tier_tx;
      next_sample = cfg.sample_interval_ps;
    }
    Due e;
    PacketSimResult r;
    while (sim.next(e)) {
      prefetch_ahead();
      while (next_sample > 0 && sim.now().count() >= next_sample && samples.size() < 20000) {
        take_sample(next_sample);
        next_sample += cfg.sample_interval_ps;
      }
      switch (e.kind) {
        case kTxDone: {
          Port& pt = ports[e.target];
          pt.txdone_pending = false;
          start_tx(e.target);
          break;
        }
        case kPfc: on_pfc(e.target); break;
        case kPace:
          flows[e.target].pace_pending = false;
          try_send(e.target);
          break;
        case kDcqcn: on_dcqcn_timer(e.target); break;
        case kArrive: on_arrive(e.target); break;
        case kFlowStart:
          if (graph && precedence.timed(e.target)) {
            sim.schedule(Picoseconds(precedence.take_lane(e.target, sim.now().count())), kTimedDone, e.target);
            break;
          }
          flows[e.target].last_progress = sim.now().count();
          if (cfg.transport == TransportKind::RoceDcqcn) arm_dcqcn(e.target);
          try_send(e.target);
          break;
        case kRto: on_rto(e.target); break;
        case kFail: apply_failure(e.target); break;
        case kTimedDone: {
          Flow& fl = flows[e.target];
          fl.done = fl.sender_done = true;
          fl.finish = sim.now().count();
          flow_finished(e.target);
          break;
        }
        default:
          if (cells) cells->handle(e.kind, e.target);
          break;
      }
      if ((sim.events_processed() & 0xffff) == 0) {
        if (progress) progress({sim.now(), sim.events_processed(), static_cast<double>(delivered_total) / static_cast<double>(std::max<int64_t>(1, offered_total))});
        if ((stop && *stop) || sim.events_processed() >= cfg.max_events) {
          r.stopped_early = true;
          break;
        }
      }
    }
    r.end = sim.now();
    r.events = sim.events_processed();
    r.data_packets = data_packets;
    r.ack_packets = ack_packets;
    r.drops = drops;
    r.ecn_marks = marks;
    r.retransmits = retransmits;
    r.duplicate_bytes = duplicate_bytes;
    r.peak_packets_in_flight = peak_packets;
    r.pauses = pauses;
    r.samples = std::move(samples);
    r.cnps = cnps;
    r.nacks = nacks;
    r.trims = trims;
    r.spurious_timeouts = spurious_timeouts;
    r.all_done = true;
    for (const Flow& fl : flows) {
      FlowStats s;
      s.src = fl.src;
      s.dst = fl.dst;
      s.bytes = fl.bytes;
      s.start = Picoseconds(fl.start);
      s.finish = Picoseconds(fl.finish);
      s.acked = Picoseconds(fl.acked_at);
      s.packets = fl.packets;
      s.retransmits = fl.retransmits;
      s.ecn_echoes = fl.echoes;
      s.cnps = fl.cnps;
      s.done = fl.done;
      r.all_done = r.all_done && fl.done;
      r.bytes_offered += fl.bytes;
      r.bytes_delivered += fl.delivered;
      r.flows.push_back(s);
    }
    if (cells) {  // the fabric links' traffic and queues are the cell fabric's
      for (uint32_t i = 0; i < ports.size(); ++i) {
        if (ports[i].tier != 2) continue;
        ports[i].tx_bytes += cells->port_tx_bytes(i);
        tier_max_queue[2] = std::max(tier_max_queue[2], cells->port_max_queue(i));
      }
      for (int k = 0; k < 64; ++k) qhist[2][k] += qhist_fabric[k];
      r.cells = cells->stats();
    }
    r.reordered_arrivals = reordered;
    r.failures = impacts;
    r.unroutable = unroutable;
    r.abandoned_flows = abandoned;
    const double dur = static_cast<double>(std::max<int64_t>(1, r.end.count())) * 1e-12;
    for (int t = 1; t <= f.tiers; ++t) {
      TierStats ts;
      ts.tier = t;
      double bits = 0, cap = 0;
      ts.queue_max_bytes = tier_max_queue[t];
      for (size_t i = 0; i < ports.size(); ++i) {
        const Port& pt = ports[i];
        const PortStats& st = port_stats[i];
        if (pt.tier != t) continue;
        bits += static_cast<double>(pt.tx_bytes) * 8;
        cap += static_cast<double>(st.bps) * dur;
        ts.ecn_marks += st.marks;
        ts.drops += st.drops;
        ts.pauses += st.pauses;
        const int64_t paused = st.paused_total + (pt.paused ? r.end.count() - st.paused_since : 0);
        ts.paused_fraction += static_cast<double>(paused);
        r.paused_time += Picoseconds(paused);
      }
      ts.utilisation = cap > 0 ? bits / cap : 0;
      {  // how evenly the tier's ports were used
        double sum = 0, sq = 0, n = 0;
        for (size_t i = 0; i < ports.size(); ++i) {
          const Port& pt = ports[i];
          if (pt.tier != t) continue;
          const double u = static_cast<double>(pt.tx_bytes) * 8 / (static_cast<double>(port_stats[i].bps) * dur);
          sum += u;
          sq += u * u;
          n += 1;
          ts.utilisation_max = std::max(ts.utilisation_max, u);
        }
        const double mean = n > 0 ? sum / n : 0;
        ts.utilisation_spread = mean > 0 ? std::sqrt(std::max(0.0, sq / n - mean * mean)) / mean : 0;
      }
      {
        int64_t n = 0;
        for (const Port& pt : ports) n += pt.tier == t;
        ts.paused_fraction = n > 0 ? ts.paused_fraction / (static_cast<double>(n) * static_cast<double>(std::max<int64_t>(1, r.end.count()))) : 0;
      }
      const auto& h = qhist[t];
      int64_t total = 0;
      for (int64_t c : h) total += c;
      int64_t acc = 0;
      for (int k = 0; k < 64 && total > 0; ++k) {
        acc += h[k];
        const int64_t upper = k == 0 ? 0 : (int64_t{1} << k) - 1;
        if (ts.queue_p50_bytes == 0 && acc * 2 >= total) ts.queue_p50_bytes = upper;
        if (acc * 100 >= total * 99) { ts.queue_p99_bytes = upper; break; }
      }
      r.tiers.push_back(ts);
    }
    return r;
  }
};

PacketSim::PacketSim(const Plan& plan, const PacketSimConfig& config) : impl_(new Impl(plan, config)) {}
PacketSim::~PacketSim() { delete impl_; }

void PacketSim::add_flow(const FlowSpec& fs) {
  Impl& m = *impl_;
  Flow fl;
  fl.src = fs.src;
  fl.dst = fs.dst;
  fl.bytes = std::max<int64_t>(1, fs.bytes);
  fl.start = fs.start.count();
  const int64_t mtu = m.cfg.mtu_bytes;
  fl.npkts = static_cast<uint32_t>((fl.bytes + mtu - 1) / mtu);
  fl.last_payload = static_cast<uint32_t>(fl.bytes - static_cast<int64_t>(fl.npkts - 1) * mtu);
  fl.bits.resize(fl.npkts);
  fl.cwnd = m.cfg.initial_window_bytes;
  fl.rate = fl.target = static_cast<double>(m.line_bps);
  fl.entropy = splitmix32((static_cast<uint64_t>(m.flows.size()) << 32) ^ m.cfg.seed);
  m.flows.push_back(std::move(fl));
}


uint32_t PacketSim::add_timed_flow(uint32_t lane, Picoseconds duration) {
  Impl& m = *impl_;
  const auto id = static_cast<uint32_t>(m.flows.size());
  m.flows.emplace_back();
  m.precedence.set_timed(id, lane, duration.count());
  return id;
}

void PacketSim::add_precedence(uint32_t before, uint32_t after, Picoseconds delay, bool when_sent) {
  impl_->precedence.add_edge(before, after, delay.count(), when_sent);
}

void PacketSim::set_min_duration(uint32_t flow, Picoseconds sent, Picoseconds finished) {
  impl_->precedence.set_min_duration(flow, sent.count(), finished.count());
}

PacketSimResult PacketSim::run(const volatile int* stop, const std::function<void(const PacketProgress&)>& progress) { return impl_->run(stop, progress); }

Picoseconds PacketSim::base_rtt() const { return Picoseconds(impl_->base_rtt_ps); }

}  // namespace aifabric
