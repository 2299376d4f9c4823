// Routing a phase's transfers over a FlowNetwork: the resources each one uses, as the analytic and flow backends see them.
#pragma once

#include <cstdint>

#include "backend/collective_latency.h"
#include "collective/schedule.h"
#include "flow/max_min.h"

namespace aifabric {

// Routes every transfer of `ph` into `fs` (one flow per transfer, in order); counts in `unreachable` the transfers
// failures leave without a path (their flow uses no resource).
void route_phase(const FlowNetwork& net, const Phase& ph, PathMode mode, FlowSet& fs, int64_t& unreachable);

// Every transfer of a schedule as one flow (phases concatenated, flow first_flow[phase] + transfer), with the
// latency its data takes to where its successors start: what the dependency-graph runners share.
struct ScheduleRoutes {
  FlowSet flows;
  std::vector<uint32_t> first_flow;
  std::vector<int64_t> transit_ps;
  int64_t unreachable = 0;  // the most transfers of one phase left without a path
  uint32_t flow_of(uint32_t phase, uint32_t transfer) const { return first_flow[phase] + transfer; }
};
ScheduleRoutes route_schedule(const Schedule& s, const FlowNetwork& net, const CollectiveLatency& latency, PathMode mode);

}  // namespace aifabric
