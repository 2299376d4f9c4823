// Leaf assignment: NIC ports to leaves by topology and scalable unit, the same in every plane.
#include "topo/leaf_assignment.h"

#include <algorithm>

namespace aifabric::detail {

LeafPlan assign_leaves(Topology topo, int64_t servers, int nics, int down, int su_request) {
  LeafPlan lp;
  lp.down = down;
  const int64_t E = servers * nics;
  lp.leaf_of_endpoint.resize(static_cast<size_t>(E));
  if (topo == Topology::Clos) {
    const int d = down >= nics ? (down / nics) * nics : down;  // keep each server on one leaf
    for (int64_t e = 0; e < E; ++e) lp.leaf_of_endpoint[e] = static_cast<uint32_t>(e / d);
    const uint32_t leaves = static_cast<uint32_t>((E + d - 1) / d);
    lp.used_down.assign(leaves, 0);
    lp.group.resize(leaves);
    for (uint32_t l = 0; l < leaves; ++l) lp.group[l] = l;
    lp.partition.assign(leaves, 0);
    for (int64_t e = 0; e < E; ++e) ++lp.used_down[lp.leaf_of_endpoint[e]];
    return lp;
  }
  // Rail designs: scalable units of `su` servers; NIC i of every server in a unit goes to rail leaf i.
  const int su = su_request > 0 ? su_request : static_cast<int>(std::min<int64_t>(down, servers));
  lp.su_servers = su;
  const int per_rail = (su + down - 1) / down;  // leaves per rail per SU (1 when the SU fits a leaf)
  lp.group_size = per_rail * nics;
  const int64_t units = (servers + su - 1) / su;
  for (int64_t u = 0; u < units; ++u) {
    const int64_t first = u * su;
    const int64_t count = std::min<int64_t>(su, servers - first);
    const int rails_leaves = static_cast<int>((count + down - 1) / down);
    const uint32_t base = lp.leaves();
    for (int n = 0; n < nics; ++n) {
      for (int k = 0; k < rails_leaves; ++k) {
        lp.used_down.push_back(0);
        lp.group.push_back(static_cast<uint32_t>(u));
        lp.partition.push_back(topo == Topology::RailOnly ? static_cast<uint32_t>(n) : 0);
      }
    }
    for (int64_t j = 0; j < count; ++j) {
      for (int n = 0; n < nics; ++n) {
        const uint32_t leaf = base + static_cast<uint32_t>(n * rails_leaves + j / down);
        lp.leaf_of_endpoint[(first + j) * nics + n] = leaf;
        ++lp.used_down[leaf];
      }
    }
  }
  lp.partitions = topo == Topology::RailOnly ? nics : 1;
  return lp;
}

}  // namespace aifabric::detail
