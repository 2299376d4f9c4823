// The RoCEv2 transport: a reliable connection with go-back-N, NACKs and DCQCN rate control (CNPs, timer and byte
// stages), as the packet engine runs it.
#include "net/roce_transport.h"

#include "net/packet_engine.h"

namespace aifabric {

RoceTransport::RoceTransport(PacketEngine& engine) : e_(engine) {
  timer_kind_ = e_.events.add<&RoceTransport::on_timer>("DCQCN timer", this);
}

void RoceTransport::prepare(size_t flows) {
  QueuePair q;
  q.rate = q.target = static_cast<double>(e_.line_bps);
  qps_.assign(flows, q);
}

void RoceTransport::start(FlowId flow) { arm_timer(flow.value()); }

void RoceTransport::receive(PacketId packet) {
  const uint32_t id = packet.value();
  if (e_.pool[id].type == kData) on_data(id);
  else on_control(id);
}

// In order, up to a queue pair's outstanding limit, every packet paced at the DCQCN rate.
uint32_t RoceTransport::next_to_send(Flow& fl, bool& again, bool& paced) {
  again = false;
  paced = true;
  return fl.next_seq < fl.npkts && fl.inflight < 64 * e_.cfg.initial_window_bytes ? fl.next_seq : kNone;
}

uint8_t RoceTransport::sending(FlowId flow, int64_t payload, bool /*again*/) {
  Flow& fl = e_.flows[flow.value()];
  QueuePair& q = qps_[flow.value()];
  // Pacing at the DCQCN rate: the next packet may leave one wire time at that rate later.
  fl.next_send = std::max(e_.sim.now().count(), fl.next_send) + static_cast<int64_t>(static_cast<double>(payload + e_.cfg.header_bytes) * 8e12 / q.rate);
  q.bytes_since_increase += payload;
  if (q.bytes_since_increase >= e_.cfg.dcqcn.byte_counter) {
    q.bytes_since_increase = 0;
    ++q.byte_stage;
    increase(q);
  }
  return 0;
}

// Go back to the first unacknowledged packet.
void RoceTransport::timed_out(FlowId flow) {
  const uint32_t flow_id = flow.value();
  Flow& fl = e_.flows[flow_id];
  fl.rto_backoff = std::min(fl.rto_backoff + 1, kMaxBackoff);
  fl.retransmits += fl.next_seq - fl.acked_count;
  e_.retransmits += fl.next_seq - fl.acked_count;
  fl.next_seq = fl.acked_count;
  fl.inflight = 0;
  fl.last_progress = e_.sim.now().count();
  e_.try_send(flow_id);
  e_.arm_rto(flow_id);
}

bool RoceTransport::understands_trimming() const { return false; }

// RoCE NICs time out in milliseconds (4.096 us x 2^timeout; NCCL's default timeout of 18 is about a second):
// 1 ms here, so queues under PFC do not look like loss.
int64_t RoceTransport::default_rto_ps(int64_t base_rtt_ps) const { return std::max<int64_t>(8 * base_rtt_ps, 1'000'000'000); }

double RoceTransport::min_rate() const { return e_.cfg.dcqcn.min_rate_fraction * static_cast<double>(e_.line_bps); }

void RoceTransport::increase(QueuePair& q) const {
  const DcqcnParams& d = e_.cfg.dcqcn;
  const double line = static_cast<double>(e_.line_bps);
  if (std::max(q.timer_stage, q.byte_stage) < d.fast_recovery_stages) {
    // fast recovery: halfway back to the target
  } else if (std::min(q.timer_stage, q.byte_stage) > d.fast_recovery_stages) {
    q.target = std::min(line, q.target + d.rhai_fraction * line);
  } else {
    q.target = std::min(line, q.target + d.rai_fraction * line);
  }
  q.rate = std::min(line, (q.target + q.rate) / 2);
}

void RoceTransport::on_cnp(uint32_t flow_id) {
  const DcqcnParams& d = e_.cfg.dcqcn;
  QueuePair& q = qps_[flow_id];
  q.target = q.rate;
  q.rate = std::max(min_rate(), q.rate * (1 - q.alpha / 2));
  q.alpha = (1 - d.g) * q.alpha + d.g;
  q.timer_stage = q.byte_stage = 0;
  q.bytes_since_increase = 0;
  q.last_cnp_received = e_.sim.now().count();
  ++e_.flows[flow_id].cnps;
  ++e_.cnps;
}

void RoceTransport::arm_timer(uint32_t flow_id) {
  QueuePair& q = qps_[flow_id];
  if (q.timer_armed) return;
  q.timer_armed = true;
  e_.sim.schedule_timer(Picoseconds(e_.sim.now().count() + e_.cfg.dcqcn.increase_timer_ps), timer_kind_, flow_id);
}

void RoceTransport::on_timer(uint32_t flow_id) {
  QueuePair& q = qps_[flow_id];
  q.timer_armed = false;
  if (e_.flows[flow_id].sender_done) return;
  const int64_t now = e_.sim.now().count();
  if (q.last_cnp_received < 0 || now - q.last_cnp_received >= e_.cfg.dcqcn.alpha_timer_ps) q.alpha *= (1 - e_.cfg.dcqcn.g);
  if (q.rate < static_cast<double>(e_.line_bps)) {
    ++q.timer_stage;
    increase(q);
  }
  arm_timer(flow_id);
}

void RoceTransport::on_data(uint32_t id) {
  Packet& p = e_.pool[id];
  const uint32_t flow_id = p.flow, seq = p.seq;
  const bool ce = p.flags & kCe;
  e_.free_packet(id);
  Flow& fl = e_.flows[flow_id];
  QueuePair& q = qps_[flow_id];
  const int64_t now = e_.sim.now().count();
  if (ce && now - q.last_cnp_sent >= e_.cfg.dcqcn.cnp_interval_ps) {
    q.last_cnp_sent = now;
    e_.send_packet(flow_id, 0, kCnp, 0);
  }
  if (seq == fl.rcv_next) {
    fl.bits.set(kReceived, seq);
    if (!e_.lost_pending.empty()) e_.delivered_again(flow_id, seq);
    fl.delivered += e_.payload(fl, seq);
    e_.delivered_total += e_.payload(fl, seq);
    ++fl.rcv_next;
    if (fl.delivered == fl.bytes) {
      fl.done = true;
      fl.finish = now;
      e_.flow_finished(flow_id);
    }
    e_.send_packet(flow_id, fl.rcv_next - 1, kAck, 0);
  } else if (seq > fl.rcv_next) {
    ++e_.reordered;
    // Out of order: go-back-N drops it and asks once for the expected packet.
    e_.duplicate_bytes += e_.payload(fl, seq);
    if (q.nacked_at != fl.rcv_next) {
      q.nacked_at = fl.rcv_next;
      ++e_.nacks;
      e_.send_packet(flow_id, fl.rcv_next, kNack, 0);
    }
  } else {
    e_.duplicate_bytes += e_.payload(fl, seq);
    if (fl.rcv_next > 0) e_.send_packet(flow_id, fl.rcv_next - 1, kAck, 0);
  }
}

void RoceTransport::on_control(uint32_t id) {
  const Packet p = e_.pool[id];
  e_.free_packet(id);
  Flow& fl = e_.flows[p.flow];
  if (p.type == kCnp) {
    on_cnp(p.flow);
    return;
  }
  if (fl.sender_done) return;
  if (p.type == kAck) {
    if (p.seq + 1 <= fl.acked_count) return;
    fl.acked_count = p.seq + 1;
    fl.next_seq = std::max(fl.next_seq, fl.acked_count);  // a late ack after going back: no need to resend that far
    fl.rto_backoff = 0;
    fl.last_progress = e_.sim.now().count();
  } else {  // NACK: everything before p.seq arrived; resend from there
    if (p.seq < fl.acked_count) return;
    fl.acked_count = p.seq;
    if (fl.next_seq > p.seq) {
      fl.retransmits += fl.next_seq - p.seq;
      e_.retransmits += fl.next_seq - p.seq;
      fl.next_seq = p.seq;
    }
    fl.last_progress = e_.sim.now().count();
  }
  fl.inflight = e_.bytes_between(fl, fl.acked_count, fl.next_seq);
  e_.ack_progress(p.flow);
}

}  // namespace aifabric
