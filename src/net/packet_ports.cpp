// The packet engine's ports: transmission at line rate, per-port and shared buffers, ECN marking, PFC pause and
// resume, and what a switch does with an arriving packet (one verdict: forward, mark, hold, trim or drop).
#include "net/packet_engine.h"

namespace aifabric {

// Wakes a port that has something to send: now if its wire is free, else when it is (one TxDone at a time).
void PacketEngine::kick(uint32_t port_id) {
  Port& pt = ports[port_id];
  if (pt.txdone_pending || !has_eligible(pt)) return;
  if (pt.free_at <= sim.now().count()) {
    start_tx(port_id);
  } else {
    pt.txdone_pending = true;
    sim.schedule(Picoseconds(pt.free_at), kTxDone, port_id);
  }
}

// Starts the next eligible packet (control first; data unless paused); false if none may go.
bool PacketEngine::start_tx(uint32_t pid_port) {
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
void PacketEngine::leave_switch_buffer(const Packet& p) {
  if (p.type != kData) return;
  if (sharing) shared_used[p.node] -= p.size;
  if (cfg.pfc && p.in_port != kNone) release_held(p.in_port, p.size);
}

// PFC: data from upstream port `in_port` left the buffer here; below XON the port may send again.
void PacketEngine::release_held(uint32_t in_port, int64_t bytes) {
  PortStats& up = port_stats[in_port];
  up.held -= bytes;
  if (up.pause_requested && up.held <= up.xon) {
    up.pause_requested = false;
    sim.schedule(Picoseconds(sim.now().count() + ports[in_port].delay_ps + ports[in_port].ser_ack), kPfc, in_port);
  }
}

// PFC headroom of the ingress fed by upstream port `in_port` (PacketSimConfig::pfc_headroom_bytes).
int64_t PacketEngine::pfc_headroom(uint32_t in_port) const {
  if (cfg.pfc_headroom_bytes > 0) return cfg.pfc_headroom_bytes;
  const Port& pt = ports[in_port];
  const double in_flight_ps = 2.0 * pt.delay_ps + pt.ser_ack;
  return static_cast<int64_t>(static_cast<double>(port_stats[in_port].bps) / 8 * in_flight_ps * 1e-12) + 2 * data_wire_bytes;
}

void PacketEngine::on_pfc(uint32_t target) {
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
bool PacketEngine::shared_admits(uint32_t node, int64_t queued, int64_t bytes) const {
  if (!sharing || shared_size[node] <= 0) return true;
  const int64_t free_bytes = shared_size[node] - shared_used[node];
  return bytes <= free_bytes && static_cast<double>(queued + bytes) <= cfg.buffer_alpha * static_cast<double>(free_bytes);
}

// ECN as switches configure it: no mark below kmin, certain above kmax, linear up to pmax between.
void PacketEngine::maybe_mark(Packet& p, int64_t queued, uint32_t counted_at) {
  if (!cfg.ecn || p.type != kData || queued <= ecn_kmin) return;
  const bool mark = queued >= ecn_kmax ||
                    rng.uniform() < cfg.ecn_pmax * static_cast<double>(queued - ecn_kmin) / static_cast<double>(std::max<int64_t>(1, ecn_kmax - ecn_kmin));
  if (mark && !(p.flags & kCe)) {
    p.flags |= kCe;
    ++port_stats[counted_at].marks;
    ++marks;
  }
}

// The buffer's one verdict on a data packet arriving at a switch port bound for `port_id`: PFC (the ingress holds it,
// pausing upstream past XOFF; past the headroom it is dropped), then the per-port and shared limits of a lossy
// buffer (dropped, or trimmed when the transport can ask again), then ECN on what it queues.
inline BufferVerdict PacketEngine::admit(uint32_t port_id, Packet& p) {
  Port& pt = ports[port_id];
  if (cfg.pfc && p.in_port != kNone) {
    PortStats& up = port_stats[p.in_port];
    if (up.held + p.size > up.xoff + pfc_headroom(p.in_port)) {  // the headroom overflowed: PFC drops
      ++port_stats[port_id].drops;
      ++drops;
      return BufferVerdict::Drop;
    }
    up.held += p.size;
    if (!up.pause_requested && up.held > up.xoff) {
      up.pause_requested = true;
      // The pause frame crosses the link back: its serialisation and the link's delay.
      sim.schedule(Picoseconds(sim.now().count() + ports[p.in_port].delay_ps + ports[p.in_port].ser_ack), kPfc, p.in_port | kPauseBit);
    }
  }
  BufferVerdict verdict = BufferVerdict::Queue;
  if (!cfg.lossless && !cfg.pfc && (pt.queued + p.size > port_limit || !shared_admits(p.node, pt.queued, p.size))) {
    ++port_stats[port_id].drops;
    ++drops;
    if (!trimming) return BufferVerdict::Drop;
    verdict = BufferVerdict::Trim;
  } else {
    maybe_mark(p, pt.queued, port_id);
  }
  const int64_t q = pt.queued;
  tier_max_queue[pt.tier] = std::max(tier_max_queue[pt.tier], q);
  ++qhist[pt.tier][q <= 0 ? 0 : 64 - __builtin_clzll(static_cast<unsigned long long>(q))];
  return verdict;
}

void PacketEngine::enqueue(uint32_t port_id, uint32_t id) {
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
    switch (admit(port_id, p)) {
      case BufferVerdict::Drop:
        free_packet(id);
        return;
      case BufferVerdict::Trim:
        // The payload is cut and the header goes on at control priority, so the receiver can ask for the
        // packet at once instead of the sender waiting for a timeout.
        p.type = kTrimmed;
        p.size = static_cast<uint16_t>(cfg.header_bytes);
        ++trims;
        break;
      case BufferVerdict::Queue: break;
    }
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

void PacketEngine::on_arrive(uint32_t id) {
  Packet& p = pool[id];
  if (any_dead && p.in_port != kNone && ports[p.in_port].dead) {  // on the wire when the link failed
    lose_packet(id, port_stats[p.in_port].dead_by);
    return;
  }
  if (node_is_nic[p.node]) {
    transport->receive(PacketId(id));
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

}  // namespace aifabric
