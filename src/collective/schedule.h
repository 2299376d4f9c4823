// A collective as a schedule: a chain of phases, each a set of concurrent transfers repeated k times.
//
// This is the dependency graph of transfers restricted to step-synchronous algorithms: every transfer of
// phase p starts after all of phase p-1 (and of the previous repetition) finished. Ring steps are
// identical sets of (source, destination, bytes), so a phase with `repeat = 2(n-1)` stands for 2(n-1)
// identical steps: backends solve it once and multiply, which is exact for identical steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collective/collective.h"
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

struct Transfer {
  uint32_t src = 0, dst = 0;  // global XPU indices
  int64_t bytes = 0;
};

struct Phase {
  std::string label;
  std::vector<Transfer> transfers;
  int64_t repeat = 1;        // identical steps
  int64_t latency_hops = 0;  // sequential latency terms per repetition (pipelined chains: depth); 0 = 1
};

struct Schedule {
  CollectiveKind kind = CollectiveKind::AllReduce;
  Algorithm algorithm = Algorithm::Ring;
  int64_t bytes = 0;   // NCCL-tests "size": the per-rank buffer
  int64_t ranks = 0;
  int channels = 1;
  std::vector<Phase> phases;
  int64_t transfer_count() const;  // sum of transfers x repeat
};

struct ScheduleOptions {
  int channels = 0;                         // ring channels; 0 = one per NIC of a server (as NCCL does)
  int64_t root = 0;
  int parameter_servers = 1;
  int64_t max_transfers_per_phase = 8'000'000;  // all-pairs schedules beyond this are refused
};

// Throws std::invalid_argument with a user-facing message when the algorithm cannot run this group.
Schedule build_schedule(CollectiveKind kind, Algorithm algorithm, const Communicator& comm, int64_t bytes, int nics_per_server,
                        const ScheduleOptions& options = {});

// The algorithm `auto` picks: direct for all-to-all, ring (multi-channel, as NCCL for large messages) otherwise.
Algorithm auto_algorithm(CollectiveKind kind, const Communicator& comm);

}  // namespace aifabric
