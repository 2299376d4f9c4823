// Routing a phase's transfers: scale-up ports for NVLS, a NIC's links for in-network reduction, paths otherwise.
#include "backend/phase_routing.h"

#include <algorithm>

namespace aifabric {

void route_phase(const FlowNetwork& net, const Phase& ph, PathMode mode, FlowSet& fs, int64_t& unreachable) {
  fs = FlowSet{};
  fs.usages.reserve(ph.transfers.size() * 8);
  std::vector<Usage> u;
  for (size_t i = 0; i < ph.transfers.size(); ++i) {
    u.clear();
    const Transfer& t = ph.transfers[i];
    if (t.via == Via::ToSwitch) {
      u.push_back({net.scale_up_egress(t.src), 1.0f});
    } else if (t.via == Via::FromSwitch) {
      u.push_back({net.scale_up_ingress(t.dst), 1.0f});
    } else if (t.via == Via::ToNetwork || t.via == Via::FromNetwork) {
      if (!net.nic_links(t.src, t.via == Via::ToNetwork, u)) ++unreachable;
    } else {
      const uint64_t key = (static_cast<uint64_t>(t.src) << 32) ^ static_cast<uint64_t>(t.dst) ^ (static_cast<uint64_t>(i) << 48);
      if (!net.route(t.src, t.dst, mode, key, u)) ++unreachable;
    }
    fs.add(u);
  }
}

ScheduleRoutes route_schedule(const Schedule& s, const FlowNetwork& net, const CollectiveLatency& latency, PathMode mode) {
  ScheduleRoutes r;
  FlowSet fs;
  for (const Phase& ph : s.phases) {
    int64_t unreachable = 0;
    route_phase(net, ph, mode, fs, unreachable);
    r.unreachable = std::max(r.unreachable, unreachable);
    r.first_flow.push_back(static_cast<uint32_t>(r.flows.size()));
    for (size_t i = 0; i < fs.size(); ++i) {
      r.flows.usages.insert(r.flows.usages.end(), fs.usages.begin() + fs.begin[i], fs.usages.begin() + fs.begin[i + 1]);
      r.flows.begin.push_back(static_cast<uint32_t>(r.flows.usages.size()));
      r.transit_ps.push_back(latency.transit(s.constants, ph.transfers[i]).count());
    }
  }
  return r;
}

}  // namespace aifabric
