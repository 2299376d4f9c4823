// The analytic and flow-level backends over a FlowNetwork, and the factory that picks one by name.
//
// Both time a phase's data movement their own way and add the same latency (CollectiveLatency): the analytic
// backend takes the load bound (the most loaded resource at capacity, every flow at most at its protocol cap),
// which no steady-state execution on this fabric can beat; the flow backend shares capacity max-min fairly and
// re-solves at every flow's finish. Asked for a dependency-graph execution, the analytic backend gives that
// graph's bound (graph_bound.h) and the flow backend runs the graph (flow_graph_executor.h).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "backend/collective_backend.h"
#include "backend/collective_latency.h"
#include "backend/flow_graph_executor.h"
#include "backend/graph_bound.h"
#include "backend/phase_routing.h"
#include "core/input_error.h"
#include "flow/max_min.h"

namespace aifabric {

namespace {

Picoseconds seconds_to_ps(double s) { return Picoseconds(static_cast<int64_t>(std::ceil(s * 1e12 - 1e-3))); }

class BackendBase : public CollectiveBackend {
 public:
  BackendBase(const Plan& plan, const BackendOptions& o) : net_(plan, o.network), latency_(plan), options_(o) {}

  CollectiveResult run(const Schedule& s) override {
    if (options_.execution == Execution::Graph) return run_graph(s);
    CollectiveResult r;
    r.backend = std::string(name());
    r.time = latency_.base(s);
    Picoseconds longest(-1);
    const double cap_gbps = s.constants.channel_cap_gbs > 0 ? s.constants.channel_cap_gbs * 8 : std::numeric_limits<double>::infinity();
    for (const Phase& ph : s.phases) {
      PhaseResult pr;
      pr.label = ph.label;
      pr.repeat = ph.repeat;
      pr.transfers = static_cast<int64_t>(ph.transfers.size());
      FlowSet fs;
      int64_t unreachable = 0;
      route_phase(net_, ph, mode(), fs, unreachable);
      r.unreachable = std::max(r.unreachable, unreachable);
      double slowest = 0;
      mean_rate_ = 0;
      first_rates_.clear();
      pr.transfer_time = seconds_to_ps(transfer_seconds(ph, fs, cap_gbps, slowest, r.solves));
      pr.mean_rate_gbps = mean_rate_;
      if (pr.transfer_time * ph.repeat > longest) {
        longest = pr.transfer_time * ph.repeat;
        r.utilisation = tier_utilisation(fs, first_rates_);
      }
      pr.latency = latency_.phase(s, ph);
      pr.slowest_rate_gbps = slowest;
      r.time += pr.transfer_time * ph.repeat + pr.latency;
      r.phases.push_back(std::move(pr));
    }
    return r;
  }

 protected:
  virtual PathMode mode() const = 0;
  virtual CollectiveResult run_graph(const Schedule& s) = 0;
  // Time for all transfers of one repetition to move their bytes (no latency).
  virtual double transfer_seconds(const Phase& ph, const FlowSet& fs, double cap_gbps, double& slowest_rate, int64_t& solves) = 0;

  std::vector<TierUtilisation> tier_utilisation(const FlowSet& fs, const std::vector<double>& rate) const {
    const auto& cap = net_.capacity_gbps();
    std::vector<double> load(cap.size(), 0.0);
    for (size_t f = 0; f < fs.size() && f < rate.size(); ++f) {
      for (uint32_t k = fs.begin[f]; k < fs.begin[f + 1]; ++k) load[fs.usages[k].resource] += rate[f] * fs.usages[k].coef;
    }
    std::vector<TierUtilisation> out;
    for (int t = 1; t <= net_.plan().fabric.tiers; ++t) {
      TierUtilisation u;
      u.tier = t;
      double used = 0, total = 0;
      // Individual links (both directions); bundles spread their load evenly over their member links.
      for (uint32_t res = 0; res < cap.size(); ++res) {
        if (net_.tier_of(res) != t) continue;
        const bool is_link = res < 2 * net_.plan().fabric.links.size();
        if (is_link) total += cap[res];
        used += load[res];
        if (cap[res] > 0) u.max = std::max(u.max, load[res] / cap[res]);
      }
      u.mean = total > 0 ? used / total : 0;
      out.push_back(u);
    }
    return out;
  }

  FlowNetwork net_;
  CollectiveLatency latency_;
  BackendOptions options_;
  double mean_rate_ = 0;               // set by transfer_seconds
  std::vector<double> first_rates_;    // rates at the start of the phase, set by transfer_seconds
};

// The load bound: ideal spraying, and no resource carries more than its capacity allows.
class AnalyticBackend final : public BackendBase {
 public:
  using BackendBase::BackendBase;
  std::string_view name() const override { return "analytic"; }

 private:
  PathMode mode() const override { return PathMode::Pooled; }
  // Of a dependency-graph execution: its critical path at unshared rates, or its load at capacity.
  CollectiveResult run_graph(const Schedule& s) override {
    try {
      return graph_bound(s, net_, latency_, options_);
    } catch (const std::invalid_argument& e) {
      throw InputError({}, "--execution", e.what());
    }
  }
  double transfer_seconds(const Phase& ph, const FlowSet& fs, double cap_gbps, double& slowest, int64_t& solves) override {
    std::vector<double> bits(fs.size());
    for (size_t i = 0; i < fs.size(); ++i) bits[i] = static_cast<double>(ph.transfers[i].bytes) * 8.0;
    const double t = load_bound_seconds(net_.capacity_gbps(), fs, bits, cap_gbps);
    ++solves;
    // The rate each flow would need to finish at the bound (for utilisation and the phase's rate columns).
    first_rates_.assign(fs.size(), 0.0);
    double sum = 0;
    size_t counted = 0;
    slowest = 0;
    for (size_t i = 0; i < fs.size(); ++i) {
      if (bits[i] <= 0 || fs.begin[i] == fs.begin[i + 1] || t <= 0) continue;
      first_rates_[i] = bits[i] / t / 1e9;
      slowest = counted == 0 ? first_rates_[i] : std::min(slowest, first_rates_[i]);
      sum += first_rates_[i];
      ++counted;
    }
    mean_rate_ = counted ? sum / static_cast<double>(counted) : 0;
    return t;
  }
};

// Flow level: max-min fair sharing, recomputed whenever a flow finishes; paths by ECMP hash or spraying.
class FlowBackend final : public BackendBase {
 public:
  FlowBackend(const Plan& plan, const BackendOptions& o) : BackendBase(plan, o), solver_(net_.resource_count()) {}
  std::string_view name() const override { return "flow"; }

 private:
  PathMode mode() const override { return options_.mode; }
  CollectiveResult run_graph(const Schedule& s) override {
    try {
      return run_flow_graph(s, net_, latency_, solver_, options_);
    } catch (const std::invalid_argument& e) {
      throw InputError({}, "--execution", e.what());
    }
  }
  double transfer_seconds(const Phase& ph, const FlowSet& fs, double cap_gbps, double& slowest, int64_t& solves) override {
    const size_t F = fs.size();
    std::vector<double> left(F);  // bits
    std::vector<uint8_t> active(F, 0);
    size_t running = 0;
    for (size_t i = 0; i < F; ++i) {
      left[i] = static_cast<double>(ph.transfers[i].bytes) * 8.0;
      active[i] = left[i] > 0 && fs.begin[i] != fs.begin[i + 1];
      running += active[i];
    }
    double now = 0;
    int64_t solves_here = 0;
    slowest = -1;
    std::vector<double> rate;
    while (running > 0) {
      solver_.solve(net_.capacity_gbps(), fs, active, rate, cap_gbps);
      if (solves_here++ == 0) {
        first_rates_ = rate;
        double sum = 0;
        for (size_t i = 0; i < F; ++i) sum += active[i] ? rate[i] : 0.0;
        mean_rate_ = running ? sum / static_cast<double>(running) : 0;
      }
      ++solves;
      double dt = std::numeric_limits<double>::infinity();
      for (size_t i = 0; i < F; ++i) {
        if (!active[i]) continue;
        if (slowest < 0 || rate[i] < slowest) slowest = rate[i];
        if (rate[i] > 0) dt = std::min(dt, left[i] / (rate[i] * 1e9));
      }
      if (!(dt < std::numeric_limits<double>::infinity())) break;
      // Finishes close together are taken as one event: every flow done within the window ends at its close, so
      // the capacity they free is idle for at most the window (never faster than exact). Hashed paths give every
      // flow its own rate: a 512 KiB tree all-reduce over 8,192 GPUs with ECMP (262,112 flows) takes 119 re-solves
      // instead of 5,021, with the same time to 0.01 us.
      const double horizon = dt + options_.finish_window * (now + dt);
      double step = dt;
      for (size_t i = 0; i < F; ++i) {
        if (!active[i] || rate[i] <= 0) continue;
        const double t = left[i] / (rate[i] * 1e9);
        if (t <= horizon) step = std::max(step, t);
      }
      now += step;
      for (size_t i = 0; i < F; ++i) {
        if (!active[i]) continue;
        left[i] -= rate[i] * 1e9 * step;
        if (left[i] <= 1e-6 * (static_cast<double>(ph.transfers[i].bytes) * 8.0) + 1e-3) {
          active[i] = 0;
          --running;
        }
      }
    }
    if (slowest < 0) slowest = 0;
    return now;
  }

  MaxMinSolver solver_;
};

// NCCL's tuning model's prediction for the schedule's (algorithm, protocol): no fabric, NCCL's own arithmetic.
class NcclModelBackend final : public CollectiveBackend {
 public:
  std::string_view name() const override { return "nccl-model"; }
  CollectiveResult run(const Schedule& s) override {
    const std::optional<NcclAlgo> algo = nccl_algo_of(s.algorithm);
    const double us = algo ? NcclModel(s.kind, s.system).time_us(*algo, s.protocol, s.bytes) : -1;
    if (us < 0 && (s.kind == CollectiveKind::SendRecv || s.kind == CollectiveKind::AllToAll)) {
      throw InputError({}, "--backend", fmt::format("NCCL's tuning model has no table for point-to-point operations ({}); use the analytic, flow or packet backend",
                                                    to_string(s.kind)));
    }
    if (us < 0) {
      throw InputError({}, "--backend", fmt::format("NCCL's tuning model has no prediction for {} with {} {}; use an NCCL algorithm "
                                                    "(nccl, ring, tree, nvls, nvls-tree, collnet-chain, collnet-direct, pat) that runs {}",
                                                    to_string(s.kind), to_string(s.algorithm), to_string(s.protocol), to_string(s.kind)));
    }
    CollectiveResult r;
    r.backend = "nccl-model";
    r.time = Picoseconds(static_cast<int64_t>(std::llround(us * 1e6)));
    r.solves = 1;
    return r;
  }
};

}  // namespace

PathMode path_mode_for(LoadBalancing lb) { return lb == LoadBalancing::Ecmp ? PathMode::Ecmp : PathMode::Spray; }

std::unique_ptr<CollectiveBackend> make_backend(std::string_view name, const Plan& plan, const BackendOptions& options) {
  if (name == "analytic") return std::make_unique<AnalyticBackend>(plan, options);
  if (name == "flow") return std::make_unique<FlowBackend>(plan, options);
  if (name == "nccl-model") {
    if (options.execution == Execution::Graph) {
      throw InputError({}, "--execution", "NCCL's tuning model has no dependency graph, only its own formula; run the graph on the flow, packet or analytic backend");
    }
    return std::make_unique<NcclModelBackend>();
  }
  throw InputError({}, "--backend", fmt::format("'{}' is not available; expected analytic, flow, packet or nccl-model", name));
}

}  // namespace aifabric
