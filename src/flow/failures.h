// Failure injection: which links are out of service, from specs such as "plane:1", "switch:p0.spine3",
// "tier:2:0.25" (a quarter of the tier's switches, chosen with a seed) or "tier:1:2" (two leaves).
#pragma once

#include <string>
#include <vector>

#include "topo/fabric.h"

namespace aifabric {

struct FailureSet {
  std::vector<uint32_t> links;        // failed link ids, sorted
  std::vector<std::string> what;      // one line per spec: what failed
};

// Throws InputError naming the spec and what would be valid.
FailureSet resolve_failures(const Fabric& f, const std::vector<std::string>& specs, uint64_t seed);

}  // namespace aifabric
