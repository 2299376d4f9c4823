// The lower bound of a dependency-graph execution: what no run of a schedule's chunk graph can beat.
#pragma once

#include "backend/collective_backend.h"
#include "backend/collective_latency.h"
#include "flow/flow_network.h"

namespace aifabric {

// NCCL's base latency plus the larger of: the graph's longest path, each op at the most its route allows alone
// (no sharing, at most the protocol's per-channel cap) and each data edge paying its hop's latency; and the busiest
// resource carrying the bytes of every op that crosses it at its capacity. A graph execution may finish before
// the steady-state bound (which charges every step its slowest hop and slowest link even when they fall on
// different ranks, and cannot hide one chain's latency behind another's data); never before this.
// Throws std::invalid_argument when the graph exceeds options.max_graph_ops.
CollectiveResult graph_bound(const Schedule& s, const FlowNetwork& net, const CollectiveLatency& latency, const BackendOptions& options);

}  // namespace aifabric
