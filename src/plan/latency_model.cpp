// Path classes between endpoints: a NIC's leaf and its leaf's pod, from the planned links.
#include "plan/latency_model.h"

#include <algorithm>

#include "topo/wire_format.h"

namespace aifabric {

namespace {
constexpr uint32_t kNone = ~0u;
}

LatencyModel::LatencyModel(const Plan& plan) : plan_(plan) {
  const Fabric& f = plan.fabric;
  const size_t nics = static_cast<size_t>(f.nic_count());
  leaf_.assign(nics, kNone);
  pod_.assign(nics, 0);
  std::vector<uint32_t> leaf_pod(f.nodes.size(), kNone);
  for (const Link& l : f.links) {
    if (l.plane != 0) continue;
    const uint32_t lo = l.lower.value(), up = l.upper.value();
    if (l.tier == 1 && lo < nics && leaf_[lo] == kNone) leaf_[lo] = up;
    if (l.tier == 2 && leaf_pod[lo] == kNone) leaf_pod[lo] = f.nodes[up].group;
  }
  for (size_t n = 0; n < nics; ++n) {
    if (leaf_[n] != kNone && leaf_pod[leaf_[n]] != kNone) pod_[n] = leaf_pod[leaf_[n]];
  }
  for (size_t i = 0; i < plan.analysis.latency.size() && i < 3; ++i) class_[i + 1] = plan.analysis.latency[i].total();
  serialisation_ = serialisation_time(wire_format(plan.fabric).packet_bytes(), gbps(plan.fabric.host_link_gbps));
}

int LatencyModel::tier_between_nics(uint32_t a, uint32_t b) const {
  const int tiers = plan_.fabric.tiers;
  if (a == b) return 0;
  if (leaf_[a] == leaf_[b]) return std::min(1, tiers);
  if (tiers >= 3 && pod_[a] != pod_[b]) return 3;
  return std::min(2, tiers);
}

uint32_t LatencyModel::nic_of(uint32_t xpu) const { return plan_.fabric.nic_of_xpu(xpu); }

uint32_t LatencyModel::sending_nic(uint32_t src, uint32_t dst) const {
  const Fabric& f = plan_.fabric;
  const uint32_t N = static_cast<uint32_t>(f.nics_per_server), X = static_cast<uint32_t>(f.server->xpus);
  const uint32_t own = nic_of(src), theirs = nic_of(dst);
  if (f.topology == Topology::Clos || own % N == theirs % N) return own;
  return (src / X) * N + theirs % N;
}

Picoseconds LatencyModel::between_xpus(uint32_t a, uint32_t b) const { return between_nics(sending_nic(a, b), nic_of(b)); }

}  // namespace aifabric
