// The packet engine's NIC: packets made and sent, a port pulling from its ready flows round robin, pacing, the RTO
// (what each transport decides is behind packet_transport.h).
#include "net/packet_engine.h"

namespace aifabric {

// Control packets (acks, NACKs, CNPs) queue at the NIC at strict priority; data is pulled (below).
void PacketEngine::send_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts) {
  const uint32_t id = make_packet(flow_id, seq, type, flags, echo_ts);
  const Flow& fl = flows[flow_id];
  enqueue(2 * nic_link[static_cast<size_t>(pool[id].plane) * E + (type == kData ? fl.src : fl.dst)], id);
}

uint32_t PacketEngine::make_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts) {
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
void PacketEngine::update_rtt(Flow& fl, int64_t rtt) {
  if (fl.srtt == 0) {
    fl.srtt = rtt;
    fl.rttvar = rtt / 2;
  } else {
    const int64_t err = rtt > fl.srtt ? rtt - fl.srtt : fl.srtt - rtt;
    fl.rttvar = (3 * fl.rttvar + err) / 4;
    fl.srtt = (7 * fl.srtt + rtt) / 8;
  }
}

void PacketEngine::arm_rto(uint32_t flow_id) {
  Flow& fl = flows[flow_id];
  if (!fl.rto.valid()) fl.rto = sim.schedule_timer(Picoseconds(sim.now().count() + rto_of(fl)), kRto, flow_id);
}

// Whether the flow may put a packet on the wire now (window, outstanding limit, pacing); a flow held by
// pacing gets a wake-up at its time.
bool PacketEngine::can_send(uint32_t flow_id, uint32_t& seq, bool& again) {
  Flow& fl = flows[flow_id];
  if (fl.sender_done || fl.pace_pending) return false;
  bool paced = false;
  seq = transport->next_to_send(fl, again, paced);
  if (seq == kNone) return false;
  const int64_t now = sim.now().count();
  if (paced && now < fl.next_send) {
    fl.pace_pending = true;
    sim.schedule(Picoseconds(fl.next_send), kPace, flow_id);
    return false;
  }
  return true;
}

// After anything that may let a flow send (start, ack, NACK, timeout, pacing): queue it at its NIC port.
void PacketEngine::try_send(uint32_t flow_id) {
  uint32_t seq;
  bool again;
  if (can_send(flow_id, seq, again)) make_ready(flow_id, kNone);
}

// Puts the flow in the ring of the NIC port its next packet takes, and wakes that port (unless it is
// `busy_port`, the one transmitting right now, which looks at its ring when it is done).
void PacketEngine::make_ready(uint32_t flow_id, uint32_t busy_port) {
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

// A free NIC port takes the next ready flow that may send and builds its packet; kNone if none may.
uint32_t PacketEngine::pull_from_ready_flows(uint32_t port_id) {
  Port& pt = ports[port_id];
  while (pt.head != kNone) {
    const uint32_t flow_id = list_pop(flows, pt.head, pt.tail);
    flows[flow_id].registered = false;
    uint32_t seq;
    bool again;
    if (!can_send(flow_id, seq, again)) continue;
    const uint32_t id = emit_data(flow_id, seq, again, f.links[port_id / 2].plane);
    if (can_send(flow_id, seq, again)) make_ready(flow_id, port_id);  // round robin: back to the end of a ring
    return id;
  }
  return kNone;
}

// The flow's next data packet, with the sender's bookkeeping for it.
uint32_t PacketEngine::emit_data(uint32_t flow_id, uint32_t seq, bool again, uint32_t plane) {
  Flow& fl = flows[flow_id];
  const int64_t pl = payload(fl, seq);
  if (again) {
    ++fl.retransmits;
    ++retransmits;
  } else {
    ++fl.next_seq;
    fl.unacked += pl;
    if (fl.next_seq == fl.npkts) flow_sent(flow_id);
  }
  fl.inflight += pl;
  ++fl.packets;
  const uint8_t flags = transport->sending(FlowId(flow_id), pl, again);  // pacing, rate, an ack request
  const uint32_t id = make_packet(flow_id, seq, kData, flags);
  pool[id].plane = static_cast<uint16_t>(plane);
  arm_rto(flow_id);
  return id;
}

// After an acknowledgement: the sender is done when every packet is acknowledged, else it may send more.
void PacketEngine::ack_progress(uint32_t flow_id) {
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

void PacketEngine::on_rto(uint32_t flow_id) {
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
  transport->timed_out(FlowId(flow_id));
}

}  // namespace aifabric
