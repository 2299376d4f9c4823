// Weighted multipath around failures: the share of a leaf pair's traffic each spine (and each link up to it) takes.
#pragma once

#include <algorithm>
#include <cstdint>

namespace aifabric {

// Once failures are known, routes are withdrawn and reweighted, as weighted-ECMP fabrics do (UCMP, BGP's
// link-bandwidth community, WCMP): a leaf gives each spine a share of its traffic to another leaf in proportion to
// what the two hops through that spine can still carry, the smaller of its live links up from the source leaf and
// down to the destination's leaf, and spreads that share evenly over its live links up. Planner-free and shared: the
// packet engine and the flow model split traffic by these same weights, so they differ only in how packets queue.
inline uint32_t spine_path_links(uint32_t live_up, uint32_t live_down) { return std::min(live_up, live_down); }

// Integer weights of one live link up (exact for up to 16 parallel links to one spine, which divide this scale).
inline constexpr uint32_t kUplinkWeightScale = 720720;
inline uint32_t uplink_weight(uint32_t live_up, uint32_t live_down) {
  return live_up == 0 ? 0 : static_cast<uint32_t>(uint64_t{spine_path_links(live_up, live_down)} * kUplinkWeightScale / live_up);
}

}  // namespace aifabric
