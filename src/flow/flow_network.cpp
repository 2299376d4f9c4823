// FlowNetwork: resources and routing over a planned fabric, for the flow and analytic backends.
#include "flow/flow_network.h"

#include "core/rng.h"
#include "topo/route_weights.h"
#include "topo/wire_format.h"

#include <algorithm>

namespace aifabric {

namespace {

constexpr uint32_t kNone = 0xffffffffu;

}  // namespace

FlowNetwork::FlowNetwork(const Plan& plan, const FlowNetworkOptions& options)
    : plan_(plan), options_(options), nic_link_(plan.index.nic_link), up_begin_(plan.index.up_begin), up_links_(plan.index.up_links),
      down_begin_(plan.index.down_begin), down_links_(plan.index.down_links), up_sorted_(plan.index.up_sorted) {
  const Fabric& f = plan.fabric;
  WireFormat wire = wire_format(plan.fabric);
  if (options.header_bytes > 0) wire.overhead_bytes = options.header_bytes;
  goodput_ = wire.goodput();
  const size_t L = f.links.size();
  const size_t N = f.nodes.size();
  if (!options.failed_links.empty()) {
    dead_.assign(L, 0);
    for (uint32_t l : options.failed_links) if (l < L) dead_[l] = 1;
  }
  capacity_gbps_.assign(2 * L, 0.0);
  for (size_t i = 0; i < L; ++i) capacity_gbps_[2 * i] = capacity_gbps_[2 * i + 1] = alive(static_cast<uint32_t>(i)) ? f.links[i].gbps * goodput_ : 0.0;

  // Spraying bundles: a switch's uplinks, up and down. Under uniform spraying every link of a bundle
  // carries the same load, so the bundle's total capacity constrains exactly as its links do.
  up_bundle_.assign(N, kNone);
  down_bundle_.assign(N, kNone);
  for (uint32_t n = 0; n < N; ++n) {
    if (up_begin_[n + 1] == up_begin_[n]) continue;
    double cap = 0;
    for (uint32_t k = up_begin_[n]; k < up_begin_[n + 1]; ++k) cap += alive(up_links_[k]) ? f.links[up_links_[k]].gbps * goodput_ : 0.0;
    up_bundle_[n] = static_cast<uint32_t>(capacity_gbps_.size());
    capacity_gbps_.push_back(cap);
    down_bundle_[n] = static_cast<uint32_t>(capacity_gbps_.size());
    capacity_gbps_.push_back(cap);
  }
  // 3-tier pods: the core-facing links of all spines of a pod form one bundle each way. A pod is named
  // by the first leaf below its spines (every leaf of a pod reaches every spine of the pod).
  pod_up_.assign(N, kNone);
  pod_down_.assign(N, kNone);
  if (f.tiers == 3) {
    std::vector<uint32_t> pod_key(N, kNone);
    for (uint32_t n = 0; n < N; ++n) {
      if (f.nodes[n].tier != 2) continue;
      uint32_t key = kNone;
      for (uint32_t k = down_begin_[n]; k < down_begin_[n + 1]; ++k) key = std::min(key, f.links[down_links_[k]].lower.value());
      pod_key[n] = key;
    }
    std::vector<uint32_t> bundle_of_key(N, kNone);
    for (uint32_t n = 0; n < N; ++n) {
      if (pod_key[n] == kNone) continue;
      uint32_t& b = bundle_of_key[pod_key[n]];
      if (b == kNone) {
        b = static_cast<uint32_t>(capacity_gbps_.size());
        capacity_gbps_.push_back(0);
        capacity_gbps_.push_back(0);
      }
      for (uint32_t k = up_begin_[n]; k < up_begin_[n + 1]; ++k) {
        if (!alive(up_links_[k])) continue;
        capacity_gbps_[b] += f.links[up_links_[k]].gbps * goodput_;
        capacity_gbps_[b + 1] += f.links[up_links_[k]].gbps * goodput_;
      }
      pod_up_[n] = b;
      pod_down_[n] = b + 1;
    }
  }
  // Tiers of the link and bundle resources (bundles carry their member links' tier).
  resource_tier_.assign(capacity_gbps_.size(), 0);
  for (size_t i = 0; i < L; ++i) resource_tier_[2 * i] = resource_tier_[2 * i + 1] = f.links[i].tier;
  for (uint32_t n = 0; n < N; ++n) {
    if (up_bundle_[n] != kNone) resource_tier_[up_bundle_[n]] = resource_tier_[down_bundle_[n]] = static_cast<uint8_t>(f.nodes[n].tier + 1);
    if (pod_up_[n] != kNone) resource_tier_[pod_up_[n]] = resource_tier_[pod_down_[n]] = 3;
  }
  // Scale-up ports: egress and ingress per XPU.
  scale_up_base_ = static_cast<uint32_t>(capacity_gbps_.size());
  // What a copy reaches over the scale-up link (the catalog's achievable rate), not its raw signalling.
  const double su = static_cast<double>(f.scale_up_data_gbps());
  capacity_gbps_.resize(capacity_gbps_.size() + 2 * static_cast<size_t>(f.xpus()), su);
  resource_tier_.resize(capacity_gbps_.size(), 0);
}

uint32_t FlowNetwork::nic_of(uint32_t xpu) const { return plan_.fabric.nic_of_xpu(xpu); }

uint32_t FlowNetwork::domain_of(uint32_t xpu) const { return xpu / plan_.fabric.scale_up_domain(); }

bool FlowNetwork::route_network(uint32_t nic_a, uint32_t nic_b, int plane, float coef, PathMode mode, uint64_t key,
                                std::vector<Usage>& out, int& level) const {
  const Fabric& f = plan_.fabric;
  const int64_t E = f.nic_count();
  const uint32_t la_link = nic_link_[static_cast<size_t>(plane) * E + nic_a];
  const uint32_t lb_link = nic_link_[static_cast<size_t>(plane) * E + nic_b];
  if (!alive(la_link) || !alive(lb_link)) return false;
  const uint32_t la = f.links[la_link].upper.value(), lb = f.links[lb_link].upper.value();
  const size_t mark = out.size();
  out.push_back({2 * la_link, coef});
  out.push_back({2 * lb_link + 1, coef});
  if (la == lb) {
    level = std::max(level, 1);
    return true;
  }
  auto pod_of_leaf = [&](uint32_t leaf) { return pod_up_[f.links[up_links_[up_begin_[leaf]]].upper.value()]; };
  const bool same_pod = f.tiers < 3 || pod_of_leaf(la) == pod_of_leaf(lb);
  if (mode == PathMode::Spray && !dead_.empty() && same_pod && f.architecture != Architecture::SwitchScheduled) {
    if (!spray_around_failures(la, lb, coef, out)) {
      out.resize(mark);
      return false;
    }
    level = std::max(level, 2);
    return true;
  }
  if (mode != PathMode::Ecmp || f.architecture == Architecture::SwitchScheduled) {
    // Bundles hold live capacity only: pooling skips dead links. A bundle with nothing left is no path. (Without
    // failures spraying loads every link of a bundle evenly, so the bundle constrains exactly as its links do.)
    uint32_t res[4];
    uint32_t n = 0;
    res[n++] = up_bundle_[la];
    if (!same_pod) {
      res[n++] = pod_up_[f.links[up_links_[up_begin_[la]]].upper.value()];
      res[n++] = pod_down_[f.links[up_links_[up_begin_[lb]]].upper.value()];
    }
    res[n++] = down_bundle_[lb];
    for (uint32_t k = 0; k < n; ++k) {
      if (capacity_gbps_[res[k]] <= 0) {
        out.resize(mark);
        return false;
      }
      out.push_back({res[k], coef});
    }
    level = std::max(level, same_pod ? 2 : 3);
    return true;
  }
  // ECMP over live paths: each hop hashes over the next hops that still reach the destination.
  uint64_t h = splitmix64(options_.seed ^ splitmix64(key * 0x100000001b3ULL + static_cast<uint64_t>(plane)));
  auto pick = [&](uint32_t count) { h = splitmix64(h); return static_cast<uint32_t>(h % count); };
  // Live links from `leaf` up to switch `upper`.
  auto links_between = [&](uint32_t leaf, uint32_t upper, uint32_t* outl, uint32_t cap) {
    uint32_t n = 0;
    for (uint32_t k = up_begin_[leaf]; k < up_begin_[leaf + 1] && n < cap; ++k) {
      if (f.links[up_links_[k]].upper.value() == upper && alive(up_links_[k])) outl[n++] = up_links_[k];
    }
    return n;
  };
  uint32_t cand[512];
  uint32_t down[64];
  if (same_pod) {
    // Each live uplink weighted as the switches weight it (route_weights.h).
    uint64_t cum[512];
    uint32_t n = 0;
    uint64_t total = 0;
    for (uint32_t k = up_begin_[la]; k < up_begin_[la + 1] && n < 512; ++k) {
      const uint32_t u = up_links_[k];
      if (!alive(u)) continue;
      const uint32_t spine = f.links[u].upper.value();
      const uint32_t w = uplink_weight(live_links_up(la, spine), live_links_up(lb, spine));
      if (w == 0) continue;
      total += w;
      cum[n] = total;
      cand[n++] = u;
    }
    if (n == 0) {
      out.resize(mark);
      return false;
    }
    h = splitmix64(h);
    const uint64_t target = h % total;
    uint32_t c = 0;
    while (cum[c] <= target) ++c;
    const uint32_t up = cand[c];
    const uint32_t m = links_between(lb, f.links[up].upper.value(), down, 64);
    out.push_back({2 * up, coef});
    out.push_back({2 * down[pick(m)] + 1, coef});
    level = std::max(level, 2);
    return true;
  }
  // Three tiers across pods: a few hashed attempts over live leaf, spine and core choices.
  const uint32_t pod_b = pod_of_leaf(lb);
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint32_t n = 0;
    for (uint32_t k = up_begin_[la]; k < up_begin_[la + 1] && n < 512; ++k) if (alive(up_links_[k])) cand[n++] = up_links_[k];
    if (n == 0) break;
    const uint32_t up = cand[pick(n)];
    const uint32_t spine = f.links[up].upper.value();
    n = 0;
    for (uint32_t k = up_begin_[spine]; k < up_begin_[spine + 1] && n < 512; ++k) if (alive(up_links_[k])) cand[n++] = up_links_[k];
    if (n == 0) continue;
    const uint32_t cu = cand[pick(n)];
    const uint32_t core = f.links[cu].upper.value();
    n = 0;
    for (uint32_t k = down_begin_[core]; k < down_begin_[core + 1] && n < 512; ++k) {
      const uint32_t d = down_links_[k];
      if (alive(d) && pod_up_[f.links[d].lower.value()] == pod_b && links_between(lb, f.links[d].lower.value(), down, 64) > 0) cand[n++] = d;
    }
    if (n == 0) continue;
    const uint32_t cd = cand[pick(n)];
    const uint32_t m = links_between(lb, f.links[cd].lower.value(), down, 64);
    out.push_back({2 * up, coef});
    out.push_back({2 * cu, coef});
    out.push_back({2 * cd + 1, coef});
    out.push_back({2 * down[pick(m)] + 1, coef});
    level = 3;
    return true;
  }
  out.resize(mark);
  return false;
}

uint32_t FlowNetwork::live_links_up(uint32_t leaf, uint32_t spine) const {
  const auto b = up_sorted_.begin() + up_begin_[leaf], e = up_sorted_.begin() + up_begin_[leaf + 1];
  uint32_t n = 0;
  for (auto it = std::lower_bound(b, e, std::pair<uint32_t, uint32_t>{spine, 0}); it != e && it->first == spine; ++it) n += alive(it->second) ? 1 : 0;
  return n;
}

bool FlowNetwork::spray_around_failures(uint32_t la, uint32_t lb, float coef, std::vector<Usage>& out) const {
  // Both leaves' uplinks sorted by spine, walked together: a spine above both carries min(live up, live down)
  // links' worth of the pair's traffic, spread evenly over its live links up and its live links down.
  const auto groups = [&](auto&& visit) {
    uint32_t a = up_begin_[la], b = up_begin_[lb];
    const uint32_t ae = up_begin_[la + 1], be = up_begin_[lb + 1];
    while (a < ae && b < be) {
      const uint32_t sa = up_sorted_[a].first, sb = up_sorted_[b].first;
      if (sa != sb) {
        (sa < sb ? a : b) += 1;
        continue;
      }
      uint32_t a2 = a, b2 = b, up = 0, down = 0;
      for (; a2 < ae && up_sorted_[a2].first == sa; ++a2) up += alive(up_sorted_[a2].second) ? 1 : 0;
      for (; b2 < be && up_sorted_[b2].first == sa; ++b2) down += alive(up_sorted_[b2].second) ? 1 : 0;
      if (up > 0 && down > 0) visit(a, a2, b, b2, up, down);
      a = a2;
      b = b2;
    }
  };
  uint64_t total = 0;
  groups([&](uint32_t, uint32_t, uint32_t, uint32_t, uint32_t up, uint32_t down) { total += spine_path_links(up, down); });
  if (total == 0) return false;
  groups([&](uint32_t a, uint32_t a2, uint32_t b, uint32_t b2, uint32_t up, uint32_t down) {
    const double share = static_cast<double>(coef) * spine_path_links(up, down) / static_cast<double>(total);
    for (uint32_t k = a; k < a2; ++k) {
      if (alive(up_sorted_[k].second)) out.push_back({2 * up_sorted_[k].second, static_cast<float>(share / up)});
    }
    for (uint32_t k = b; k < b2; ++k) {
      if (alive(up_sorted_[k].second)) out.push_back({2 * up_sorted_[k].second + 1, static_cast<float>(share / down)});
    }
  });
  return true;
}

bool FlowNetwork::route(uint32_t src, uint32_t dst, PathMode mode, uint64_t flow_key, std::vector<Usage>& out) const {
  if (src == dst) return true;
  const Fabric& f = plan_.fabric;
  if (domain_of(src) == domain_of(dst)) {
    out.push_back({scale_up_base_ + 2 * src, 1.0f});
    out.push_back({scale_up_base_ + 2 * dst + 1, 1.0f});
    return true;
  }
  uint32_t from = src;
  const uint32_t Nn = static_cast<uint32_t>(f.nics_per_server), X = static_cast<uint32_t>(f.server->xpus);
  const uint32_t rail_a = nic_of(src) % Nn, rail_b = nic_of(dst) % Nn;
  if (rail_a != rail_b && (f.topology != Topology::Clos) && (options_.pxn || f.topology == Topology::RailOnly)) {
    // PXN: move the data inside the server to the XPU whose NIC sits on the destination's rail.
    from = (src / X) * X + (rail_b * X + Nn - 1) / Nn;
    if (from != src) {
      out.push_back({scale_up_base_ + 2 * src, 1.0f});
      out.push_back({scale_up_base_ + 2 * from + 1, 1.0f});
    }
  }
  int level = 1;
  if (dead_.empty()) {
    const float coef = 1.0f / static_cast<float>(f.planes);
    for (int p = 0; p < f.planes; ++p) route_network(nic_of(from), nic_of(dst), p, coef, mode, flow_key, out, level);
    return true;
  }
  // Around failures: stripe over the planes that still join the two NICs.
  std::vector<Usage> probe;
  int live = 0;
  for (int p = 0; p < f.planes; ++p) {
    probe.clear();
    int lv = 1;
    if (route_network(nic_of(from), nic_of(dst), p, 1.0f, mode, flow_key, probe, lv)) ++live;
  }
  if (live == 0) {
    out.clear();
    return false;
  }
  const float coef = 1.0f / static_cast<float>(live);
  for (int p = 0; p < f.planes; ++p) route_network(nic_of(from), nic_of(dst), p, coef, mode, flow_key, out, level);
  return true;
}

bool FlowNetwork::nic_links(uint32_t xpu, bool up, std::vector<Usage>& out) const {
  const Fabric& f = plan_.fabric;
  const size_t E = static_cast<size_t>(f.nic_count());
  const uint32_t nic = nic_of(xpu);
  int live = 0;
  for (int p = 0; p < f.planes; ++p) live += alive(nic_link_[static_cast<size_t>(p) * E + nic]) ? 1 : 0;
  if (live == 0) return false;
  for (int p = 0; p < f.planes; ++p) {
    const uint32_t link = nic_link_[static_cast<size_t>(p) * E + nic];
    if (alive(link)) out.push_back({2 * link + (up ? 0u : 1u), 1.0f / static_cast<float>(live)});
  }
  return true;
}

}  // namespace aifabric
