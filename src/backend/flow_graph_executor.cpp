// The dependency graph run at flow level: ops start when their predecessors' data has arrived and share capacity
// max-min while in flight; integer-picosecond clock, one re-solve per start or finish event.
#include "backend/flow_graph_executor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <stdexcept>

#include <fmt/format.h>

#include "backend/phase_routing.h"
#include "collective/chunk_graph.h"

namespace aifabric {

CollectiveResult run_flow_graph(const Schedule& s, const FlowNetwork& net, const CollectiveLatency& latency, MaxMinSolver& solver,
                                const BackendOptions& options) {
  const uint32_t domain = net.plan().fabric.scale_up_domain();
  const int slices = slices_for(s, options.max_graph_ops);
  const ChunkGraph g = build_chunk_graph(s, domain, slices, options.max_graph_ops);
  const double cap_gbps = s.constants.channel_cap_gbs > 0 ? s.constants.channel_cap_gbs * 8 : std::numeric_limits<double>::infinity();

  CollectiveResult r;
  r.backend = "flow";
  r.graph_ops = static_cast<int64_t>(g.size());
  r.graph_slices = slices;
  // One flow per transfer of the schedule (phases concatenated): a transfer's ops form a chain of order edges, so
  // at most one of them is in flight, and the routes are solved in place with an active mask.
  const ScheduleRoutes routes = route_schedule(s, net, latency, options.mode);
  r.unreachable = routes.unreachable;
  const FlowSet& flows = routes.flows;
  const std::vector<int64_t>& transit = routes.transit_ps;
  auto flow_of = [&](uint32_t o) { return routes.flow_of(g.ops[o].phase, g.ops[o].transfer); };

  const size_t n = g.size(), F = flows.size();
  std::vector<uint32_t> pending = g.waits;
  std::vector<int64_t> ready(n, 0);
  using Start = std::pair<int64_t, uint32_t>;  // (time, op): ties start in op order
  std::priority_queue<Start, std::vector<Start>, std::greater<Start>> starts;
  for (uint32_t o = 0; o < n; ++o) if (pending[o] == 0) starts.push({0, o});

  int64_t now = 0, makespan = 0;
  auto complete = [&](uint32_t o, int64_t t) {
    const int64_t tr = transit[flow_of(o)];
    makespan = std::max(makespan, t + tr);
    for (uint64_t e = g.next_begin[o]; e < g.next_begin[o + 1]; ++e) {
      const uint32_t succ = g.next[e] & ~ChunkGraph::kOrderEdge;
      const int64_t at = (g.next[e] & ChunkGraph::kOrderEdge) ? t : t + tr;
      ready[succ] = std::max(ready[succ], at);
      if (--pending[succ] == 0) starts.push({ready[succ], succ});
    }
  };

  std::vector<uint32_t> active, batch;  // ops in flight (each on its own flow), ops starting together
  std::vector<uint8_t> on(F, 0);
  std::vector<double> left(F, 0.0), rate;  // bits, Gb/s (per flow)
  bool dirty = true;
  auto start = [&](uint32_t o) {
    const uint32_t f = flow_of(o);
    if (g.ops[o].bytes <= 0 || flows.begin[f] == flows.begin[f + 1]) {
      complete(o, now);
      return;
    }
    if (on[f]) throw std::logic_error("flow graph execution: two ops of one transfer in flight");
    on[f] = 1;
    left[f] = static_cast<double>(g.ops[o].bytes) * 8.0;
    active.push_back(o);
    dirty = true;
  };
  double slowest = -1;
  while (!starts.empty() || !active.empty()) {
    if (active.empty() && starts.top().first > now) now = starts.top().first;
    while (!starts.empty() && starts.top().first <= now) {
      const uint32_t o = starts.top().second;
      starts.pop();
      start(o);
    }
    if (active.empty()) continue;
    if (dirty) {
      solver.solve(net.capacity_gbps(), flows, on, rate, cap_gbps);
      ++r.solves;
      dirty = false;
      for (uint32_t o : active) slowest = slowest < 0 ? rate[flow_of(o)] : std::min(slowest, rate[flow_of(o)]);
    }
    auto seconds_left = [&](uint32_t o) {
      const uint32_t f = flow_of(o);
      return rate[f] > 0 ? left[f] / (rate[f] * 1e9) : std::numeric_limits<double>::infinity();
    };
    // The next finish (finishes within the window of it are one event, taken at the latest of them: never faster
    // than exact), unless an op starts first.
    double first = std::numeric_limits<double>::infinity();
    for (uint32_t o : active) first = std::min(first, seconds_left(o));
    const int64_t next_start = starts.empty() ? std::numeric_limits<int64_t>::max() : starts.top().first;
    if (!std::isfinite(first) && next_start == std::numeric_limits<int64_t>::max()) {
      throw std::logic_error("flow graph execution stalled: ops in flight with no capacity");
    }
    double last = first;
    const double horizon = first * (1 + options.finish_window);
    for (uint32_t o : active) {
      const double t = seconds_left(o);
      if (t <= horizon) last = std::max(last, t);
    }
    const int64_t finish_step = std::isfinite(last) ? std::max<int64_t>(1, static_cast<int64_t>(std::ceil(last * 1e12 - 1e-3))) : std::numeric_limits<int64_t>::max();
    const bool finishing = next_start == std::numeric_limits<int64_t>::max() || finish_step <= next_start - now;
    int64_t step = finishing ? finish_step : next_start - now;
    batch.clear();
    if (!finishing) {
      // Starts within the window of the next finish's distance are one event, taken at the latest of them (never
      // earlier than ready), and never past that finish.
      const int64_t slack = std::isfinite(first) ? static_cast<int64_t>(options.finish_window * first * 1e12) : 0;
      const int64_t until = std::min(next_start + slack, now + finish_step - 1);
      int64_t target = next_start;
      while (!starts.empty() && starts.top().first <= std::max(next_start, until)) {
        target = std::max(target, starts.top().first);
        batch.push_back(starts.top().second);
        starts.pop();
      }
      step = target - now;
    }
    const double sec = static_cast<double>(step) * 1e-12;
    now += step;
    size_t kept = 0;
    for (size_t a = 0; a < active.size(); ++a) {
      const uint32_t o = active[a], f = flow_of(o);
      if (finishing && seconds_left(o) <= horizon) {
        on[f] = 0;
        complete(o, now);
        dirty = true;
        continue;
      }
      left[f] = std::max(0.0, left[f] - rate[f] * 1e9 * sec);
      active[kept++] = o;
    }
    active.resize(kept);
    for (uint32_t o : batch) start(o);
  }
  for (uint32_t o = 0; o < n; ++o) {
    if (pending[o] != 0) throw std::logic_error("flow graph execution left ops waiting: the chunk graph has a cycle");
  }

  PhaseResult pr;
  pr.label = fmt::format("dependency graph: {} chunk transfers, {} slice{} each", g.size(), slices, slices == 1 ? "" : "s");
  pr.transfers = static_cast<int64_t>(g.size());
  pr.transfer_time = Picoseconds(makespan);
  pr.slowest_rate_gbps = std::max(0.0, slowest);
  r.phases.push_back(std::move(pr));
  r.time = latency.base(s) + Picoseconds(makespan);
  return r;
}

}  // namespace aifabric
