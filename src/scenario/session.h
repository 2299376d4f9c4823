// What every scenario runs with (the CLI's global options, a Python call's keywords): extra catalogs, the memory
// and event limits, the seed; and the catalog and plan options they give.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <optional>

#include "catalog/catalog.h"
#include "collective/schedule.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace aifabric {

struct Session {
  std::vector<std::string> catalogs;      // extra catalog files; same names override the shipped entries
  double max_memory_gib = 8;              // a spec whose fabric would need more is refused
  int64_t max_events = 2'000'000'000;     // packet runs estimated to need more are refused
  uint64_t seed = 1;                      // traffic, hashing, spraying, ECN, failures
};

// The shipped catalog plus the session's files and the spec's own (`spec` may be null).
Catalog session_catalog(const Session& s, const ClusterSpec* spec);
PlanOptions plan_options(const Session& s);
// A spec planned against its catalog.
Plan plan_spec(const Session& s, const ClusterSpec& spec);

// A collective, an algorithm and a protocol by name, as the scenarios take them; InputError naming the option.
CollectiveKind collective_or_fail(const std::string& name, const char* option);
Algorithm algorithm_or_fail(const std::string& name);
std::optional<Protocol> protocol_or_fail(const std::string& name);  // LL, LL128 or Simple; empty = NCCL's choice
LoadBalancing load_balancing_or_fail(const std::string& name);      // ecmp, spraying, reps, flowlet, adaptive, round-robin

}  // namespace aifabric
