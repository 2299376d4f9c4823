// The latency every backend charges a collective: NCCL's per-hop endpoint costs plus the planned fabric's paths.
//
// NCCL's network latencies (hwLat NET) were measured end to end on NVIDIA's InfiniBand clusters: GPU, PCIe, NIC
// and proxy at both ends, plus that fabric's own path. aifabric keeps the endpoint part and puts the planned path
// of *this* fabric in place of the reference one: a hop between nodes costs net_hop - reference + path(src, dst).
// The reference is the zero-load leaf-spine-leaf path of a DGX H100 SuperPOD (QM9700, 400G SR4 to 800G SR8) as
// the planner computes it for examples/h100-1024-rail.yaml (a test keeps the two equal). Hops inside a node cost
// NCCL's NVLink figure (hwLat NVLINK), which includes the NVLink path.
#pragma once

#include "collective/schedule.h"
#include "core/units.h"
#include "plan/latency_model.h"

namespace aifabric {

inline constexpr Picoseconds kNcclReferencePath{1'463'440};

class CollectiveLatency {
 public:
  explicit CollectiveLatency(const Plan& plan) : plan_(plan), fabric_(plan) {}

  // One hop of a chunk from XPU src to XPU dst under the schedule's protocol constants.
  Picoseconds hop(const ProtocolConstants& c, uint32_t src, uint32_t dst) const;
  // What a transfer's data takes to reach where its successors start (dependency-graph execution): a hop for a
  // transfer between XPUs, an NVLink hop out of the switch, a hop between nodes out of the network, nothing into them.
  Picoseconds transit(const ProtocolConstants& c, const Transfer& t) const;
  // A phase's latency: the sum of its chain, or (step-synchronous) each repetition's slowest hop.
  Picoseconds phase(const Schedule& s, const Phase& ph) const;
  // NCCL's base latency, once per collective.
  Picoseconds base(const Schedule& s) const;

  const LatencyModel& fabric() const { return fabric_; }

 private:
  const Plan& plan_;
  LatencyModel fabric_;
};

}  // namespace aifabric
