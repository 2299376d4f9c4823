// Building the fabric's shared adjacency: counting sort of the links by their lower and upper ends.
#include "topo/fabric_index.h"

#include <algorithm>

namespace aifabric {

FabricIndex::FabricIndex(const Fabric& f) {
  const size_t L = f.links.size(), N = f.nodes.size();
  nics = f.nic_count();
  nic_link.assign(static_cast<size_t>(nics) * static_cast<size_t>(f.planes), kNoIndex);
  up_begin.assign(N + 1, 0);
  down_begin.assign(N + 1, 0);
  for (uint32_t i = 0; i < L; ++i) {
    const Link& l = f.links[i];
    if (l.tier == 1) {
      nic_link[static_cast<size_t>(l.plane) * static_cast<size_t>(nics) + l.lower.value()] = i;
    } else {
      ++up_begin[l.lower.value() + 1];
      ++down_begin[l.upper.value() + 1];
    }
  }
  for (size_t n = 1; n <= N; ++n) {
    up_begin[n] += up_begin[n - 1];
    down_begin[n] += down_begin[n - 1];
  }
  up_links.assign(up_begin[N], 0);
  down_links.assign(down_begin[N], 0);
  up_sorted.assign(up_begin[N], {0, 0});
  std::vector<uint32_t> fu(up_begin.begin(), up_begin.end() - 1), fd(down_begin.begin(), down_begin.end() - 1);
  for (uint32_t i = 0; i < L; ++i) {
    const Link& l = f.links[i];
    if (l.tier == 1) continue;
    const uint32_t k = fu[l.lower.value()]++;
    up_links[k] = i;
    up_sorted[k] = {l.upper.value(), i};
    down_links[fd[l.upper.value()]++] = i;
  }
  for (size_t n = 0; n < N; ++n) std::sort(up_sorted.begin() + up_begin[n], up_sorted.begin() + up_begin[n + 1]);
  nic_leaf.assign(nic_link.size(), kNoIndex);
  for (size_t k = 0; k < nic_link.size(); ++k) {
    if (nic_link[k] != kNoIndex) nic_leaf[k] = f.links[nic_link[k]].upper.value();
  }
  pod.assign(N, kNoIndex);
  if (f.tiers == 3) {
    for (uint32_t i = 0; i < L; ++i) {
      const Link& l = f.links[i];
      if (l.tier == 2) pod[l.upper.value()] = std::min(pod[l.upper.value()], l.lower.value());
    }
    for (uint32_t n = 0; n < N; ++n) {
      if (f.nodes[n].tier == 1 && up_begin[n + 1] > up_begin[n]) pod[n] = pod[f.links[up_links[up_begin[n]]].upper.value()];
    }
  }
}

}  // namespace aifabric
