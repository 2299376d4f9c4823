// A collective as a schedule: a chain of phases, each a set of concurrent transfers repeated k times, plus the
// chain of hops its first chunk crosses.
//
// Bandwidth and latency are kept apart, as a pipelined execution separates them: a phase's transfers give its
// steady-state data movement (ring steps are identical sets of (source, destination, bytes), so a phase with
// `repeat = 2(n-1)` stands for 2(n-1) identical steps, solved once and multiplied), and its chain gives the
// latency a chunk pays on its way, each hop once. Every backend times the data movement its own way and the
// latency through one shared model (backend/collective_latency.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collective/collective.h"
#include "collective/nccl_model.h"
#include "topo/fabric.h"

namespace aifabric {

// Ranks of a collective: rank r runs on XPU xpus[r] (global XPU index = server * xpus_per_server + local).
struct Communicator {
  std::vector<uint32_t> xpus;
  int xpus_per_server = 1;
  int64_t size() const { return static_cast<int64_t>(xpus.size()); }
  uint32_t server_of(int64_t rank) const { return xpus[rank] / static_cast<uint32_t>(xpus_per_server); }
  uint32_t local_of(int64_t rank) const { return xpus[rank] % static_cast<uint32_t>(xpus_per_server); }
};

// "all", "first:N", "rail:K" (local XPU K of every server: a rail-aligned data-parallel group),
// "server:S" (the XPUs of one server); throws InputError naming `what` on a bad group.
Communicator make_communicator(const Fabric& f, const std::string& group, const std::string& what);

// How a transfer uses the scale-up switch: between two XPUs, or one side of an in-switch reduction (NVLS):
// to the switch (the source's egress only) or from it (the destination's ingress only).
// In-network reduction (SHARP) the same way: a NIC's stream into the fabric's reduction tree, and the result back.
enum class Via : uint8_t { Peer, ToSwitch, FromSwitch, ToNetwork, FromNetwork };

struct Transfer {
  uint32_t src = 0, dst = 0;  // global XPU indices
  int64_t bytes = 0;          // bytes on the wire: the payload divided by the protocol's efficiency
  Via via = Via::Peer;
  // Where the transfer sits in the pipeline, for execution as a dependency graph (collective/chunk_graph.h): its
  // channel, and its stage inside one step (a transfer waits for what lower stages of its channel deliver where
  // it starts: up a chain or tree before down it, into the switch before out of it).
  uint16_t channel = 0;
  uint16_t stage = 0;
};

// One step of the chain a chunk's data crosses, in order.
struct Hop {
  uint32_t src = 0, dst = 0;
};

struct Phase {
  std::string label;
  std::vector<Transfer> transfers;
  int64_t repeat = 1;        // identical steps
  // Pipelined phases: the hops the first chunk crosses one after another over the whole phase (all repetitions);
  // the phase's latency is their sum. Empty: step-synchronous, each repetition waits for its slowest hop.
  std::vector<Hop> chain;
};

struct Schedule {
  CollectiveKind kind = CollectiveKind::AllReduce;
  Algorithm algorithm = Algorithm::Ring;
  Protocol protocol = Protocol::Simple;
  int64_t bytes = 0;   // NCCL-tests "size": the per-rank buffer
  int64_t ranks = 0;
  int channels = 1;
  NcclSystem system;            // what NCCL's search would find for this communicator
  ProtocolConstants constants;  // per-hop latencies, wire efficiency and per-channel cap of (algorithm, protocol)
  std::string choice;           // how the algorithm and protocol were chosen (for table headers)
  std::vector<Phase> phases;
  int64_t transfer_count() const;  // sum of transfers x repeat
  // Bytes one repetition of every phase moves between NVLink domains of `domain` XPUs (what a packet run simulates).
  int64_t network_bytes(uint32_t domain) const;
};

struct ScheduleOptions {
  int channels = 0;                         // channels; 0 = as NCCL's search would set them
  int64_t root = 0;
  int parameter_servers = 1;
  std::optional<Protocol> protocol;         // as NCCL_PROTO; unset = NCCL's choice (Simple for non-NCCL algorithms)
  int64_t max_transfers_per_phase = 8'000'000;  // all-pairs schedules beyond this are refused
};

// Throws std::invalid_argument with a user-facing message when the algorithm cannot run this group.
Schedule build_schedule(CollectiveKind kind, Algorithm algorithm, const Communicator& comm, int64_t bytes, const Fabric& fabric,
                        const ScheduleOptions& options = {});

// NCCL's algorithm for an aifabric one (nullopt for algorithms NCCL does not have).
std::optional<NcclAlgo> nccl_algo_of(Algorithm a);

}  // namespace aifabric
