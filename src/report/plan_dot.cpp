// Graphviz DOT of the topology: every switch for small fabrics, aggregated by (plane, tier, group) for large ones.
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "report/plan_report.h"

namespace aifabric {

std::string render_plan_dot(const Plan& plan, int max_nodes) {
  const Fabric& f = plan.fabric;
  const bool aggregate = f.switch_total() > max_nodes;
  std::string o = "graph aifabric {\n  rankdir=BT;\n  node [shape=box, style=filled, fillcolor=\"#e8eef7\"];\n";
  // Node key: a switch, or its (plane, tier, group) aggregate; servers are aggregated per scalable unit/leaf group.
  auto key = [&](NodeId id) -> std::tuple<int, int, uint32_t> {
    const Node& n = f.nodes[id.value()];
    if (n.role == NodeRole::Nic) return {-1, 0, 0};
    if (!aggregate) return {n.plane, n.tier, n.index};
    return {n.plane, n.tier, n.tier == 1 ? n.group : n.tier == 2 && f.tiers == 3 ? n.group : 0};
  };
  std::map<std::tuple<int, int, uint32_t>, int64_t> nodes;
  std::map<std::pair<std::tuple<int, int, uint32_t>, std::tuple<int, int, uint32_t>>, int64_t> edges;
  for (uint32_t i = 0; i < f.nodes.size(); ++i) if (f.nodes[i].role != NodeRole::Nic) ++nodes[key(NodeId(i))];
  for (const Link& l : f.links) {
    if (l.tier == 1) continue;
    ++edges[{key(l.lower), key(l.upper)}];
  }
  auto name = [&](const std::tuple<int, int, uint32_t>& k) {
    return fmt::format("p{}_t{}_{}", std::get<0>(k), std::get<1>(k), std::get<2>(k));
  };
  for (const auto& [k, n] : nodes) {
    const int tier = std::get<1>(k);
    const std::string role(to_string(f.tier[tier].role));
    const std::string label = aggregate ? fmt::format("{} x{}\\nplane {} group {}", role, n, std::get<0>(k), std::get<2>(k))
                                        : fmt::format("{}{}{}", f.planes > 1 ? fmt::format("p{}.", std::get<0>(k)) : "", role, std::get<2>(k));
    o += fmt::format("  {} [label=\"{}\"];\n", name(k), label);
  }
  for (const auto& [e, n] : edges) {
    o += fmt::format("  {} -- {} [label=\"{}\"];\n", name(e.first), name(e.second), n > 1 ? fmt::format("{}x", n) : "");
  }
  o += fmt::format("  servers [shape=folder, label=\"{} servers\\n{} NICs x {}G\"];\n", f.servers, f.nic_count(), f.host_link_gbps);
  o += "}\n";
  return o;
}

}  // namespace aifabric
