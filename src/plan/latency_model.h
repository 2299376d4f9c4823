// One model of the fabric's zero-load latency between two endpoints, shared by planner and every backend.
//
// The planner's analysis computes each path class (same leaf, via spine, via core) from the catalog's switch
// latencies (cut-through: the first packet's serialisation once), the planned link lengths (propagation) and the
// parts' DSP/FEC latency; this class says which class joins two NICs or two XPUs, from the planned fabric graph.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "core/units.h"
#include "plan/plan.h"

namespace aifabric {

class LatencyModel {
 public:
  explicit LatencyModel(const Plan& plan);

  // Highest tier a path between two NICs climbs: 1 on one leaf, 2 through a spine, 3 through a core.
  int tier_between_nics(uint32_t nic_a, uint32_t nic_b) const;
  Picoseconds between_nics(uint32_t nic_a, uint32_t nic_b) const { return path_class(tier_between_nics(nic_a, nic_b)); }
  // Between the NICs two XPUs use: the source's on the destination's rail in rail designs (PXN), its own otherwise.
  Picoseconds between_xpus(uint32_t xpu_a, uint32_t xpu_b) const;
  // The planned path class up to `tier` (analysis.latency), zero for tier 0.
  Picoseconds path_class(int tier) const { return class_[static_cast<size_t>(std::clamp(tier, 0, 3))]; }

  // The first packet's serialisation onto the host link, which every path class includes once.
  Picoseconds first_packet_serialisation() const { return serialisation_; }

  uint32_t nic_of(uint32_t xpu) const;
  // The NIC XPU `src` sends through toward `dst`'s NIC (PXN moves the data to the destination's rail first).
  uint32_t sending_nic(uint32_t src, uint32_t dst) const;

 private:
  const Plan& plan_;
  std::vector<uint32_t> leaf_;  // per NIC: its plane-0 leaf node
  std::vector<uint32_t> pod_;   // per NIC: the group of its leaf's first spine (3-tier pods)
  std::array<Picoseconds, 4> class_{};
  Picoseconds serialisation_{0};
};

}  // namespace aifabric
