// Progressive filling: raise every unfrozen flow's rate together; freeze the flows of each resource as it fills.
#include "flow/max_min.h"

#include <algorithm>
#include <limits>

namespace aifabric {

MaxMinSolver::MaxMinSolver(size_t resources) : slot_(resources, -1) {}

int MaxMinSolver::solve(const std::vector<double>& capacity, const FlowSet& flows, const std::vector<uint8_t>& active,
                        std::vector<double>& rate, double rate_cap) {
  const size_t F = flows.size();
  rate.assign(F, 0.0);
  touched_.clear();
  for (size_t f = 0; f < F; ++f) {
    if (!active[f]) continue;
    for (uint32_t k = flows.begin[f]; k < flows.begin[f + 1]; ++k) {
      const uint32_t r = flows.usages[k].resource;
      if (slot_[r] < 0) {
        slot_[r] = static_cast<int32_t>(touched_.size());
        touched_.push_back(r);
      }
    }
  }
  const size_t T = touched_.size();
  rem_.assign(T, 0.0);
  coef_.assign(T, 0.0);
  for (size_t t = 0; t < T; ++t) rem_[t] = capacity[touched_[t]];
  tr_begin_.assign(T + 1, 0);
  for (size_t f = 0; f < F; ++f) {
    if (!active[f]) continue;
    for (uint32_t k = flows.begin[f]; k < flows.begin[f + 1]; ++k) {
      const int32_t s = slot_[flows.usages[k].resource];
      coef_[s] += flows.usages[k].coef;
      ++tr_begin_[s + 1];
    }
  }
  for (size_t t = 1; t <= T; ++t) tr_begin_[t] += tr_begin_[t - 1];
  tr_flows_.assign(tr_begin_[T], 0);
  {
    std::vector<uint32_t> fill(tr_begin_.begin(), tr_begin_.end() - 1);
    for (size_t f = 0; f < F; ++f) {
      if (!active[f]) continue;
      for (uint32_t k = flows.begin[f]; k < flows.begin[f + 1]; ++k) tr_flows_[fill[slot_[flows.usages[k].resource]]++] = static_cast<uint32_t>(f);
    }
  }
  std::vector<uint8_t> frozen(F, 0);
  size_t left = 0;
  for (size_t f = 0; f < F; ++f) left += active[f] ? 1 : 0;
  // Resources by the level at which they fill (remaining capacity over the unfrozen flows' weight). Freezing
  // flows only raises a resource's level, so a min-heap with stale entries re-pushed on pop finds each next
  // bottleneck in O(log T) instead of a scan of every touched resource per level.
  auto key = [&](size_t t) { return std::max(0.0, rem_[t]) / coef_[t]; };
  heap_.clear();
  for (size_t t = 0; t < T; ++t) if (coef_[t] > 1e-12) heap_.push_back({key(t), static_cast<uint32_t>(t)});
  auto later = [](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) { return a.first > b.first || (a.first == b.first && a.second > b.second); };
  std::make_heap(heap_.begin(), heap_.end(), later);
  auto freeze_through = [&](size_t t, double level) {
    for (uint32_t k = tr_begin_[t]; k < tr_begin_[t + 1]; ++k) {
      const uint32_t f = tr_flows_[k];
      if (frozen[f]) continue;
      frozen[f] = 1;
      rate[f] = level;
      --left;
      for (uint32_t u = flows.begin[f]; u < flows.begin[f + 1]; ++u) {
        const int32_t s = slot_[flows.usages[u].resource];
        rem_[s] -= flows.usages[u].coef * level;
        coef_[s] -= flows.usages[u].coef;
      }
    }
  };
  int levels = 0;
  while (left > 0 && !heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const auto [stale, t] = heap_.back();
    heap_.pop_back();
    if (coef_[t] <= 1e-12) continue;  // every flow through it is frozen
    const double level = key(t);
    if (level > stale * (1 + 1e-12) + 1e-15) {  // raised since it was pushed
      heap_.push_back({level, t});
      std::push_heap(heap_.begin(), heap_.end(), later);
      continue;
    }
    if (level >= rate_cap) {
      // Every flow still rising reaches the protocol's cap before any resource fills.
      for (size_t f = 0; f < F; ++f) if (active[f] && !frozen[f]) rate[f] = rate_cap;
      ++levels;
      left = 0;
      break;
    }
    ++levels;
    freeze_through(t, level);
    // Resources filling at the same level (within rounding) freeze their flows at it too.
    const double cut = level * (1 + 1e-9) + 1e-12;
    while (!heap_.empty() && heap_.front().first <= cut) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      const uint32_t u = heap_.back().second;
      heap_.pop_back();
      if (coef_[u] <= 1e-12) continue;
      if (key(u) <= cut) {
        freeze_through(u, level);
      } else {
        heap_.push_back({key(u), u});
        std::push_heap(heap_.begin(), heap_.end(), later);
      }
    }
  }
  for (uint32_t r : touched_) slot_[r] = -1;
  return levels;
}

double load_bound_seconds(const std::vector<double>& capacity, const FlowSet& flows, const std::vector<double>& bits, double rate_cap) {
  std::vector<double> load(capacity.size(), 0.0);  // bits through each resource
  double worst = 0;
  for (size_t f = 0; f < flows.size(); ++f) {
    if (bits[f] <= 0 || flows.begin[f] == flows.begin[f + 1]) continue;
    for (uint32_t k = flows.begin[f]; k < flows.begin[f + 1]; ++k) load[flows.usages[k].resource] += bits[f] * flows.usages[k].coef;
    if (rate_cap < std::numeric_limits<double>::infinity()) worst = std::max(worst, bits[f] / (rate_cap * 1e9));
  }
  for (size_t r = 0; r < capacity.size(); ++r) {
    if (load[r] > 0 && capacity[r] > 0) worst = std::max(worst, load[r] / (capacity[r] * 1e9));
  }
  return worst;
}

}  // namespace aifabric
