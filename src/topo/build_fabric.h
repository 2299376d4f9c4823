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

// Internal pieces shared by the builders.
namespace detail {
// Smallest s dividing `uplinks` with `lowers * (uplinks / s) <= upper_ports`; 0 if none.
int spread_count(int64_t lowers, int uplinks, int upper_ports);
Fabric build_switch_scheduled(const ClusterSpec& spec, const Catalog& catalog, Fabric f);
}  // namespace detail

}  // namespace aifabric
