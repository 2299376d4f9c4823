// The packet engine's records: a packet, a port and its statistics, a flow's per-packet bits and state, and the
// constants they share (internal to src/net/; one cache line per packet and per port, as the run loop needs).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/simulator.h"

namespace aifabric {

// The engine's own records and constants (only the engine's files include this header).
namespace packet_detail {

enum PacketType : uint8_t { kData = 0, kAck = 1, kNack = 2, kCnp = 3, kTrimmed = 4 };  // trimmed: a data header whose payload was cut
constexpr uint32_t kPauseBit = 0x80000000u;
constexpr uint8_t kCe = 1, kEce = 2, kAr = 4;  // congestion experienced, its echo, ack request
constexpr uint32_t kNone = 0xffffffffu;
constexpr int kMaxBackoff = 6;  // timeouts back off to 64 x RTO; one more and the flow is abandoned
// Packets, ports and flows are cold when their event comes (tens of thousands of events pass between a
// packet's scheduling and its arrival): the run loop fetches what an event will touch this many events ahead,
// in two stages (the packet first, then, with the packet in cache, its next port or its flow).
constexpr size_t kFetchPacketAhead = 16, kFetchNextAhead = 8, kFetchLastAhead = 3;

// What a switch's buffer does with an arriving data packet (marking it or pausing upstream on the way).
enum class BufferVerdict : uint8_t { Queue, Drop, Trim };

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
  bool pace_pending = false;
  int64_t packets = 0, retransmits = 0, echoes = 0, cnps = 0;
  int64_t start = 0, finish = 0;
  int64_t acked_at = -1;         // the last ack arrived
  int64_t losses_detected = 0;
  uint32_t flowlet = 0;
  int64_t last_tx = -1;
  int64_t rx_unacked = 0;        // spray receiver: payload arrived since its last ack
  uint32_t rx_ar = 0;            // spray receiver: one past the highest packet that asked for an ack
};
constexpr size_t kFlowHotBytes = 256;  // the part of a Flow the run loop prefetches

}  // namespace packet_detail

}  // namespace aifabric
