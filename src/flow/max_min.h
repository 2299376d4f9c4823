// Max-min fair rates by progressive filling over shared capacity resources (flows with weighted usages).
#pragma once

#include <cstdint>
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
  // Rates (Gb/s) of the flows with active[f] != 0; inactive flows get 0. Returns the number of filling levels.
  int solve(const std::vector<double>& capacity, const FlowSet& flows, const std::vector<uint8_t>& active, std::vector<double>& rate);

 private:
  std::vector<int32_t> slot_;  // resource -> dense index of touched resources, or -1
  std::vector<uint32_t> touched_;
  std::vector<double> rem_, coef_;
  std::vector<uint32_t> tr_begin_, tr_flows_;  // touched resource -> flows (transpose)
};

// The bottleneck bound: each flow gets, on every resource, an equal share weighted by usage; its rate is
// the smallest of those shares (no redistribution of what others leave unused).
void bottleneck_rates(const std::vector<double>& capacity, const FlowSet& flows, std::vector<double>& rate);

}  // namespace aifabric
