// Packet-level execution of a schedule as a dependency graph of chunk transfers (collective/chunk_graph.h).
#pragma once

#include "backend/collective_backend.h"
#include "backend/collective_latency.h"
#include "net/packet_sim.h"

namespace aifabric {

// Every chunk transfer between NVLink domains runs as a packet flow that starts when what it waits for has
// arrived; transfers inside a domain (and PXN's hop to the relay GPU, NVLS's traffic to and from the switch, a
// NIC's stream into in-network reduction) hold their GPU's NVLink port or their NIC for their bytes at its rate,
// one after another. Data edges add the hop's latency less the path the packets already crossed; a flow counts as
// done no sooner than its bytes at the protocol's per-channel cap. Throws InputError when the graph exceeds
// options.max_graph_ops or its packets `max_packet_bytes`.
CollectiveResult run_packet_graph(const Schedule& s, const Plan& plan, const PacketSimConfig& config, const CollectiveLatency& latency,
                                  const BackendOptions& options, int64_t max_packet_bytes);

}  // namespace aifabric
