// Failure injection: which links are out of service, from specs such as "plane:1", "switch:p0.spine3",
// "tier:2:0.25" (a quarter of the tier's switches, chosen with a seed), "tier:1:2" (two leaves), "link:leaf0,spine3"
// (the links between two switches) or "links:2:0.1" (a seeded tenth of tier 2's links).
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

// "SPEC@TIME" (TIME like 50us, 1.5ms, 2000ns; none = from the start): the spec and the time in picoseconds.
struct TimedFailureSpec {
  std::string spec;
  int64_t at_ps = 0;
};
TimedFailureSpec split_failure_time(const std::string& spec_at_time);

}  // namespace aifabric
