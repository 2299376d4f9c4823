// Which leaf each NIC port lands on (ToR Clos, rail-optimised and rail-only scalable units), identical in every plane.
#pragma once

#include <cstdint>
#include <vector>

#include "spec/cluster_spec.h"

namespace aifabric::detail {

struct LeafPlan {
  int down = 0, up = 0;
  std::vector<uint32_t> leaf_of_endpoint;  // endpoint e = server * N + nic
  std::vector<uint32_t> used_down;         // per leaf
  std::vector<uint32_t> designed_down;     // per leaf: what it would hold in a full scalable unit (Clos: whole servers)
  std::vector<uint32_t> group;             // per leaf: scalable unit (rail) or leaf itself (ToR)
  std::vector<uint32_t> partition;         // per leaf: rail (rail-only) or 0
  int partitions = 1;
  int group_size = 1;                      // leaves per scalable unit (pod alignment)
  int su_servers = 0;
  uint32_t leaves() const { return static_cast<uint32_t>(used_down.size()); }
};

// Clos: whole servers per leaf, `down` ports each. Rail designs: units of `su_request` servers (0 = one leaf's worth),
// NIC i of every server in a unit on rail leaf i (more than one leaf per rail when a unit exceeds `down`). With
// `full_units`, a partial unit gets every leaf a full one has.
LeafPlan assign_leaves(Topology topo, int64_t servers, int nics, int down, int su_request, bool full_units = false);

// Places the appliances' ports on free leaf downlinks (at most `capacity` used per leaf), one per leaf in turn: per
// fabric from the last scalable unit's leaves back, per unit within each unit's leaves, rail by rail. Returns
// (appliance, port, unit, leaf) per port of one plane; throws InputError when the free ports do not suffice.
struct AppliancePort { uint16_t appliance; uint32_t port, unit, leaf; };
std::vector<AppliancePort> place_appliances(const std::vector<ApplianceSpec>& appliances, const LeafPlan& lp, int capacity);

// Servers one leaf holds in a Clos of `down` usable downlinks (whole servers; 0 when a server spans leaves).
inline int servers_per_leaf(int down, int nics) { return down >= nics ? down / nics : 0; }

}  // namespace aifabric::detail
