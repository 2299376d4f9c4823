// The fabric graph: NIC and switch nodes by tier and plane, links with rate; dense ids, no pointers.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/ids.h"
#include "spec/cluster_spec.h"

namespace aifabric {

enum class NodeRole : uint8_t { Nic, Leaf, Spine, Core, LeafElement, FabricElement };
std::string_view to_string(NodeRole r);

constexpr uint16_t kNoPlane = 0xffff;
constexpr int kMaxTiers = 3;

struct Node {
  NodeRole role = NodeRole::Nic;
  uint8_t tier = 0;          // 0 = NIC, 1 = leaf, 2 = spine, 3 = core
  uint16_t plane = kNoPlane; // NICs belong to every plane
  uint32_t index = 0;        // NIC: global NIC number; switch: index within its (plane, tier)
  uint32_t group = 0;        // NIC: server; leaf: scalable unit / pod; spine: pod; core: core group
};

struct Link {
  NodeId lower, upper;       // lower-tier end first
  uint32_t gbps = 0;
  uint8_t tier = 1;          // tier of the upper end: 1 = NIC-leaf, 2 = leaf-spine, 3 = spine-core
  uint16_t plane = 0;
};

// A management or appliance port (UFM, ...) on a leaf downlink: planned (cable, modules, leaf port) but outside the
// data-plane graph, so no simulator sees it.
struct ApplianceLink {
  uint16_t appliance = 0;  // index into Fabric::appliance_names
  uint16_t plane = 0;
  uint32_t port = 0;       // the appliance's port number within its plane (and unit, for per-unit appliances)
  uint32_t unit = 0;       // the scalable unit it serves (per-unit appliances) or 0
  NodeId leaf;
  uint32_t gbps = 0;
};

// How one tier of one plane is built: model, port rates and per-switch port use.
struct TierDesign {
  NodeRole role = NodeRole::Leaf;
  const SwitchModel* model = nullptr;
  int64_t down_gbps = 0;     // rate of links toward the lower tier
  int64_t up_gbps = 0;       // rate of links toward the upper tier (0 at the top)
  int64_t per_plane = 0;     // switches of this tier in one plane
  int down_ports = 0;        // designed downlinks per switch (the largest switch of the tier)
  int up_ports = 0;          // designed uplinks per switch
  int parallel_up = 1;       // parallel links from one switch to each switch above it
  int64_t port_minimum = 0;  // switches of this tier the ports alone need, per plane: ceil(links landing here / ports facing them)
};

// What a Clos of these switches reaches, with the same port arithmetic the builder uses.
struct ClosLimits {
  int64_t host_gbps = 0, uplink_gbps = 0;
  int leaf_ports = 0;   // at the host rate: a 1-tier fabric
  int leaf_down = 0;    // usable downlinks per leaf (whole servers per leaf; at most a scalable unit)
  int spine_ports = 0;  // at the uplink rate: leaves a 2-tier spine joins
  int spine_down = 0;   // 3-tier: leaves per pod
  int core_ports = 0;   // 3-tier: pods
  int64_t core_gbps = 0;
  int unit_leaves = 1;  // leaves per scalable unit (rail designs; 1 for a Clos)
  int64_t unit_endpoints = 0;  // endpoints per scalable unit (rail designs; a leaf's for a Clos)
  int64_t max1 = 0, max2 = 0, max3 = 0;  // endpoints per plane (per rail for rail-only)
};

struct Fabric {
  Architecture architecture = Architecture::EndpointScheduled;
  Topology topology = Topology::Clos;
  const ServerModel* server = nullptr;
  const NicModel* nic = nullptr;
  int64_t servers = 0;
  int nics_per_server = 0;
  int planes = 1;
  int tiers = 0;
  int64_t host_link_gbps = 0;     // NIC-to-leaf rate per plane
  int scalable_unit_servers = 0;  // rail designs
  bool in_network_reduction = false;  // every tier's switches reduce in the network and the spec asks for it (SHARP)
  int pods = 0;                   // 3-tier designs
  std::array<TierDesign, kMaxTiers + 1> tier{};  // index 1..tiers
  ClosLimits limits;              // endpoint-scheduled designs: what this switch choice reaches
  std::vector<Node> nodes;
  std::vector<Link> links;
  // First node id of (plane, tier); size planes * (kMaxTiers + 2), last entry per plane is the end.
  std::vector<uint32_t> tier_begin;
  std::vector<std::string> explanation;  // why these tiers and counts, in the user's terms
  std::vector<std::string> appliance_names;
  std::vector<ApplianceLink> appliance_links;  // every plane's; tier-1 links beside `links`, not in it

  int64_t nic_count() const { return servers * nics_per_server; }
  // XPUs joined by one scale-up (NVLink) domain: a server, or more (an NVL72 rack).
  uint32_t scale_up_domain() const { return static_cast<uint32_t>(std::max(server->scale_up_domain, server->xpus)); }
  // The NIC an XPU owns (XPUs share NICs evenly when a server has fewer NICs than XPUs).
  uint32_t nic_of_xpu(uint32_t xpu) const {
    const uint32_t X = static_cast<uint32_t>(server->xpus), N = static_cast<uint32_t>(nics_per_server);
    return (xpu / X) * N + (xpu % X) * N / X;
  }
  // What data moves at per XPU and direction over the scale-up network, Gb/s: the catalog's achievable rate.
  int64_t scale_up_data_gbps() const {
    const int64_t g = server->scale_up_achievable_gbps > 0 ? server->scale_up_achievable_gbps : server->scale_up_gbps;
    return g > 0 ? g : 3600;  // a server without a figure: NVLink-4 class
  }
  int64_t xpus() const { return servers * server->xpus; }
  NodeId nic_node(int64_t server, int nic) const { return NodeId(static_cast<uint32_t>(server * nics_per_server + nic)); }
  uint32_t first_of(int plane, int tier) const { return tier_begin[static_cast<size_t>(plane) * (kMaxTiers + 2) + tier]; }
  uint32_t end_of(int plane, int tier) const { return tier_begin[static_cast<size_t>(plane) * (kMaxTiers + 2) + tier + 1]; }
  int64_t switch_count(int tier) const { return tier >= 1 && tier <= tiers ? this->tier[tier].per_plane * planes : 0; }
  int64_t switch_total() const;
  std::string node_name(NodeId id) const;
};

}  // namespace aifabric
