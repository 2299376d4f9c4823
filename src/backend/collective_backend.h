// One interface for every simulator of collectives (analytic, flow, later packet): a schedule in, a timing out.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collective/schedule.h"
#include "core/units.h"
#include "flow/flow_network.h"
#include "plan/plan.h"

namespace aifabric {

struct PhaseResult {
  std::string label;
  int64_t repeat = 1;
  int64_t transfers = 0;
  Picoseconds transfer_time;  // one repetition's data movement
  Picoseconds latency;        // one repetition's latency terms
  double slowest_rate_gbps = 0;
  double mean_rate_gbps = 0;  // mean of the flows' rates when the phase starts (aggregate throughput / flows)
};

// Link utilisation of one tier while the longest phase starts (load / capacity over the tier's links).
struct TierUtilisation {
  int tier = 0;
  double mean = 0;  // capacity-weighted over every link of the tier, idle ones included
  double max = 0;
};

struct CollectiveResult {
  std::string backend;
  Picoseconds time;
  std::vector<PhaseResult> phases;
  std::vector<TierUtilisation> utilisation;
  int64_t solves = 0;       // rate computations made (events, for the flow backend)
  int64_t unreachable = 0;  // transfers (per step) that failures left without any path
  int64_t graph_ops = 0;    // dependency-graph execution: the chunk transfers run (0: steady-state phases)
  int graph_slices = 0;     // and the slices each transfer was cut into
};

// How a backend executes a schedule: each phase's steady state solved once and multiplied, with the latency of
// its chain added (fast, any size), or every chunk transfer as a node of the dependency graph, started when what
// it waits for has arrived (pipelining, fill and drain, and congestion that delays one hop delays those after it).
enum class Execution : uint8_t { Phases, Graph };

struct BackendOptions {
  FlowNetworkOptions network;
  PathMode mode = PathMode::Spray;      // from the spec's load balancing: ecmp -> hashed paths, else spraying
  // Flow backend: finishes within this fraction of the elapsed phase time are one event (0 = every finish its own).
  double finish_window = 1e-2;
  Execution execution = Execution::Phases;
  int64_t max_graph_ops = 2'000'000;    // a graph larger than this is refused (the steady state runs any size)
};

class CollectiveBackend {
 public:
  virtual ~CollectiveBackend() = default;
  virtual std::string_view name() const = 0;
  virtual CollectiveResult run(const Schedule& schedule) = 0;
};

// "analytic", "flow" or "nccl-model" (NCCL's tuning model's own prediction for the schedule's algorithm and
// protocol, for side-by-side); throws InputError on another name. The plan must outlive the backend.
std::unique_ptr<CollectiveBackend> make_backend(std::string_view name, const Plan& plan, const BackendOptions& options);
std::unique_ptr<CollectiveBackend> make_backend(std::string_view, Plan&&, const BackendOptions&) = delete;  // the plan must outlive it
PathMode path_mode_for(LoadBalancing lb);

}  // namespace aifabric
