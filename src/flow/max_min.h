// Max-min fair rates by progressive filling over shared capacity resources (flows with weighted usages).
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "flow/flow_network.h"

namespace aifabric {

// Flows as CSR: flow f uses usages[begin[f] .. begin[f+1]).
struct FlowSet {
  std::vector<uint32_t> begin{0};
  std::vector<Usage> usages;
  size_t size() const { return begin.size() - 1; }
  void add(const std::vector<Usage>& u) {
    usages.insert(usages.end(), u.begin(), u.end());
    begin.push_back(static_cast<uint32_t>(usages.size()));
  }
};

// Reusable solver: scratch space sized to the resource count, kept across calls.
class MaxMinSolver {
 public:
  explicit MaxMinSolver(size_t resources);
  // Rates (Gb/s) of the flows with active[f] != 0; inactive flows get 0; no flow exceeds `rate_cap` (a protocol's
  // per-channel limit). Returns the number of filling levels.
  int solve(const std::vector<double>& capacity, const FlowSet& flows, const std::vector<uint8_t>& active, std::vector<double>& rate,
            double rate_cap = std::numeric_limits<double>::infinity());

 private:
  std::vector<int32_t> slot_;  // resource -> dense index of touched resources, or -1
  std::vector<uint32_t> touched_;
  std::vector<double> rem_, coef_;
  std::vector<uint32_t> tr_begin_, tr_flows_;  // touched resource -> flows (transpose)
  std::vector<std::pair<double, uint32_t>> heap_;  // (fill level, touched resource)
};

// The load bound of a set of flows moving `bits[f]` each: no schedule finishes before the most loaded resource has
// carried its load at capacity, nor before any flow has moved its bits at `rate_cap`. Seconds.
double load_bound_seconds(const std::vector<double>& capacity_gbps, const FlowSet& flows, const std::vector<double>& bits,
                          double rate_cap_gbps = std::numeric_limits<double>::infinity());

}  // namespace aifabric
