// The packet engine's NIC: packets made and sent, a port pulling from its ready flows round robin, pacing, the RTO.
#include "net/packet_engine.h"

namespace aifabric {

// Control packets (acks, NACKs, CNPs) queue at the NIC at strict priority; data is pulled (below).
void PacketSim::Impl::send_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts) {
  const uint32_t id = make_packet(flow_id, seq, type, flags, echo_ts);
  const Flow& fl = flows[flow_id];
  enqueue(2 * nic_link[static_cast<size_t>(pool[id].plane) * E + (type == kData ? fl.src : fl.dst)], id);
}

uint32_t PacketSim::Impl::make_packet(uint32_t flow_id, uint32_t seq, uint8_t type, uint8_t flags, int64_t echo_ts) {
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
void PacketSim::Impl::update_rtt(Flow& fl, int64_t rtt) {
  if (fl.srtt == 0) {
    fl.srtt = rtt;
    fl.rttvar = rtt / 2;
  } else {
    const int64_t err = rtt > fl.srtt ? rtt - fl.srtt : fl.srtt - rtt;
    fl.rttvar = (3 * fl.rttvar + err) / 4;
    fl.srtt = (7 * fl.srtt + rtt) / 8;
  }
}

void PacketSim::Impl::arm_rto(uint32_t flow_id) {
  Flow& fl = flows[flow_id];
  if (!fl.rto.valid()) fl.rto = sim.schedule_timer(Picoseconds(sim.now().count() + rto_of(fl)), kRto, flow_id);
}

// The next packet a flow would send: a pending retransmission first, else new data; kNone if none.
uint32_t PacketSim::Impl::next_to_send(Flow& fl, bool& again) {
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
bool PacketSim::Impl::can_send(uint32_t flow_id) {
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
void PacketSim::Impl::try_send(uint32_t flow_id) {
  if (can_send(flow_id)) make_ready(flow_id, kNone);
}

// Puts the flow in the ring of the NIC port its next packet takes, and wakes that port (unless it is
// `busy_port`, the one transmitting right now, which looks at its ring when it is done).
void PacketSim::Impl::make_ready(uint32_t flow_id, uint32_t busy_port) {
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

void PacketSim::Impl::kick(uint32_t port_id) {
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
uint32_t PacketSim::Impl::pull_from_ready_flows(uint32_t port_id) {
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
uint32_t PacketSim::Impl::emit_data(uint32_t flow_id, uint32_t plane) {
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

}  // namespace aifabric
