// The spraying transport (UET-style): per-packet or coalesced selective acks, NSCC's delay- and ECN-driven window,
// loss detection by RACK and trimming, NACKs and selective resends after a timeout.
#include "net/spray_transport.h"

#include "net/packet_engine.h"

namespace aifabric {

SprayTransport::SprayTransport(PacketEngine& engine) : e_(engine) {
  const PacketSimConfig& cfg = e_.cfg;
  // The window's bounds: max_window_factor x the NIC's BDP (NSCC, UET's congestion control, starts there).
  const int64_t max_bdp_window = std::max<int64_t>(cfg.mtu_bytes, static_cast<int64_t>(cfg.max_window_factor * static_cast<double>(e_.nic_bdp_bytes)));
  target_rtt_ps_ = static_cast<int64_t>(cfg.delay_target_factor * static_cast<double>(e_.base_rtt_ps));
  min_window_ = std::max<int64_t>(1, cfg.mtu_bytes / 16);
  max_window_ = std::max(cfg.initial_window_bytes, max_bdp_window);
}

void SprayTransport::receive(PacketId packet) {
  const uint32_t id = packet.value();
  switch (e_.pool[id].type) {
    case kData: on_data(id); break;
    case kTrimmed: on_trimmed(id); break;
    case kNack: on_nack(id); break;
    default: on_ack(id); break;
  }
}

// Resends first; a window of bytes in flight. Paced only with a window below one packet (one packet per RTT x MTU /
// window), so a hundred senders into one port need not overflow it with a packet each.
uint32_t SprayTransport::next_to_send(Flow& fl, bool& again, bool& paced) {
  again = false;
  uint32_t seq = kNone;
  while (fl.rtx_head < fl.rtx.size()) {
    if (!fl.bits.test(kAcked, fl.rtx[fl.rtx_head])) {
      again = true;
      seq = fl.rtx[fl.rtx_head];
      break;
    }
    ++fl.rtx_head;
  }
  if (!again) {
    if (fl.next_seq >= fl.npkts) return kNone;
    seq = fl.next_seq;
  }
  if (fl.inflight > 0 && fl.inflight + e_.payload(fl, seq) > fl.cwnd) return kNone;
  paced = fl.cwnd < e_.cfg.mtu_bytes;
  return seq;
}

uint8_t SprayTransport::sending(FlowId flow, int64_t /*payload*/, bool again) {
  const PacketSimConfig& cfg = e_.cfg;
  Flow& fl = e_.flows[flow.value()];
  if (again) {  // the resend leaves the list of packets to resend
    fl.bits.set(kResent, fl.rtx[fl.rtx_head]);
    ++fl.rtx_head;
  }
  if (fl.cwnd < cfg.mtu_bytes) fl.next_send = e_.sim.now().count() + std::max(fl.srtt, e_.base_rtt_ps) * cfg.mtu_bytes / std::max<int64_t>(1, fl.cwnd);
  // Ack request (as UET's AR flag): on a resend, the flow's last packet and the one that fills the window, so a
  // coalescing receiver never sits on the acks a stalled sender waits for.
  return again || fl.next_seq == fl.npkts || fl.inflight + cfg.mtu_bytes > fl.cwnd ? kAr : 0;
}

bool SprayTransport::understands_trimming() const { return true; }

// The spray transport detects loss itself (trimming, RACK) and keeps a short timer for the tail.
int64_t SprayTransport::default_rto_ps(int64_t base_rtt_ps) const { return std::max<int64_t>(8 * base_rtt_ps, 10'000'000); }


void SprayTransport::on_data(uint32_t id) {
  Packet& p = e_.pool[id];
  Flow& fl = e_.flows[p.flow];
  const uint32_t seq = p.seq;
  const uint8_t ece = (p.flags & kCe) ? kEce : 0;
  const uint32_t flow_id = p.flow;
  const int64_t sent_at = p.sent_at;
  const bool asked = p.flags & kAr;
  e_.free_packet(id);
  if (seq > fl.rcv_next) ++e_.reordered;
  const bool first = fl.delivered == 0, duplicate = fl.bits.test(kReceived, seq);
  if (!duplicate) {
    fl.bits.set(kReceived, seq);
    while (fl.rcv_next < fl.npkts && fl.bits.test(kReceived, fl.rcv_next)) ++fl.rcv_next;
    if (!e_.lost_pending.empty()) e_.delivered_again(flow_id, seq);
    fl.delivered += e_.payload(fl, seq);
    fl.rx_unacked += e_.payload(fl, seq);
    e_.delivered_total += e_.payload(fl, seq);
    if (fl.delivered == fl.bytes) {
      fl.done = true;
      fl.finish = e_.sim.now().count();
      e_.flow_finished(flow_id);
    }
  } else {
    e_.duplicate_bytes += e_.payload(fl, seq);
  }
  // Coalesced acks: one per ack_coalesce_bytes of payload, and at once for a mark, an ack request (and the
  // stragglers below it), a duplicate, the flow's first and last packet.
  const bool straggler = seq < fl.rx_ar;
  if (asked) fl.rx_ar = std::max(fl.rx_ar, seq + 1);
  if (!(ece || asked || straggler || duplicate || first || fl.done || fl.rx_unacked >= e_.cfg.ack_coalesce_bytes)) return;
  fl.rx_unacked = 0;
  const uint32_t ack = e_.make_packet(flow_id, seq, kAck, ece, sent_at);
  e_.pool[ack].cum = fl.rcv_next;
  e_.pool[ack].sack = fl.bits.range(kReceived, sack_base(seq), seq);
  e_.enqueue(2 * e_.nic_link[static_cast<size_t>(e_.pool[ack].plane) * e_.E + fl.dst], ack);
}

// The spray transport's window, by the two signals an ack carries (after the Ultra Ethernet NSCC quadrants):
//   low delay, no mark  -> grow in proportion to the headroom below the delay target (recovers in a few RTTs);
//   low delay, mark     -> hold: a spraying transient the queue is already draining;
//   high delay, no mark -> grow by about one packet per window (fairness);
//   high delay, mark    -> shrink in proportion to the excess delay, at most once per RTT.
void SprayTransport::adjust_window(Flow& fl, int64_t rtt, bool marked, int64_t acked_bytes) {
  const int64_t now = e_.sim.now().count();
  const int64_t mtu = e_.cfg.mtu_bytes;
  const bool high = rtt > target_rtt_ps_;
  if (marked && high) {
    if (fl.last_delay_cut < 0 || now - fl.last_delay_cut > rtt) {
      const double cut = std::min(e_.cfg.max_decrease, static_cast<double>(rtt - target_rtt_ps_) / static_cast<double>(rtt));
      fl.cwnd = std::max<int64_t>(min_window_, static_cast<int64_t>(static_cast<double>(fl.cwnd) * (1 - cut)));
      fl.last_delay_cut = now;
    }
  } else if (!marked && !high) {
    const int64_t headroom = target_rtt_ps_ - std::max(rtt, e_.base_rtt_ps);
    const int64_t span = std::max<int64_t>(1, target_rtt_ps_ - e_.base_rtt_ps);
    fl.cwnd += acked_bytes * headroom / span;
  } else if (!marked) {
    fl.cwnd += mtu * acked_bytes / std::max<int64_t>(1, fl.cwnd);  // about one packet per window of acked data
  }
  fl.cwnd = std::min(fl.cwnd, max_window_);
}

void SprayTransport::on_ack(uint32_t id) {
  const Packet p = e_.pool[id];
  e_.free_packet(id);
  Flow& fl = e_.flows[p.flow];
  // What the ack newly covers: the packet that triggered it, everything below its cumulative point, its bitmap.
  int64_t acked_bytes = 0;
  uint32_t highest = 0;
  auto take = [&](uint32_t s) {
    if (fl.bits.test(kAcked, s)) return;
    fl.bits.set(kAcked, s);
    ++fl.acked_count;
    const int64_t pl = e_.payload(fl, s);
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
      ++e_.spurious_timeouts;
    }
    fl.rto_at = -1;
  }
  fl.last_progress = e_.sim.now().count();
  if (p.flags & kEce) ++fl.echoes;
  const int64_t now = e_.sim.now().count();
  const int64_t rtt = now - p.sent_at;  // from the data packet's departure on the wire
  e_.paths.acked(p.flow, p.seq, p.flags & kEce);
  e_.update_rtt(fl, rtt);
  adjust_window(fl, rtt, p.flags & kEce, acked_bytes);
  e_.ack_progress(p.flow);
}

// Loss detection without a timeout (after RACK, RFC 8985, by sequence): packets are first sent in order, so
// one still unacknowledged when a packet sent a window later (or 16 packets, if more) has been acknowledged
// was lost, not merely reordered by spraying; it is resent at once.
void SprayTransport::detect_losses(Flow& fl, uint32_t acked_seq) {
  while (fl.una < fl.npkts && fl.bits.test(kAcked, fl.una)) ++fl.una;
  const uint32_t window = static_cast<uint32_t>(std::max<int64_t>(16, fl.cwnd / e_.cfg.mtu_bytes));
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
    fl.inflight = std::max<int64_t>(0, fl.inflight - e_.payload(fl, s));
    ++fl.losses_detected;
  }
  fl.rack_scan = horizon;
}

// The receiver got a trimmed header: it asks the sender for that packet again.
void SprayTransport::on_trimmed(uint32_t id) {
  const uint32_t flow_id = e_.pool[id].flow, seq = e_.pool[id].seq;
  e_.free_packet(id);
  ++e_.nacks;
  e_.send_packet(flow_id, seq, kNack, 0);
}

// The sender learns a packet's payload was cut: it is resent first, and the window shrinks as for a mark.
void SprayTransport::on_nack(uint32_t id) {
  const Packet p = e_.pool[id];
  e_.free_packet(id);
  Flow& fl = e_.flows[p.flow];
  if (fl.sender_done || fl.bits.test(kAcked, p.seq)) return;
  fl.inflight = std::max<int64_t>(0, fl.inflight - e_.payload(fl, p.seq));
  if (fl.rtx_head == fl.rtx.size()) {  // reuse the list once it is spent
    fl.rtx.clear();
    fl.rtx_head = 0;
  }
  fl.rtx.push_back(p.seq);
  const int64_t now = e_.sim.now().count();
  if (fl.last_delay_cut < 0 || now - fl.last_delay_cut > e_.base_rtt_ps) {
    fl.cwnd = std::max<int64_t>(min_window_, static_cast<int64_t>(static_cast<double>(fl.cwnd) * (1 - e_.cfg.max_decrease)));
    fl.last_delay_cut = now;
  }
  fl.last_progress = now;
  e_.try_send(p.flow);
}

// No progress for a whole timeout: everything sent and not acked is presumed lost; resend it selectively.
void SprayTransport::timed_out(FlowId flow) {
  const uint32_t flow_id = flow.value();
  Flow& fl = e_.flows[flow_id];
  const int64_t now = e_.sim.now().count();
  fl.rtx.clear();
  fl.rtx_head = 0;
  for (uint32_t s = 0; s < fl.next_seq; ++s) if (!fl.bits.test(kAcked, s)) fl.rtx.push_back(s);
  // As TCP does: the window restarts from one packet and the timer backs off, so a timeout that was only
  // a long queue costs a few duplicates, not a window's worth.
  fl.inflight = 0;
  if (fl.rto_at < 0) fl.cwnd_before_rto = fl.cwnd;
  fl.rto_at = now;
  fl.cwnd = e_.cfg.mtu_bytes;
  fl.rto_backoff = std::min(fl.rto_backoff + 1, kMaxBackoff);
  fl.last_progress = now;
  e_.try_send(flow_id);
  e_.arm_rto(flow_id);
}

}  // namespace aifabric
