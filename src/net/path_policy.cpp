// The load-balancing policy as the configuration sets it.
#include "net/path_policy.h"

namespace aifabric {

using namespace packet_detail;

PathPolicy::PathPolicy(const PacketSimConfig& cfg, int64_t data_wire_bytes)
    : lb_(cfg.lb),
      flowlet_gap_ps_(cfg.flowlet_gap_ps),
      cycling_(cfg.lb == LoadBalancing::RoundRobin || cfg.lb == LoadBalancing::Adaptive),
      pins_planes_(cfg.lb == LoadBalancing::Ecmp || cfg.lb == LoadBalancing::Flowlet),
      adaptive_(cfg.lb == LoadBalancing::Adaptive),
      recycling_(cfg.lb == LoadBalancing::Reps),
      threshold_(static_cast<int64_t>(cfg.adaptive_threshold_packets) * data_wire_bytes) {}

void PathPolicy::prepare(const std::vector<Flow>& flows) {
  if (!recycling_) return;
  std::vector<uint32_t> packets;
  packets.reserve(flows.size());
  for (const Flow& fl : flows) packets.push_back(fl.npkts);
  reps_.reset(packets);
}

}  // namespace aifabric
