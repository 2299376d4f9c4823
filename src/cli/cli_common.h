// What every aifabric command shares: the global options, the catalog and plan options they imply, the backend
// a command's --backend names, and atomic output.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "catalog/catalog.h"
#include "net/packet_sim.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace aifabric {

struct Common {
  std::vector<std::string> catalogs;
  double max_memory_gib = 8;
  int64_t max_events = 2'000'000'000;
  uint64_t seed = 1;
};

Catalog catalog_for(const Common& c, const ClusterSpec* spec);
PlanOptions options_for(const Common& c);
// --fail SPEC[@TIME] options as the packet engine takes them: one failure per option, each at its time.
std::vector<LinkFailure> packet_failures(const Fabric& f, const std::vector<std::string>& specs, uint64_t seed);
// analytic, flow or packet: the packet engine plugs in behind the same interface.
std::unique_ptr<CollectiveBackend> backend_for(const std::string& name, const Plan& plan, const ClusterSpec& spec, uint64_t seed = 1,
                                               const std::vector<std::string>& failures = {}, Execution execution = Execution::Phases);
// Writes `text` to `path` atomically, or to stdout when path is empty or "-".
void emit(const std::string& path, const std::string& text);

}  // namespace aifabric
