// The entropy a NIC puts on each packet, per load-balancing policy.
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

void PathPolicy::prepare(const std::vector<uint32_t>& packets_per_flow) {
  if (recycling_) reps_.reset(packets_per_flow);
}

uint32_t PathPolicy::entropy(Flow& fl, uint32_t flow_id, uint32_t seq, bool data, int64_t now, Rng& rng) {
  constexpr uint32_t kControlSalt = 0x5bd1e995u;  // flow-pinned control packets take another path than the data
  switch (lb_) {
    case LoadBalancing::Ecmp: return fl.entropy ^ (data ? 0u : kControlSalt);
    case LoadBalancing::Flowlet:
      if (data) {
        if (fl.last_tx >= 0 && now - fl.last_tx > flowlet_gap_ps_) ++fl.flowlet;
        fl.last_tx = now;
      }
      return splitmix32((static_cast<uint64_t>(fl.entropy) << 32) | fl.flowlet) ^ (data ? 0u : kControlSalt);
    case LoadBalancing::RoundRobin:
    case LoadBalancing::Adaptive: return data ? fl.entropy + fl.spray_seq++ : static_cast<uint32_t>(rng.next());
    case LoadBalancing::Spraying:  // a fresh entropy value per packet, which every switch hashes
      return data ? splitmix32((static_cast<uint64_t>(fl.entropy) << 32) | fl.spray_seq++) : static_cast<uint32_t>(rng.next());
    case LoadBalancing::Reps:
      return !data                   ? static_cast<uint32_t>(rng.next())
             : reps_.waiting(flow_id) ? reps_.next(flow_id, seq, 0)
                                      : reps_.next(flow_id, seq, splitmix32((static_cast<uint64_t>(fl.entropy) << 32) | fl.spray_seq++));
  }
  return static_cast<uint32_t>(rng.next());
}

}  // namespace aifabric
