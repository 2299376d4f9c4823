// Fabric graph helpers: names, adjacency, closed-form capacities.
#include "topo/fabric.h"

#include <fmt/format.h>

namespace aifabric {

std::string_view to_string(NodeRole r) {
  switch (r) {
    case NodeRole::Nic: return "nic";
    case NodeRole::Leaf: return "leaf";
    case NodeRole::Spine: return "spine";
    case NodeRole::Core: return "core";
    case NodeRole::LeafElement: return "leaf-element";
    case NodeRole::FabricElement: return "fabric-element";
  }
  return "?";
}

int64_t Fabric::switch_total() const {
  int64_t n = 0;
  for (int t = 1; t <= tiers; ++t) n += switch_count(t);
  return n;
}

std::string Fabric::node_name(NodeId id) const {
  const Node& n = nodes[id.value()];
  if (n.role == NodeRole::Nic) {
    return fmt::format("server{}.nic{}", n.group, n.index % static_cast<uint32_t>(nics_per_server));
  }
  if (planes > 1) return fmt::format("p{}.{}{}", n.plane, to_string(n.role), n.index);
  return fmt::format("{}{}", to_string(n.role), n.index);
}

}  // namespace aifabric
