// The chunk graph's critical path at unshared rates, and its load at capacity.
#include "backend/graph_bound.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "backend/phase_routing.h"
#include "collective/chunk_graph.h"

namespace aifabric {

CollectiveResult graph_bound(const Schedule& s, const FlowNetwork& net, const CollectiveLatency& latency, const BackendOptions& options) {
  const int slices = slices_for(s, options.max_graph_ops);
  const ChunkGraph g = build_chunk_graph(s, net.plan().fabric.scale_up_domain(), slices, options.max_graph_ops);
  const double cap = s.constants.channel_cap_gbs > 0 ? s.constants.channel_cap_gbs * 8 : std::numeric_limits<double>::infinity();
  CollectiveResult r;
  r.backend = "analytic";
  r.graph_ops = static_cast<int64_t>(g.size());
  r.graph_slices = slices;
  // Pooled paths, as the phases' load bound takes them: no routing of the graph's transfers beats them.
  const ScheduleRoutes routes = route_schedule(s, net, latency, PathMode::Pooled);
  r.unreachable = routes.unreachable;
  const FlowSet& fs = routes.flows;
  // Per transfer: the rate it would have alone.
  const auto& capacity = net.capacity_gbps();
  std::vector<double> alone(fs.size());
  for (size_t i = 0; i < fs.size(); ++i) {
    double rate = fs.begin[i] == fs.begin[i + 1] ? 0.0 : cap;
    for (uint32_t k = fs.begin[i]; k < fs.begin[i + 1]; ++k) rate = std::min(rate, capacity[fs.usages[k].resource] / fs.usages[k].coef);
    alone[i] = rate;
  }
  std::vector<double> load(capacity.size(), 0.0);  // bits
  std::vector<double> start(g.size(), 0.0);        // ps
  std::vector<uint32_t> waits = g.waits, ready;
  for (uint32_t o = 0; o < g.size(); ++o) if (waits[o] == 0) ready.push_back(o);
  double end = 0;
  size_t done = 0;
  while (!ready.empty()) {
    const uint32_t o = ready.back();
    ready.pop_back();
    ++done;
    const ChunkGraph::Op& op = g.ops[o];
    const uint32_t flow = routes.flow_of(op.phase, op.transfer);
    const double bits = static_cast<double>(op.bytes) * 8;
    for (uint32_t k = fs.begin[flow]; k < fs.begin[flow + 1]; ++k) load[fs.usages[k].resource] += bits * fs.usages[k].coef;
    const double rate = alone[flow];
    const double finish = start[o] + (rate > 0 && bits > 0 ? bits / (rate * 1e9) * 1e12 : 0.0);
    const auto tr = static_cast<double>(routes.transit_ps[flow]);
    end = std::max(end, finish + tr);
    for (uint64_t e = g.next_begin[o]; e < g.next_begin[o + 1]; ++e) {
      const uint32_t next = g.next[e] & ~ChunkGraph::kOrderEdge;
      start[next] = std::max(start[next], finish + ((g.next[e] & ChunkGraph::kOrderEdge) ? 0.0 : tr));
      if (--waits[next] == 0) ready.push_back(next);
    }
  }
  if (done != g.size()) throw std::logic_error("graph bound: the chunk graph has a cycle");
  for (size_t k = 0; k < load.size(); ++k) if (capacity[k] > 0) end = std::max(end, load[k] / (capacity[k] * 1e9) * 1e12);
  const Picoseconds makespan(static_cast<int64_t>(end));  // rounded down: a bound
  PhaseResult pr;
  pr.label = fmt::format("dependency graph bound: {} chunk transfers, {} slice{} each", g.size(), slices, slices == 1 ? "" : "s");
  pr.transfers = static_cast<int64_t>(g.size());
  pr.transfer_time = makespan;
  r.phases.push_back(std::move(pr));
  r.time = latency.base(s) + makespan;
  r.solves = 1;
  return r;
}

}  // namespace aifabric
