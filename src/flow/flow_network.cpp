// FlowNetwork: resources and routing over a planned fabric, for the flow and analytic backends.
#include "flow/flow_network.h"

#include <algorithm>

namespace aifabric {

namespace {

constexpr uint32_t kNone = 0xffffffffu;

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

FlowNetwork::FlowNetwork(const Plan& plan, const FlowNetworkOptions& options) : plan_(plan), options_(options) {
  const Fabric& f = plan.fabric;
  goodput_ = static_cast<double>(options.mtu_bytes) / static_cast<double>(options.mtu_bytes + options.header_bytes);
  const size_t L = f.links.size();
  const size_t N = f.nodes.size();
  capacity_gbps_.assign(2 * L, 0.0);
  for (size_t i = 0; i < L; ++i) capacity_gbps_[2 * i] = capacity_gbps_[2 * i + 1] = f.links[i].gbps * goodput_;

  const int64_t E = f.nic_count();
  nic_link_.assign(static_cast<size_t>(E * f.planes), kNone);
  std::vector<uint32_t> up_count(N + 1, 0), down_count(N + 1, 0);
  for (uint32_t i = 0; i < L; ++i) {
    const Link& l = f.links[i];
    if (l.tier == 1) {
      nic_link_[static_cast<size_t>(l.plane) * E + l.lower.value()] = i;
    } else {
      ++up_count[l.lower.value() + 1];
      ++down_count[l.upper.value() + 1];
    }
  }
  for (size_t i = 1; i <= N; ++i) { up_count[i] += up_count[i - 1]; down_count[i] += down_count[i - 1]; }
  up_begin_ = up_count;
  down_begin_ = down_count;
  up_links_.assign(up_begin_[N], 0);
  down_links_.assign(down_begin_[N], 0);
  {
    std::vector<uint32_t> fu(up_begin_.begin(), up_begin_.end() - 1), fd(down_begin_.begin(), down_begin_.end() - 1);
    for (uint32_t i = 0; i < L; ++i) {
      const Link& l = f.links[i];
      if (l.tier == 1) continue;
      up_links_[fu[l.lower.value()]++] = i;
      down_links_[fd[l.upper.value()]++] = i;
    }
  }
  // Spraying bundles: a switch's uplinks, up and down. Under uniform spraying every link of a bundle
  // carries the same load, so the bundle's total capacity constrains exactly as its links do.
  up_bundle_.assign(N, kNone);
  down_bundle_.assign(N, kNone);
  for (uint32_t n = 0; n < N; ++n) {
    if (up_begin_[n + 1] == up_begin_[n]) continue;
    double cap = 0;
    for (uint32_t k = up_begin_[n]; k < up_begin_[n + 1]; ++k) cap += f.links[up_links_[k]].gbps * goodput_;
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
  const double su = static_cast<double>(f.server->scale_up_gbps > 0 ? f.server->scale_up_gbps : 3600);
  capacity_gbps_.resize(capacity_gbps_.size() + 2 * static_cast<size_t>(f.xpus()), su);
  resource_tier_.resize(capacity_gbps_.size(), 0);
  for (size_t i = 0; i < plan.analysis.latency.size() && i < 3; ++i) path_latency_[i + 1] = plan.analysis.latency[i].total();
}

uint32_t FlowNetwork::nic_of(uint32_t xpu) const {
  const Fabric& f = plan_.fabric;
  const uint32_t X = static_cast<uint32_t>(f.server->xpus), Nn = static_cast<uint32_t>(f.nics_per_server);
  return (xpu / X) * Nn + (xpu % X) * Nn / X;
}

uint32_t FlowNetwork::domain_of(uint32_t xpu) const {
  const Fabric& f = plan_.fabric;
  const uint32_t d = static_cast<uint32_t>(std::max(f.server->scale_up_domain, f.server->xpus));
  return xpu / d;
}

void FlowNetwork::route_network(uint32_t nic_a, uint32_t nic_b, int plane, float coef, PathMode mode, uint64_t key,
                                std::vector<Usage>& out, int& level) const {
  const Fabric& f = plan_.fabric;
  const int64_t E = f.nic_count();
  const uint32_t la_link = nic_link_[static_cast<size_t>(plane) * E + nic_a];
  const uint32_t lb_link = nic_link_[static_cast<size_t>(plane) * E + nic_b];
  const uint32_t la = f.links[la_link].upper.value(), lb = f.links[lb_link].upper.value();
  out.push_back({2 * la_link, coef});
  out.push_back({2 * lb_link + 1, coef});
  if (la == lb) {
    level = std::max(level, 1);
    return;
  }
  const bool same_pod = f.tiers < 3 || pod_up_[f.links[up_links_[up_begin_[la]]].upper.value()] ==
                                           pod_up_[f.links[up_links_[up_begin_[lb]]].upper.value()];
  if (mode == PathMode::Spray || f.architecture == Architecture::SwitchScheduled) {
    out.push_back({up_bundle_[la], coef});
    if (!same_pod) {
      out.push_back({pod_up_[f.links[up_links_[up_begin_[la]]].upper.value()], coef});
      out.push_back({pod_down_[f.links[up_links_[up_begin_[lb]]].upper.value()], coef});
    }
    out.push_back({down_bundle_[lb], coef});
    level = std::max(level, same_pod ? 2 : 3);
    return;
  }
  // ECMP: every choice is a hash of the flow and the hop.
  uint64_t h = mix(options_.seed ^ mix(key * 0x100000001b3ULL + static_cast<uint64_t>(plane)));
  auto pick = [&](uint32_t count) { h = mix(h); return static_cast<uint32_t>(h % count); };
  const uint32_t up = up_links_[up_begin_[la] + pick(up_begin_[la + 1] - up_begin_[la])];
  const uint32_t spine = f.links[up].upper.value();
  out.push_back({2 * up, coef});
  auto descend_to_leaf = [&](uint32_t from_spine) {
    uint32_t cands[64];
    uint32_t n = 0, total = 0;
    for (uint32_t k = up_begin_[lb]; k < up_begin_[lb + 1]; ++k) {
      if (f.links[up_links_[k]].upper.value() != from_spine) continue;
      if (n < 64) cands[n++] = up_links_[k];
      ++total;
    }
    (void)total;
    const uint32_t v = cands[pick(n)];
    out.push_back({2 * v + 1, coef});
  };
  if (same_pod) {
    descend_to_leaf(spine);
    level = std::max(level, 2);
    return;
  }
  const uint32_t cu = up_links_[up_begin_[spine] + pick(up_begin_[spine + 1] - up_begin_[spine])];
  const uint32_t core = f.links[cu].upper.value();
  out.push_back({2 * cu, coef});
  const uint32_t pod_b = pod_up_[f.links[up_links_[up_begin_[lb]]].upper.value()];
  uint32_t cands[64];
  uint32_t n = 0;
  for (uint32_t k = down_begin_[core]; k < down_begin_[core + 1] && n < 64; ++k) {
    if (pod_up_[f.links[down_links_[k]].lower.value()] == pod_b) cands[n++] = down_links_[k];
  }
  const uint32_t cd = cands[pick(n)];
  out.push_back({2 * cd + 1, coef});
  descend_to_leaf(f.links[cd].lower.value());
  level = 3;
}

Picoseconds FlowNetwork::route(uint32_t src, uint32_t dst, PathMode mode, uint64_t flow_key, std::vector<Usage>& out) const {
  if (src == dst) return Picoseconds(0);
  const Fabric& f = plan_.fabric;
  if (domain_of(src) == domain_of(dst)) {
    out.push_back({scale_up_base_ + 2 * src, 1.0f});
    out.push_back({scale_up_base_ + 2 * dst + 1, 1.0f});
    return options_.scale_up_latency;
  }
  Picoseconds extra(0);
  uint32_t from = src;
  const uint32_t Nn = static_cast<uint32_t>(f.nics_per_server), X = static_cast<uint32_t>(f.server->xpus);
  const uint32_t rail_a = nic_of(src) % Nn, rail_b = nic_of(dst) % Nn;
  if (rail_a != rail_b && (f.topology != Topology::Clos) && (options_.pxn || f.topology == Topology::RailOnly)) {
    // PXN: move the data inside the server to the XPU whose NIC sits on the destination's rail.
    from = (src / X) * X + (rail_b * X + Nn - 1) / Nn;
    if (from != src) {
      out.push_back({scale_up_base_ + 2 * src, 1.0f});
      out.push_back({scale_up_base_ + 2 * from + 1, 1.0f});
      extra = options_.scale_up_latency;
    }
  }
  int level = 1;
  const float coef = 1.0f / static_cast<float>(f.planes);
  for (int p = 0; p < f.planes; ++p) route_network(nic_of(from), nic_of(dst), p, coef, mode, flow_key, out, level);
  return path_latency_[level] + extra;
}

}  // namespace aifabric
