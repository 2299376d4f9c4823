// The packet engine's routing over the shared adjacency: the candidate links at each tier, the weighted choice around
// failures, route withdrawal (which switch still reaches which leaf), the NIC's path and plane; the policy's part of
// each choice (hashing, spraying, flowlets, adaptive, REPS) is path_policy.h's.
#include "net/packet_engine.h"

namespace aifabric {

// Live links from `lower` up to `upper`.
uint32_t PacketEngine::live_links_up(uint32_t lower, uint32_t upper) const {
  const auto [lo, hi] = key_range(upsort, up_begin[lower], up_begin[lower + 1], upper);
  uint32_t n = 0;
  for (const Keyed* it = lo; it != hi; ++it) n += !ports[2 * it->second].dead;
  return n;
}

// Around failures, a leaf going up to a spine above the destination's leaf: each live link up weighted by what
// its spine can still carry to that leaf (route_weights.h), the packet's hash placed on the weighted line (a
// Weyl step, so that consecutive entropies of a cycling policy spread as a weighted round robin does), and
// adaptive routing free to leave that choice only for a link of the same weight (so that it balances queues without
// undoing the weights). kNone: no way left.
uint32_t PacketEngine::choose_up_weighted(uint32_t node, const Packet& p, uint32_t dleaf) {
  weighted_scratch.clear();
  uint64_t total = 0;
  const uint32_t b = up_begin[node], e = up_begin[node + 1];
  for (uint32_t k = b; k < e;) {
    const uint32_t spine = upsort[k].first;
    uint32_t j = k, up = 0;
    for (; j < e && upsort[j].first == spine; ++j) up += !ports[2 * upsort[j].second].dead;
    const uint32_t w = up > 0 ? uplink_weight(up, live_links_up(dleaf, spine) /* the spine's links down */) : 0;
    for (uint32_t m = k; w > 0 && m < j; ++m) {
      if (ports[2 * upsort[m].second].dead) continue;
      total += w;
      weighted_scratch.push_back({2 * upsort[m].second, total});
    }
    k = j;
  }
  if (weighted_scratch.empty()) return kNone;
  const uint64_t spread = (static_cast<uint64_t>(spread_hash(node, p)) * 0x9e3779b97f4a7c15ULL) >> 32;
  const uint64_t target = (spread * total) >> 32;
  size_t c = 0;
  while (weighted_scratch[c].second <= target) ++c;
  if (!paths.adaptive()) return weighted_scratch[c].first;
  const auto weight = [&](size_t i) { return weighted_scratch[i].second - (i == 0 ? 0 : weighted_scratch[i - 1].second); };
  const int64_t now = sim.now().count();
  const auto depth = [&](uint32_t port) { return ports[port].queued + (ports[port].free_at > now ? cfg.mtu_bytes : 0); };
  const uint64_t w = weight(c);
  const int64_t preferred_q = depth(weighted_scratch[c].first);
  size_t best = c;
  int64_t best_q = preferred_q;
  for (size_t i = 0; i < weighted_scratch.size(); ++i) {
    if (weight(i) != w) continue;
    const int64_t q = depth(weighted_scratch[i].first);
    if (q < best_q) { best_q = q; best = i; }
  }
  return weighted_scratch[preferred_q - best_q > paths.adaptive_threshold_bytes() ? best : c].first;
}

// Whether a spine still has a live link down to a leaf (leaves stop using spines that lost the way down,
// as withdrawn routes would make them).
bool PacketEngine::reaches(uint32_t spine, uint32_t leaf) const {
  const auto [lo, hi] = key_range(upsort, up_begin[leaf], up_begin[leaf + 1], spine);
  for (const Keyed* it = lo; it != hi; ++it) {
    if (!ports[2 * it->second + 1].dead) return true;
  }
  return false;
}

// Three tiers: whether a core still has a live link down to a spine of the leaf's pod that reaches the leaf, and
// whether a spine still has a live uplink to such a core (routes withdrawn at every tier, as a routing protocol
// would once the failure is known).
bool PacketEngine::core_reaches(uint32_t core, uint32_t leaf) const {
  const auto [lo, hi] = key_range(coredown, coredown_begin[core], coredown_begin[core + 1], pod[leaf]);
  for (const Keyed* it = lo; it != hi; ++it) {
    if (!ports[2 * it->second + 1].dead && reaches(f.links[it->second].lower.value(), leaf)) return true;
  }
  return false;
}

bool PacketEngine::reaches_through_cores(uint32_t spine, uint32_t leaf) const {
  for (uint32_t k = up_begin[spine]; k < up_begin[spine + 1]; ++k) {
    const uint32_t link = up_links[k];
    if (!ports[2 * link].dead && core_reaches(f.links[link].upper.value(), leaf)) return true;
  }
  return false;
}

// Whether a leaf still has a way up and down to another leaf of its plane (planes a NIC can no longer use to
// reach the destination are withdrawn, as their routes would be).
bool PacketEngine::leaf_reaches(uint32_t leaf, uint32_t dleaf) const {
  if (leaf == dleaf) return true;
  for (uint32_t k = up_begin[leaf]; k < up_begin[leaf + 1]; ++k) {
    const uint32_t link = up_links[k];
    if (ports[2 * link].dead) continue;
    const uint32_t above = f.links[link].upper.value();
    if (f.tiers == 2 || pod[above] == pod[dleaf] ? reaches(above, dleaf) : reaches_through_cores(above, dleaf)) return true;
  }
  return false;
}

// The output port at `node` toward NIC `dst`; kNone when failures left no way.
uint32_t PacketEngine::route(uint32_t node, Packet& p, uint32_t dst) {
  const Node& nd = f.nodes[node];
  const size_t k = static_cast<size_t>(p.plane) * E + dst;
  const uint32_t dleaf = nic_leaf[k];
  const auto any = [](uint32_t) { return true; };
  if (node == dleaf) return any_dead && ports[2 * nic_link[k] + 1].dead ? kNone : 2 * nic_link[k] + 1;
  auto going_down = [&](uint32_t from) {
    // Links from `dleaf` up to `from`: the leaf's sorted uplinks with upper == from.
    const auto range = key_range(upsort, up_begin[dleaf], up_begin[dleaf + 1], from);
    const Keyed *lo = range.first, *hi = range.second;  // named, not bound: lambdas below capture them
    const uint32_t n = static_cast<uint32_t>(hi - lo);
    if (n == 0) return kNone;
    const uint32_t c = choose(node, p, n, [&](uint32_t k) { return 2 * (lo + k)->second + 1; }, any);
    return c == kNone ? kNone : 2 * (lo + c)->second + 1;
  };
  auto going_up = [&]() {
    const uint32_t b = up_begin[node], n = up_begin[node + 1] - b;
    if (any_dead && nd.tier == 1 && (f.tiers == 2 || pod[node] == pod[dleaf])) return choose_up_weighted(node, p, dleaf);
    // Only toward switches that still have a way to the destination's leaf.
    const auto usable = [&](uint32_t k) {
      const uint32_t above = f.links[up_links[b + k]].upper.value();
      if (nd.tier == 2) return core_reaches(above, dleaf);                        // spine to core
      if (f.tiers == 2 || pod[above] == pod[dleaf]) return reaches(above, dleaf);  // leaf to a spine above the leaf
      return reaches_through_cores(above, dleaf);                                  // leaf to a spine of another pod
    };
    const uint32_t c = choose(node, p, n, [&](uint32_t k) { return 2 * up_links[b + k]; }, usable);
    return c == kNone ? kNone : 2 * up_links[b + c];
  };
  if (nd.tier == 1) return going_up();
  if (nd.tier == 2) {
    if (f.tiers == 2 || pod[node] == pod[dleaf]) return going_down(node);
    return going_up();
  }
  // Core: down to a spine of the destination's pod, then that spine forwards to the leaf.
  const auto range = key_range(coredown, coredown_begin[node], coredown_begin[node + 1], pod[dleaf]);
  const Keyed *lo = range.first, *hi = range.second;
  const uint32_t n = static_cast<uint32_t>(hi - lo);
  if (n == 0) return kNone;
  const uint32_t c = choose(node, p, n, [&](uint32_t k) { return 2 * (lo + k)->second + 1; },
                            [&](uint32_t k) { return reaches(f.links[(lo + k)->second].lower.value(), dleaf); });
  return c == kNone ? kNone : 2 * (lo + c)->second + 1;
}

// Sets the path entropy and plane of a new packet per the load-balancing policy.
void PacketEngine::pick_path(Flow& fl, Packet& p, bool data) {
  const int64_t now = sim.now().count();
  p.entropy = paths.entropy(fl, p.flow, p.seq, data, now, rng);
  const uint32_t from = data ? fl.src : fl.dst, to = data ? fl.dst : fl.src;
  if (data) return;  // data takes the plane of the NIC port that pulls it
  p.plane = static_cast<uint16_t>(choose_plane(fl, p.entropy, from, to));
}

// The plane a packet takes: flow-pinned policies hash it (`hash`), spraying and adaptive routing take the
// planes in turn; after failures only among the planes where both ends are still attached, evenly.
uint32_t PacketEngine::choose_plane(Flow& fl, uint32_t hash, uint32_t from, uint32_t to) {
  const uint32_t sel = paths.plane_selector(fl, hash);
  const uint32_t P = static_cast<uint32_t>(f.planes);
  if (P == 1) return 0;
  if (!any_dead) return sel % P;
  live_scratch.clear();
  for (uint32_t plane = 0; plane < P; ++plane) {
    const size_t base = static_cast<size_t>(plane) * E;
    if (!ports[2 * nic_link[base + from]].dead && !ports[2 * nic_link[base + to] + 1].dead && leaf_reaches(nic_leaf[base + from], nic_leaf[base + to])) {
      live_scratch.push_back(plane);
    }
  }
  return live_scratch.empty() ? sel % P : live_scratch[sel % live_scratch.size()];
}

}  // namespace aifabric
