// The chunk graph as one packet simulation: each op a packet flow or a timed hold of an NVLink port or NIC.
#include "net/packet_graph_executor.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "collective/chunk_graph.h"
#include "core/input_error.h"
#include "topo/wire_format.h"

namespace aifabric {

namespace {
Picoseconds at_rate(int64_t bytes, double bps) {
  return bytes > 0 && bps > 0 ? Picoseconds(static_cast<int64_t>(std::ceil(static_cast<double>(bytes) * 8 / bps * 1e12))) : Picoseconds(0);
}
}  // namespace

CollectiveResult run_packet_graph(const Schedule& s, const Plan& plan, const PacketSimConfig& config, const CollectiveLatency& latency,
                                  const BackendOptions& options, int64_t max_packet_bytes) {
  const Fabric& f = plan.fabric;
  const LatencyModel& paths = latency.fabric();
  const uint32_t domain = f.scale_up_domain();
  const int slices = slices_for(s, options.max_graph_ops);
  ChunkGraph g;
  try {
    g = build_chunk_graph(s, domain, slices, options.max_graph_ops);
  } catch (const std::invalid_argument& e) {
    throw InputError({}, "--execution", e.what());
  }
  int64_t packet_bytes = 0;
  for (const Phase& ph : s.phases) {
    for (const Transfer& t : ph.transfers) {
      if (t.via == Via::Peer && t.src / domain != t.dst / domain) packet_bytes += t.bytes * std::max<int64_t>(0, ph.repeat);
    }
  }
  if (packet_bytes > max_packet_bytes) {
    throw InputError({}, "--execution", fmt::format("the dependency graph would move {} MiB between NVLink domains packet by packet, more than the {} MiB a "
                                                    "packet run takes; run the graph on the flow backend or a smaller size", packet_bytes >> 20, max_packet_bytes >> 20));
  }
  const double su_bps = static_cast<double>(f.scale_up_data_gbps()) * 1e9;
  const double nic_bps = static_cast<double>(f.host_link_gbps * f.planes) * 1e9 * wire_format(f).goodput();
  const double cap_bps = s.constants.channel_cap_gbs > 0 ? s.constants.channel_cap_gbs * 8e9 : 0;
  const auto xpus = static_cast<uint32_t>(f.xpus());
  // Lanes: each XPU's NVLink egress and ingress, each NIC's way into and out of the network's reduction.
  auto egress = [&](uint32_t x) { return x; };
  auto ingress = [&](uint32_t x) { return xpus + x; };
  auto nic_lane = [&](uint32_t nic, bool out) { return 2 * xpus + 2 * nic + (out ? 0 : 1); };

  PacketSim sim(plan, config);
  constexpr uint32_t kUnset = 0xffff'ffffu;
  uint32_t flows = 0;
  std::vector<uint32_t> first(g.size()), last(g.size());
  std::vector<int64_t> extra(g.size());  // latency a data edge adds: the hop's, less the path its packets crossed
  std::vector<Picoseconds> hold(g.size());  // the soonest an op counts as arrived after its last flow started
  for (uint32_t o = 0; o < g.size(); ++o) {
    const Transfer& t = s.phases[g.ops[o].phase].transfers[g.ops[o].transfer];
    const int64_t bytes = g.ops[o].bytes;
    Picoseconds crossed(0);
    auto timed = [&](uint32_t lane, Picoseconds d) {
      sim.add_timed_flow(lane, d);
      return flows++;
    };
    switch (t.via) {
      case Via::ToSwitch: first[o] = last[o] = timed(egress(t.src), at_rate(bytes, su_bps)); break;
      case Via::FromSwitch: first[o] = last[o] = timed(ingress(t.dst), at_rate(bytes, su_bps)); break;
      case Via::ToNetwork: first[o] = last[o] = timed(nic_lane(paths.nic_of(t.src), true), at_rate(bytes, nic_bps)); break;
      case Via::FromNetwork: first[o] = last[o] = timed(nic_lane(paths.nic_of(t.dst), false), at_rate(bytes, nic_bps)); break;
      case Via::Peer: {
        if (t.src == t.dst || bytes <= 0) {
          first[o] = last[o] = timed(PacketSim::kNoLane, Picoseconds(0));
          break;
        }
        if (t.src / domain == t.dst / domain) {
          first[o] = last[o] = timed(egress(t.src), at_rate(bytes, su_bps));
          break;
        }
        const uint32_t src_nic = paths.sending_nic(t.src, t.dst), dst_nic = paths.nic_of(t.dst);
        first[o] = kUnset;
        if (src_nic != paths.nic_of(t.src)) first[o] = timed(egress(t.src), at_rate(bytes, su_bps));  // PXN: to the relay GPU first
        if (src_nic == dst_nic) {
          if (first[o] == kUnset) first[o] = timed(PacketSim::kNoLane, Picoseconds(0));
          last[o] = first[o];
          break;
        }
        sim.add_flow({src_nic, dst_nic, bytes, Picoseconds(0)});
        last[o] = flows++;
        if (first[o] == kUnset) first[o] = last[o];
        else sim.add_precedence(FlowId(first[o]), FlowId(last[o]), Picoseconds(0));
        crossed = paths.between_nics(src_nic, dst_nic) - paths.first_packet_serialisation();
        break;
      }
    }
    // At the cap the last byte leaves at start + bytes / cap and lands the path later.
    const Picoseconds capped = cap_bps > 0 && bytes > 0 ? at_rate(bytes, cap_bps) : Picoseconds(0);
    hold[o] = capped.count() > 0 ? capped + crossed : Picoseconds(0);
    if (capped.count() > 0) sim.set_min_duration(FlowId(last[o]), capped, hold[o]);
    extra[o] = std::max<int64_t>(0, (latency.transit(s.constants, t) - crossed).count());
  }
  for (uint32_t o = 0; o < g.size(); ++o) {
    for (uint64_t e = g.next_begin[o]; e < g.next_begin[o + 1]; ++e) {
      const bool order = (g.next[e] & ChunkGraph::kOrderEdge) != 0;
      // A connection's next chunk follows once this one is on its way; data waits until it has arrived.
      sim.add_precedence(FlowId(last[o]), FlowId(first[g.next[e] & ~ChunkGraph::kOrderEdge]), Picoseconds(order ? 0 : extra[o]), order);
    }
  }
  const PacketSimResult res = sim.run();
  if (!res.all_done || res.stopped_early) {
    throw InputError({}, "--execution", fmt::format("the packet run of the dependency graph stopped before every chunk arrived ({} of {} bytes, {} events); "
                                                    "raise --max-events or run a smaller size", res.bytes_delivered, res.bytes_offered, res.events));
  }
  int64_t makespan = 0;
  for (uint32_t o = 0; o < g.size(); ++o) {
    const FlowStats& fs = res.flows[last[o]];
    int64_t done = fs.finish.count();
    done = std::max(done, (fs.start + hold[o]).count());
    makespan = std::max(makespan, done + extra[o]);
  }
  CollectiveResult r;
  r.backend = "packet";
  r.graph_ops = static_cast<int64_t>(g.size());
  r.graph_slices = slices;
  r.solves = 1;
  PhaseResult pr;
  pr.label = fmt::format("dependency graph: {} chunk transfers, {} slice{} each, {} packet events", g.size(), slices, slices == 1 ? "" : "s", res.events);
  pr.transfers = static_cast<int64_t>(g.size());
  pr.transfer_time = Picoseconds(makespan);
  r.phases.push_back(std::move(pr));
  r.time = latency.base(s) + Picoseconds(makespan);
  return r;
}

}  // namespace aifabric
