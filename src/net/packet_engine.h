// The packet engine's state, shared by the files that implement it (internal to src/net/): PacketEngine and its
// members (the records are packet_records.h). Each part lives in its own file: ports and buffers (packet_ports.cpp),
// routing (packet_routing.cpp; its policy, path_policy.h), the NIC (packet_nic.cpp), failures (packet_failures.cpp),
// the build and run loop (packet_sim.cpp), the report at the end (packet_summary.cpp); the transports are behind
// packet_transport.h, the cell fabric behind cell_fabric.h, and every part registers the events it handles
// (sim/event_handlers.h).
#pragma once

#include "net/packet_config.h"
#include "net/packet_result.h"
#include "topo/route_weights.h"
#include "topo/wire_format.h"
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <unordered_map>
#include <fmt/format.h>
#include "core/input_error.h"
#include "core/rng.h"
#include "net/cell_fabric.h"
#include "net/flow_precedence.h"
#include "net/packet_records.h"
#include "net/packet_transport.h"
#include "net/path_policy.h"
#include "sim/event_handlers.h"
#include "sim/simulator.h"

namespace aifabric {

using namespace packet_detail;

struct PacketEngine final : CellFabricSink {
  const Plan& plan;
  const Fabric& f;
  PacketSimConfig cfg;
  Simulator sim;
  EventHandlers events;  // every part's events, registered as it is built
  // The engine's own event kinds (the transport's and the cell fabric's register themselves).
  uint32_t kTxDone = 0, kArrive = 0, kPfc = 0, kFlowStart = 0, kRto = 0, kPace = 0, kFail = 0, kTimedDone = 0;
  std::unique_ptr<Transport> transport;
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
  PathPolicy paths;           // the load-balancing policy: entropies, hashing, adaptive choice, planes
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
  int64_t nic_bdp_bytes = 0;  // a NIC's bandwidth-delay product over the longest path (all its planes)
  int64_t data_packets = 0, ack_packets = 0, drops = 0, marks = 0, retransmits = 0, duplicate_bytes = 0;
  int64_t ecn_kmin = 0, ecn_kmax = 0;
  int64_t data_wire_bytes = 0;  // a full data packet on the wire
  int64_t pauses = 0, cnps = 0, nacks = 0, trims = 0, spurious_timeouts = 0;
  bool trimming = false;
  int64_t line_bps = 0;
  // Sampling: bytes sent per tier since the start (running), next sampling time.
  std::vector<int64_t> tier_tx, tier_tx_at_last;
  int64_t next_sample = 0, last_sample = 0;
  std::vector<TierSample> samples;

  PacketEngine(const Plan& p, const PacketSimConfig& c)
      : plan(p), f(p.fabric), cfg(c), rng(c.seed), nic_link(p.index.nic_link), nic_leaf(p.index.nic_leaf), up_begin(p.index.up_begin),
        up_links(p.index.up_links), upsort(p.index.up_sorted), pod(p.index.pod) {
    register_events();
    build();
  }
  PacketEngine(const PacketEngine&) = delete;
  PacketEngine& operator=(const PacketEngine&) = delete;

  void register_events();

  // CellFabricSink: packets leaving the cell fabric go onto their egress host port.
  void deliver(PacketId packet, PortId egress_port) override {
    Packet& p = pool[packet.value()];
    p.node = f.links[link_of(egress_port).value()].upper.value();
    p.in_port = kNone;
    enqueue(egress_port.value(), packet.value());
  }
  int64_t egress_backlog(PortId egress_port) const override { return ports[egress_port.value()].queued; }
  void discard(PacketId id) override {
    const uint32_t packet = id.value();
    if (any_dead) {  // a cell lost on a failed link took its packet with it
      lose_packet(packet, last_failure);
      return;
    }
    ++drops;
    free_packet(packet);
  }

  int64_t ser(int64_t bytes, int64_t bps) const { return serialisation_time(bytes, BitRate(bps)).count(); }

  void build();

  // Calendar slots hold about 32 events when every port is busy (so sorting a slot stays cheap at any scale),
  // and the window spans two of the longest hops (so a packet's next event rarely waits outside it).
  void size_calendar();

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
  bool start_tx(uint32_t pid_port);

  // A data packet leaves the buffer of the switch it waited in (p.node, not yet moved on): the shared buffer has
  // that much more free, and, with PFC, its ingress there holds less.
  void leave_switch_buffer(const Packet& p);

  // PFC: data from upstream port `in_port` left the buffer here; below XON the port may send again.
  void release_held(uint32_t in_port, int64_t bytes);

  // PFC headroom of the ingress fed by upstream port `in_port` (PacketSimConfig::pfc_headroom_bytes).
  int64_t pfc_headroom(uint32_t in_port) const;

  void on_pfc(uint32_t target);

  // Dynamic thresholds (Choudhury and Hahne): a port of a switch with a shared buffer takes a packet while its
  // queue stays within alpha x the buffer still free; one congested port alone can fill alpha / (1 + alpha) of it.
  bool shared_admits(uint32_t node, int64_t queued, int64_t bytes) const;

  // ECN as switches configure it: no mark below kmin, certain above kmax, linear up to pmax between.
  void maybe_mark(Packet& p, int64_t queued, uint32_t counted_at);

  // The buffer's verdict on a data packet arriving at a switch port (PFC, limits, shared buffer, trimming, ECN).
  [[gnu::always_inline]] inline BufferVerdict admit(uint32_t port_id, Packet& p);  // inlined into enqueue

  void enqueue(uint32_t port_id, uint32_t id);

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
    if (paths.adaptive()) {
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
      return preferred_q - best_q > paths.adaptive_threshold_bytes() ? best : preferred;
    }
    return preferred;
  }

  // The ideal round robin (and adaptive routing's first choice) cycles each flow's data packets over a leaf's
  // uplinks (from a per-flow offset), so every uplink carries an even share of every flow; every other choice
  // (ECMP's, spraying's, REPS's) hashes the packet's entropy with the switch.
  uint32_t spread_choice(uint32_t node, const Packet& p, uint32_t n) const { return spread_hash(node, p) % n; }
  uint32_t spread_hash(uint32_t node, const Packet& p) const {
    return paths.spread_hash(node, p, [&] { return f.nodes[node].tier == 1; });
  }

  // Live links from `lower` up to `upper`.
  uint32_t live_links_up(uint32_t lower, uint32_t upper) const;

  // Around failures, a leaf going up to a spine above the destination's leaf: each live link up weighted by what
  // its spine can still carry to that leaf (route_weights.h), the packet's hash placed on the weighted line (a
  // Weyl step, so that consecutive entropies of a cycling policy spread as a weighted round robin does), and
  // adaptive routing free to leave that choice only for a link of the same weight (so that it balances queues without
  // undoing the weights). kNone: no way left.
  uint32_t choose_up_weighted(uint32_t node, const Packet& p, uint32_t dleaf);

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
  bool reaches(uint32_t spine, uint32_t leaf) const;

  // Three tiers: whether a core still has a live link down to a spine of the leaf's pod that reaches the leaf, and
  // whether a spine still has a live uplink to such a core (routes withdrawn at every tier, as a routing protocol
  // would once the failure is known).
  bool core_reaches(uint32_t core, uint32_t leaf) const;
  bool reaches_through_cores(uint32_t spine, uint32_t leaf) const;

  // Whether a leaf still has a way up and down to another leaf of its plane (planes a NIC can no longer use to
  // reach the destination are withdrawn, as their routes would be).
  bool leaf_reaches(uint32_t leaf, uint32_t dleaf) const;

  // The output port at `node` toward NIC `dst`; kNone when failures left no way.
  uint32_t route(uint32_t node, Packet& p, uint32_t dst);

  uint32_t payload(const Flow& fl, uint32_t seq) const { return seq + 1 == fl.npkts ? fl.last_payload : static_cast<uint32_t>(cfg.mtu_bytes); }

  // Sets the path entropy and plane of a new packet per the load-balancing policy.
  void pick_path(Flow& fl, Packet& p, bool data);

  // The plane a packet takes: flow-pinned policies hash it (`hash`), spraying and adaptive routing take the
  // planes in turn; after failures only among the planes where both ends are still attached, evenly.
  uint32_t choose_plane(Flow& fl, uint32_t hash, uint32_t from, uint32_t to);

  // A packet lost to a failure: counted against it, and (for data) remembered until delivered again.
  void lose_packet(uint32_t id, uint32_t failure);

  // A lost data packet arrived after all: the failure that lost it has recovered when none is left.
  void delivered_again(uint32_t flow_id, uint32_t seq);

  void apply_failure(uint32_t idx);

  // Control packets (acks, NACKs, CNPs) queue at the NIC at strict priority; data is pulled (below).
  void send_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts = -1);

  uint32_t make_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts = -1);

  // RFC 6298: the timeout follows the measured RTT (each ack echoes its own transmission's send time, so
  // samples are never ambiguous), never below the configured floor.
  void update_rtt(Flow& fl, int64_t rtt);
  int64_t rto_of(const Flow& fl) const { return (fl.srtt == 0 ? cfg.rto_ps : std::max(cfg.rto_ps, fl.srtt + 4 * fl.rttvar)) << fl.rto_backoff; }

  void arm_rto(uint32_t flow_id);

  // ---- Sending: a NIC port pulls the next packet from its ready flows, round robin, when its wire is free,
  // so congestion control and pacing act on the very next packet (not on a queue committed long before).

  // Whether the flow may put a packet on the wire now (window, outstanding limit, pacing); a flow held by
  // pacing gets a wake-up at its time.
  // `seq` and `again`: the packet it would send (a resend if `again`), when it may.
  bool can_send(uint32_t flow_id, uint32_t& seq, bool& again);

  // After anything that may let a flow send (start, ack, NACK, timeout, pacing): queue it at its NIC port.
  void try_send(uint32_t flow_id);

  // Puts the flow in the ring of the NIC port its next packet takes, and wakes that port (unless it is
  // `busy_port`, the one transmitting right now, which looks at its ring when it is done).
  void make_ready(uint32_t flow_id, uint32_t busy_port);

  void kick(uint32_t port_id);

  // A free NIC port takes the next ready flow that may send and builds its packet; kNone if none may.
  uint32_t pull_from_ready_flows(uint32_t port_id);

  // The flow's next data packet, with the sender's bookkeeping for it.
  uint32_t emit_data(uint32_t flow_id, uint32_t seq, bool again, uint32_t plane);

  int64_t bytes_between(const Flow& fl, uint32_t from, uint32_t to) const {
    if (to <= from) return 0;
    int64_t b = static_cast<int64_t>(to - from) * cfg.mtu_bytes;
    if (to == fl.npkts) b -= cfg.mtu_bytes - fl.last_payload;
    return b;
  }

  // After an acknowledgement: the sender is done when every packet is acknowledged, else it may send more.
  void ack_progress(uint32_t flow_id);

  // The retransmission timer: progress since it was armed re-arms it; seven timeouts in a row give up; else the
  // transport recovers.
  void on_rto(uint32_t flow_id);

  void on_arrive(uint32_t id);
  void on_tx_done(uint32_t port_id);
  void on_pace(uint32_t flow_id);
  void on_flow_start(uint32_t flow_id);
  void on_timed_done(uint32_t flow_id);

  // A route computed ahead of the packet's arrival holds at its arrival unless the choice depends on queues
  // at that moment (adaptive routing) or on links that may fail in between.
  bool hint_valid() const { return !paths.adaptive() && !any_dead && cfg.failures.empty(); }

  [[gnu::always_inline]] inline void prefetch_ahead();  // every event: inlined into the run loop

  void take_sample(int64_t now);

  int64_t delivered_total = 0, offered_total = 0;

  // A flow handed over its last new packet: in a dependency-graph run, the flows queued behind it may start.
  void flow_sent(uint32_t id);

  // A flow is done: in a dependency-graph run, the flows waiting for it may start.
  void flow_finished(uint32_t id);

  PacketSimResult run(const volatile int* stop, const std::function<void(const PacketProgress&)>& progress);
  // Fills in what the run reports once its events are done (packet_summary.cpp); `r` holds whether it stopped early.
  void summarise(PacketSimResult& r);
};

}  // namespace aifabric
