// Routing a phase's transfers: scale-up ports for NVLS, a NIC's links for in-network reduction, paths otherwise.
#include "backend/phase_routing.h"

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

}  // namespace aifabric
