// The packet-level engine over a planned fabric: serialising ports, propagation, output-queued switches with
// ECN marking and drops, ECMP / spraying / flowlet / adaptive routing, and a spraying transport with
// per-packet acks, selective retransmission and an ECN-driven window. Its configuration: packet_config.h; what a
// run reports: packet_result.h.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/ids.h"
#include "core/units.h"
#include "net/packet_config.h"
#include "net/packet_result.h"
#include "plan/plan.h"

namespace aifabric {

// The engine behind PacketSim (internal to src/net/: packet_engine.h).
struct PacketEngine;

class PacketSim {
 public:
  // The plan must outlive the engine (a temporary is refused).
  PacketSim(const Plan& plan, const PacketSimConfig& config);
  PacketSim(Plan&&, const PacketSimConfig&) = delete;
  ~PacketSim();
  PacketSim(const PacketSim&) = delete;
  PacketSim& operator=(const PacketSim&) = delete;
  FlowId add_flow(const FlowSpec& f);  // flows are numbered in the order they are added (timed ones included)
  // Dependency-graph runs. A flow that moves no packets: once started it holds `lane` (a serial resource the caller
  // numbers, e.g. an XPU's NVLink port; kNoLane: none) for `duration`, after the lane's earlier holders.
  static constexpr uint32_t kNoLane = 0xffff'ffffu;
  FlowId add_timed_flow(uint32_t lane, Picoseconds duration);
  // `after` starts once every flow it follows has finished, `delay` after the last of them (its start is ignored);
  // with `when_sent`, once `before`'s sender has handed over its last new packet.
  void add_precedence(FlowId before, FlowId after, Picoseconds delay, bool when_sent = false);
  // For the flows that follow it, the flow counts as sent no earlier than `sent` after it started, and as
  // finished no earlier than `finished` (a rate cap the wire does not enforce).
  void set_min_duration(FlowId flow, Picoseconds sent, Picoseconds finished);
  PacketSimResult run(const volatile int* stop = nullptr, const std::function<void(const PacketProgress&)>& progress = {});
  // Zero-load path time of one data packet between two NICs (for tests): serialisation per hop + links + switches.
  Picoseconds base_rtt() const;

 private:
  std::unique_ptr<PacketEngine> impl_;
};

}  // namespace aifabric
