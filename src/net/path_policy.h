// The load-balancing policy inside the packet engine: the entropy a NIC puts on each packet (per flow, flowlet or
// packet, or recycled by REPS), how a switch hashes it into a choice among equal links, whether that choice weighs
// queue depths (adaptive), and how a NIC picks its plane. Which links lead on, and which routes failures withdrew,
// is the topology's (packet_routing.cpp); a new policy is a LoadBalancing value and its cases here.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "net/entropy_recycling.h"
#include "net/packet_records.h"
#include "net/packet_config.h"

namespace aifabric {

class PathPolicy {
 public:
  // `data_wire_bytes`: a full data packet on the wire (the adaptive threshold counts them).
  PathPolicy() = default;
  PathPolicy(const PacketSimConfig& cfg, int64_t data_wire_bytes);

  // Before the run, once every flow is added (REPS keeps a ring of entropies per flow, sized by its packets).
  void prepare(const std::vector<packet_detail::Flow>& flows);

  // The entropy of a new packet of flow `flow_id` (its seq-th; control packets draw from `rng`).
  uint32_t entropy(packet_detail::Flow& fl, uint32_t flow_id, uint32_t seq, bool data, int64_t now, Rng& rng);

  // The hash a switch reduces modulo its candidate links: cycling policies step a leaf's uplinks per packet (from a
  // per-flow offset), every other hashes the entropy with the switch.
  // `at_leaf()` says whether `node` is a leaf (asked only when it matters).
  template <class AtLeaf>
  uint32_t spread_hash(uint32_t node, const packet_detail::Packet& p, const AtLeaf& at_leaf) const {
    if (cycling_ && p.type == packet_detail::kData && at_leaf()) return p.entropy + splitmix32(node);
    return splitmix32((static_cast<uint64_t>(p.entropy) << 32) | node);
  }

  // The value a NIC reduces modulo its usable planes: the packet's hash for flow-pinned policies (ECMP,
  // flowlets), else the flow's planes in turn.
  uint32_t plane_selector(packet_detail::Flow& fl, uint32_t hash) const { return pins_planes_ ? hash : fl.plane_rr++; }

  // Adaptive: a switch leaves the hashed choice for a link whose queue is shallower by more than the threshold.
  bool adaptive() const { return adaptive_; }
  int64_t adaptive_threshold_bytes() const { return threshold_; }

  // An acknowledgement came back (REPS recycles the entropies of unmarked packets).
  void acked(uint32_t flow_id, uint32_t seq, bool marked) {
    if (recycling_) reps_.acked(flow_id, seq, marked);
  }

 private:
  LoadBalancing lb_ = LoadBalancing::Ecmp;
  int64_t flowlet_gap_ps_ = 0;
  bool cycling_ = false, pins_planes_ = false, adaptive_ = false, recycling_ = false;
  int64_t threshold_ = 0;
  EntropyRecycler reps_;  // REPS: the entropies waiting to be reused
};

// Inline: it runs for every packet a NIC makes.
inline uint32_t PathPolicy::entropy(packet_detail::Flow& fl, uint32_t flow_id, uint32_t seq, bool data, int64_t now, Rng& rng) {
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
