// Switch-scheduled cell fabric inside the packet engine: virtual output queues at the ingress leaf element,
// a credit scheduler per egress port, packets cut into cells sprayed over every live fabric link, and
// in-order reassembly per VOQ at the egress leaf element. Lossless by construction: nothing enters the
// fabric without a credit from the port it is bound for.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "net/packet_config.h"
#include "net/packet_result.h"
#include "sim/event_handlers.h"
#include "sim/simulator.h"
#include "topo/fabric.h"
#include "topo/fabric_index.h"

namespace aifabric {

// What the cell fabric needs from the packet engine around it.
class CellFabricSink {
 public:
  virtual ~CellFabricSink() = default;
  // A packet leaves the fabric, in its VOQ's order, at the egress leaf element: queue it on `egress_port`.
  virtual void deliver(PacketId packet, PortId egress_port) = 0;
  // Bytes waiting on an egress port (credits pause while it is deep).
  virtual int64_t egress_backlog(PortId egress_port) const = 0;
  // The fabric gave up on a packet (VOQ memory full, or a cell lost on a failed link).
  virtual void discard(PacketId packet) = 0;
};

class CellFabric {
 public:
  // Ports are numbered as in the engine: 2 x link + 0 toward the upper end, + 1 toward the lower end.
  // `port_delay_ps`: propagation plus the receiving element's latency, per port.
  // It registers the events it handles (requests, grants, credits, cells) with `events`.
  CellFabric(const Fabric& f, const FabricIndex& index, const std::vector<int64_t>& port_delay_ps, Simulator& sim, EventHandlers& events,
             const CellFabricParams& params, CellFabricSink& sink, std::array<int64_t, 64>& fabric_queue_histogram);
  CellFabric(const CellFabric&) = delete;
  CellFabric& operator=(const CellFabric&) = delete;

  // A packet from a NIC is at its ingress leaf element `le`, bound for host port `egress_port`.
  void accept(uint32_t packet, uint32_t wire_bytes, uint32_t le, uint32_t egress_port, bool control);
  // Bytes waiting in the VOQ a packet from `le` to `egress_port` would join (for ECN marking).
  int64_t voq_bytes(uint32_t le, uint32_t egress_port, bool control) { return voqs_[voq_of(le, egress_port, control)].bytes; }
  // Takes a fabric link out of service: its queued cells are lost, and no cell is sprayed onto it again.
  void fail_link(uint32_t link);

  const CellFabricStats& stats() const { return stats_; }
  int64_t port_tx_bytes(uint32_t port) const { return ports_[port].tx_bytes; }
  int64_t port_max_queue(uint32_t port) const { return ports_[port].max_queue; }
  int64_t port_queued(uint32_t port) const { return ports_[port].queued; }
  // Time from a request to its grant's arrival and from a grant to the first cell's arrival, roughly.
  int64_t control_latency_ps() const { return control_ps_; }

 private:
  static constexpr uint32_t kNone = 0xffffffffu;
  static constexpr uint32_t kLostBit = 0x80000000u;  // in a reassembly slot: the packet was lost, skip it
  struct Voq {
    uint32_t le = 0, egress_port = 0;
    bool control = false, listed = false, requesting = false;
    std::vector<uint32_t> ring;  // packet ids waiting for credit (power-of-two ring)
    uint32_t head = 0, count = 0;
    int64_t bytes = 0, unrequested = 0, credit = 0;
    uint32_t next_seq = 0;       // departure order into the fabric
    // Egress reassembly: packets complete but waiting for a predecessor, by sequence.
    std::vector<uint32_t> held;
    uint32_t next_release = 0;
    uint32_t next_in_list = 0xffffffffu;
  };
  struct Scheduler {  // one per egress host port
    uint32_t head[2] = {0xffffffffu, 0xffffffffu}, tail[2] = {0xffffffffu, 0xffffffffu};  // [0] control, [1] data
    bool ticking = false;
    int64_t bps = 0;
    int64_t next_allowed = 0;  // pacing: the earliest time of the next credit
  };
  struct Grant {  // a credit on its way back to its VOQ
    uint32_t voq = 0, bytes = 0, next_free = 0xffffffffu;
  };
  struct Cell {
    uint32_t packet = 0, voq = 0, node = 0, in_port = 0xffffffffu, next_free = 0xffffffffu;
    uint16_t wire = 0;
  };
  struct CellPort {
    std::vector<uint32_t> ring;
    uint32_t head = 0, count = 0;
    int64_t free_at = 0, bps = 0, delay_ps = 0, queued = 0, tx_bytes = 0, max_queue = 0;
    uint32_t to = 0;
    bool busy = false, dead = false;
  };

  uint32_t voq_of(uint32_t le, uint32_t egress_port, bool control);
  void push_list(Scheduler& s, uint32_t voq);
  void on_request(uint32_t voq);
  void on_credit(uint32_t egress_port);
  void on_grant(uint32_t voq);
  void send_cells(uint32_t voq, uint32_t packet, uint32_t wire_bytes);
  void enqueue_cell(uint32_t port, uint32_t cell);
  void start_tx(uint32_t port);
  void on_cell_arrive(uint32_t cell);
  void on_cell_tx_done(uint32_t port);
  void cell_done(uint32_t packet, uint32_t voq);
  void release(uint32_t voq, uint32_t packet);
  uint32_t uplink_for(uint32_t le, uint32_t egress_le);
  uint32_t downlink_for(uint32_t fe, uint32_t egress_le, bool advance);
  void lose_cell(uint32_t cell);
  uint32_t alloc_cell();
  void ensure_packet(uint32_t packet);

  const Fabric& f_;
  Simulator& sim_;
  uint32_t kRequest = 0, kGrant = 0, kCredit = 0, kCellTx = 0, kCellArrive = 0;  // its event kinds, as registered
  CellFabricParams p_;
  CellFabricSink& sink_;
  std::array<int64_t, 64>& qhist_;
  int cell_bytes_ = 256;
  int64_t control_ps_ = 0;
  std::vector<CellPort> ports_;
  std::vector<Scheduler> schedulers_;  // by tier-1 link
  std::vector<Voq> voqs_;
  std::unordered_map<uint64_t, uint32_t> voq_index_;
  std::vector<Cell> cells_;
  uint32_t free_cell_ = 0xffffffffu;
  std::vector<Grant> grants_;
  uint32_t free_grant_ = 0xffffffffu;
  // Per packet id: cells not yet accounted for, whether one was lost, its sequence in its VOQ.
  std::vector<uint16_t> cells_left_;
  std::vector<uint8_t> lost_;
  std::vector<uint32_t> voq_seq_;
  std::vector<uint16_t> wire_;
  // Fabric links per leaf element (uplinks, CSR) and sorted (fabric element, link) for the way down: the plan's.
  const std::vector<uint32_t>&up_begin_, &up_links_;
  const std::vector<std::pair<uint32_t, uint32_t>>& up_sorted_;
  std::vector<uint32_t> spray_next_;
  std::vector<uint32_t> down_next_;  // per fabric element: spray position for the way down
  std::vector<int64_t> le_bytes_;
  int64_t le_buffer_ = 0;
  bool any_dead_ = false;
  CellFabricStats stats_;
};

}  // namespace aifabric
