// Flow-level execution of a schedule as a dependency graph of chunk transfers (collective/chunk_graph.h).
#pragma once

#include "backend/collective_backend.h"
#include "backend/collective_latency.h"
#include "flow/max_min.h"

namespace aifabric {

// Runs every op of the schedule's chunk graph as a flow once its predecessors are done (plus, on data edges, the
// transit latency of the hop that fed it), sharing capacity max-min among the ops in flight and re-solving
// whenever one starts or finishes. The time is NCCL's base latency plus the last op's finish and transit.
// Throws std::invalid_argument when the graph exceeds options.max_graph_ops.
CollectiveResult run_flow_graph(const Schedule& s, const FlowNetwork& net, const CollectiveLatency& latency, MaxMinSolver& solver,
                                const BackendOptions& options);

}  // namespace aifabric
