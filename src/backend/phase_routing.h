// Routing a phase's transfers over a FlowNetwork: the resources each one uses, as the analytic and flow backends see them.
#pragma once

#include <cstdint>

#include "collective/schedule.h"
#include "flow/max_min.h"

namespace aifabric {

// Routes every transfer of `ph` into `fs` (one flow per transfer, in order); counts in `unreachable` the transfers
// failures leave without a path (their flow uses no resource).
void route_phase(const FlowNetwork& net, const Phase& ph, PathMode mode, FlowSet& fs, int64_t& unreachable);

}  // namespace aifabric
