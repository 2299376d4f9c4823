// The fabric's adjacency for simulators, built once per plan and shared by the flow model, the packet engine and the
// cell fabric: each switch's links up and down (CSR, in link order), its links up sorted by the switch they reach,
// every NIC's link and leaf in each plane, and the pods of a 3-tier fabric. Also the one port convention: a link's
// two directions are ports 2 x link (up, towards its upper end) and 2 x link + 1 (down).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "topo/fabric.h"

namespace aifabric {

constexpr uint32_t kNoIndex = 0xffffffffu;

// Ports: the two directions of a link (the engines index their port arrays by these numbers).
constexpr uint32_t up_port(uint32_t link) { return 2 * link; }
constexpr uint32_t down_port(uint32_t link) { return 2 * link + 1; }
constexpr uint32_t link_of_port(uint32_t port) { return port / 2; }
constexpr bool is_up_port(uint32_t port) { return port % 2 == 0; }
constexpr PortId up_port(LinkId link) { return PortId(up_port(link.value())); }
constexpr PortId down_port(LinkId link) { return PortId(down_port(link.value())); }
constexpr LinkId link_of(PortId port) { return LinkId(link_of_port(port.value())); }

class FabricIndex {
 public:
  FabricIndex() = default;
  explicit FabricIndex(const Fabric& f);

  // Links above the NIC tier (tier >= 2) going up from node n: up_links[up_begin[n] .. up_begin[n + 1]), in link
  // order; up_sorted over the same range holds (upper node, link), sorted.
  std::vector<uint32_t> up_begin, up_links;
  std::vector<std::pair<uint32_t, uint32_t>> up_sorted;
  // The same links going down from node n (their upper end).
  std::vector<uint32_t> down_begin, down_links;
  // NIC e's link and leaf in plane p: [p * nics + e].
  int64_t nics = 0;
  std::vector<uint32_t> nic_link, nic_leaf;
  // 3-tier fabrics: a spine's pod is named by the smallest leaf below it, a leaf's is its first spine's (every leaf
  // of a pod reaches every spine of the pod); kNoIndex elsewhere, and everywhere in 1- and 2-tier fabrics.
  std::vector<uint32_t> pod;

  uint32_t nic_port_link(int plane, uint32_t nic) const { return nic_link[static_cast<size_t>(plane) * static_cast<size_t>(nics) + nic]; }
  uint32_t ups(uint32_t node) const { return up_begin[node + 1] - up_begin[node]; }
};

}  // namespace aifabric
