// Builds the fabric graph from a spec and the catalog: Clos (1-3 tiers), rail designs, planes, cell fabrics.
#pragma once

#include <cstdint>

#include "catalog/catalog.h"
#include "spec/cluster_spec.h"
#include "topo/fabric.h"

namespace aifabric {

struct BuildLimits {
  int64_t max_memory_bytes = int64_t{8} << 30;  // refuse specs whose graph would need more
};

// The size of a spec's fabric, estimated from the spec alone before anything is allocated.
struct FabricEstimate {
  int64_t servers = 0;
  int64_t nodes = 0;
  int64_t links = 0;
  int64_t bytes = 0;
};

// Resolves the server count (spec may give XPUs) and checks the server model; throws InputError.
int64_t resolve_servers(const ClusterSpec& spec, const Catalog& catalog);
FabricEstimate estimate_fabric(const ClusterSpec& spec, const Catalog& catalog);

// Throws InputError (located at the spec field) when the design cannot be built, saying what is
// short and what would fix it.
Fabric build_fabric(const ClusterSpec& spec, const Catalog& catalog, const BuildLimits& limits = {});

// The rates, ratios and packing a Clos is built with (what clos_limits needs besides the switches).
struct ClosChoice {
  int64_t host_gbps = 0, uplink_gbps = 0, core_gbps = 0;  // NIC-leaf, leaf-spine, spine-core
  double leaf_ratio = 1.0, spine_ratio = 1.0;            // downlink : uplink bandwidth
  bool breakouts = true;
  Topology topology = Topology::Clos;
  int nics_per_server = 1;
  int su_servers = 0;                                    // rail designs: servers per scalable unit (0 = one leaf's worth)
};

// Limits of a Clos of these switches (per plane, or per rail for rail-only), counting whole scalable units.
ClosLimits clos_limits(const SwitchModel& leaf, const SwitchModel& spine, const SwitchModel& core, const ClosChoice& c);

// Internal pieces shared by the builders.
namespace detail {
Fabric build_switch_scheduled(const ClusterSpec& spec, const Catalog& catalog, Fabric f);
}  // namespace detail

}  // namespace aifabric
