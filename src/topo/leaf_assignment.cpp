// Leaf assignment: NIC ports to leaves by topology and scalable unit, the same in every plane.
#include "topo/leaf_assignment.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/input_error.h"

namespace aifabric::detail {

LeafPlan assign_leaves(Topology topo, int64_t servers, int nics, int down, int su_request, bool full_units) {
  LeafPlan lp;
  lp.down = down;
  const int64_t E = servers * nics;
  lp.leaf_of_endpoint.resize(static_cast<size_t>(E));
  if (topo == Topology::Clos) {
    const int d = down >= nics ? (down / nics) * nics : down;  // keep each server on one leaf
    for (int64_t e = 0; e < E; ++e) lp.leaf_of_endpoint[e] = static_cast<uint32_t>(e / d);
    const uint32_t leaves = static_cast<uint32_t>((E + d - 1) / d);
    lp.used_down.assign(leaves, 0);
    lp.designed_down.assign(leaves, static_cast<uint32_t>(d));
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
    const int rails_leaves = full_units ? per_rail : static_cast<int>((count + down - 1) / down);
    const uint32_t base = lp.leaves();
    for (int n = 0; n < nics; ++n) {
      for (int k = 0; k < rails_leaves; ++k) {
        lp.used_down.push_back(0);
        lp.designed_down.push_back(static_cast<uint32_t>(std::min(down, su - k * down)));
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

std::vector<AppliancePort> place_appliances(const std::vector<ApplianceSpec>& appliances, const LeafPlan& lp, int capacity) {
  std::vector<AppliancePort> out;
  if (appliances.empty()) return out;
  std::vector<int> free(lp.leaves(), 0);
  uint32_t units = 0;
  for (uint32_t l = 0; l < lp.leaves(); ++l) {
    free[l] = std::max(0, capacity - static_cast<int>(lp.used_down[l]));
    units = std::max(units, lp.group[l] + 1);
  }
  std::vector<std::vector<uint32_t>> unit_leaves(units);
  for (uint32_t l = 0; l < lp.leaves(); ++l) unit_leaves[lp.group[l]].push_back(l);
  for (size_t a = 0; a < appliances.size(); ++a) {
    const ApplianceSpec& ap = appliances[a];
    auto place = [&](const std::vector<uint32_t>& leaves, uint32_t unit, const std::string& where) {
      int placed = 0;
      while (placed < ap.ports) {
        bool any = false;
        for (uint32_t l : leaves) {
          if (placed == ap.ports || free[l] == 0) continue;
          out.push_back({static_cast<uint16_t>(a), static_cast<uint32_t>(placed), unit, l});
          --free[l];
          ++placed;
          any = true;
        }
        if (!any) {
          throw InputError(ap.where, "fabric.appliances",
                           fmt::format("{}'s {} ports need free leaf downlinks{}, and {} left free; make room (NVIDIA's DGX SuperPOD "
                                       "leaves out one DGX for its UFM ports) or use fewer ports", ap.name, ap.ports, where,
                                       placed == 0 ? "none are" : fmt::format("only {} are", placed)));
        }
      }
    };
    if (ap.per_unit) {
      for (uint32_t u = 0; u < units; ++u) place(unit_leaves[u], u, fmt::format(" in unit {}", u));
    } else {
      std::vector<uint32_t> order;  // the last unit's leaves first: where a partial unit leaves ports free
      for (uint32_t u = units; u-- > 0;) order.insert(order.end(), unit_leaves[u].begin(), unit_leaves[u].end());
      place(order, 0, "");
    }
  }
  return out;
}

}  // namespace aifabric::detail
