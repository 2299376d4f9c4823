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

// Limits of a Clos of these switches at host rate r and uplink rate g (per plane, or per rail for rail-only).
ClosLimits clos_limits(const SwitchModel& leaf, const SwitchModel& spine, const SwitchModel& core, int64_t r, int64_t g, double o1, double o2,
                       bool breakouts, Topology topology, int nics_per_server, int su_servers);

// Internal pieces shared by the builders.
namespace detail {
// Fewest upper switches s such that lower i's uplinks dealt round-robin (ceil(u_i / s) per upper at most)
// fit `upper_ports` per upper; prefers an s dividing every u_i (equal parallel links) unless it costs more
// than 25% more uppers. 0 if even one link per upper does not fit.
int choose_uppers(const std::vector<int>& uplinks, int upper_ports);
Fabric build_switch_scheduled(const ClusterSpec& spec, const Catalog& catalog, Fabric f);
}  // namespace detail

}  // namespace aifabric
