// The interface between the packet engine and a transport: what a packet reaching its NIC means, whether a flow may
// send now, what sending does to it, and what a timeout does. Each transport is its own files (spray_transport.*,
// roce_transport.*) and registers its own timers' events; make_transport (transport_registry.h) picks one.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/ids.h"

namespace aifabric {

struct PacketEngine;  // what a transport acts on (packet_engine.h)
namespace packet_detail {
struct Flow;
}

class Transport {
 public:
  virtual ~Transport() = default;
  // Before the run, once every flow has been added.
  virtual void prepare(size_t flows) { (void)flows; }
  // A flow begins sending.
  virtual void start(FlowId flow) { (void)flow; }
  // A packet reached the NIC it was addressed to (data at its receiver, control at its sender); the transport
  // consumes it.
  virtual void receive(PacketId packet) = 0;
  // The packet the flow would send next, a resend (again = true) or new data, if its window (or outstanding limit)
  // lets it; kNone (0xffffffff) if none may go. `paced`: it waits for its pacing time (Flow::next_send) first.
  virtual uint32_t next_to_send(packet_detail::Flow& fl, bool& again, bool& paced) = 0;
  // The flow sends `payload` bytes (a resend if `again`): its pacing and rate bookkeeping; returns the packet's flags.
  virtual uint8_t sending(FlowId flow, int64_t payload, bool again) = 0;
  // No progress for a whole timeout (and the sender has not given up): recover.
  virtual void timed_out(FlowId flow) = 0;
  // Whether a full queue may cut a packet to its header (the receiver asks for it again).
  virtual bool understands_trimming() const = 0;
  // The retransmission timeout when the configuration sets none.
  virtual int64_t default_rto_ps(int64_t base_rtt_ps) const = 0;
};

}  // namespace aifabric
