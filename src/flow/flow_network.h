// The fabric as capacity resources for flow-level models: directed links, spraying bundles, scale-up ports,
// and routing of an XPU-to-XPU transfer (ECMP by hash, or ideal spraying) across planes.
#pragma once

#include <cstdint>
#include <vector>

#include "core/units.h"
#include "plan/plan.h"

namespace aifabric {

// Ecmp: each flow hashed onto one path. Spray: per packet over the routes the switches hold (around failures, each
// spine weighted by what it can still carry to the destination's leaf, route_weights.h). Pooled: every live link of
// a leaf's tier pooled as one, the relaxation no routing beats (the load bound's).
enum class PathMode : uint8_t { Ecmp, Spray, Pooled };

struct Usage {
  uint32_t resource = 0;
  float coef = 1.0f;  // share of the flow's rate that crosses this resource
};

struct FlowNetworkOptions {
  int header_bytes = 0;           // per 4 KiB packet on the wire; 0 = the fabric's link layer (topo/wire_format.h)
  bool pxn = true;                // rail designs: reach another rail through the scale-up domain (NCCL PXN)
  uint64_t seed = 1;              // ECMP hash seed
  std::vector<uint32_t> failed_links;  // link ids out of service (a failed switch: all its links)
};

class FlowNetwork {
 public:
  FlowNetwork(const Plan& plan, const FlowNetworkOptions& options = {});
  FlowNetwork(Plan&&, const FlowNetworkOptions& = {}) = delete;  // the plan must outlive the network

  size_t resource_count() const { return capacity_gbps_.size(); }
  const std::vector<double>& capacity_gbps() const { return capacity_gbps_; }
  double goodput_fraction() const { return goodput_; }

  // Appends the resources a transfer src -> dst (global XPU indices) crosses; `flow_key` feeds the ECMP hash.
  // Returns false when failures leave no path (nothing is appended then); latency is LatencyModel's. Around failures,
  // ECMP hashes over the live paths and spraying spreads over them, both with the spines weighted as switches weight
  // them (in 2-tier fabrics and inside a pod; across pods spraying pools the live links), pooling skips dead links,
  // and NICs stripe over the planes still reachable.
  bool route(uint32_t src, uint32_t dst, PathMode mode, uint64_t flow_key, std::vector<Usage>& out) const;

  const Plan& plan() const { return plan_; }
  // The scale-up port resources of an XPU: what it sends into, and receives from, the scale-up switch.
  uint32_t scale_up_egress(uint32_t xpu) const { return scale_up_base_ + 2 * xpu; }
  uint32_t scale_up_ingress(uint32_t xpu) const { return scale_up_base_ + 2 * xpu + 1; }
  // The links an XPU's NIC streams into the fabric's in-network reduction (up) or receives its result on (down),
  // striped over the planes still alive; false when none is.
  bool nic_links(uint32_t xpu, bool up, std::vector<Usage>& out) const;
  // Link tier a resource belongs to (1..3; a bundle: its links' tier), 0 for scale-up ports.
  int tier_of(uint32_t resource) const { return resource_tier_[resource]; }

 private:
  uint32_t nic_of(uint32_t xpu) const;
  uint32_t domain_of(uint32_t xpu) const;
  bool route_network(uint32_t nic_a, uint32_t nic_b, int plane, float coef, PathMode mode, uint64_t key, std::vector<Usage>& out, int& level) const;
  bool alive(uint32_t link) const { return dead_.empty() || !dead_[link]; }
  // Around failures, spraying from leaf la to leaf lb of the same pod: each spine's weighted share, link by link.
  bool spray_around_failures(uint32_t la, uint32_t lb, float coef, std::vector<Usage>& out) const;
  // Live links from `leaf` up to `spine`.
  uint32_t live_links_up(uint32_t leaf, uint32_t spine) const;

  const Plan& plan_;
  FlowNetworkOptions options_;
  double goodput_ = 1.0;
  std::vector<double> capacity_gbps_;
  // Resource ids: 2*link (up) and 2*link+1 (down); then bundles; then scale-up egress/ingress per XPU.
  // The plan's adjacency (fabric_index.h).
  const std::vector<uint32_t>& nic_link_;                        // [plane * nics + nic] -> tier-1 link
  const std::vector<uint32_t>&up_begin_, &up_links_;             // per node: its uplinks (CSR)
  const std::vector<uint32_t>&down_begin_, &down_links_;         // per node: its downlinks (CSR)
  const std::vector<std::pair<uint32_t, uint32_t>>& up_sorted_;  // per node (same offsets as up_links_): (upper, link), sorted
  std::vector<uint32_t> up_bundle_, down_bundle_;  // per switch node: bundle resource (or ~0)
  std::vector<uint32_t> pod_up_, pod_down_;        // 3-tier: per spine node, its pod's core-facing bundles
  std::vector<uint8_t> resource_tier_;
  std::vector<uint8_t> dead_;  // per link, when failures were given
  uint32_t scale_up_base_ = 0;
};

}  // namespace aifabric
