// The RoCEv2 transport: a reliable connection with go-back-N, NACKs and DCQCN rate control (CNPs, timer and byte
// stages), as the packet engine runs it.
#include "net/packet_engine.h"

namespace aifabric {

void PacketSim::Impl::dcqcn_increase(Flow& fl) {
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

void PacketSim::Impl::on_cnp(Flow& fl) {
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

void PacketSim::Impl::arm_dcqcn(uint32_t flow_id) {
  Flow& fl = flows[flow_id];
  if (fl.dcqcn_armed) return;
  fl.dcqcn_armed = true;
  sim.schedule_timer(Picoseconds(sim.now().count() + cfg.dcqcn.increase_timer_ps), kDcqcn, flow_id);
}

void PacketSim::Impl::on_dcqcn_timer(uint32_t flow_id) {
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

void PacketSim::Impl::on_data_roce(uint32_t id) {
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

void PacketSim::Impl::on_control_roce(uint32_t id) {
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

}  // namespace aifabric
