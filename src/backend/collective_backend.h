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
};

struct BackendOptions {
  FlowNetworkOptions network;
  PathMode mode = PathMode::Spray;      // from the spec's load balancing: ecmp -> hashed paths, else spraying
  // Flow backend: finishes within this fraction of the elapsed phase time are one event (0 = every finish its own).
  double finish_window = 1e-2;
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
PathMode path_mode_for(LoadBalancing lb);

}  // namespace aifabric
