// The spraying transport (UET-style): per-packet or coalesced selective acks, NSCC's delay- and ECN-driven window,
// loss detection by RACK and trimming, NACKs and the retransmission timer.
#include "net/packet_engine.h"

namespace aifabric {

void PacketSim::Impl::on_data(uint32_t id) {
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
void PacketSim::Impl::adjust_window(Flow& fl, int64_t rtt, bool marked, int64_t acked_bytes) {
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

void PacketSim::Impl::on_ack(uint32_t id) {
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
void PacketSim::Impl::detect_losses(Flow& fl, uint32_t acked_seq) {
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
void PacketSim::Impl::on_trimmed(uint32_t id) {
  const uint32_t flow_id = pool[id].flow, seq = pool[id].seq;
  free_packet(id);
  ++nacks;
  send_packet(flow_id, seq, kNack, 0);
}

// The sender learns a packet's payload was cut: it is resent first, and the window shrinks as for a mark.
void PacketSim::Impl::on_nack(uint32_t id) {
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
void PacketSim::Impl::ack_progress(uint32_t flow_id) {
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

void PacketSim::Impl::on_rto(uint32_t flow_id) {
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

}  // namespace aifabric
