// The packet engine's failures: a link taken out at its time, the packets it held lost, and what each failure cost.
#include "net/packet_engine.h"

namespace aifabric {

// A packet lost to a failure: counted against it, and (for data) remembered until delivered again.
void PacketEngine::lose_packet(uint32_t id, uint32_t failure) {
  Packet& p = pool[id];
  FailureImpact& im = impacts[failure];
  ++im.packets_lost;
  if (p.type == kData) {
    Flow& fl = flows[p.flow];
    im.data_bytes_lost += payload(fl, p.seq);
    if (flow_hit[p.flow] != failure + 1) {
      flow_hit[p.flow] = failure + 1;
      ++im.flows_hit;
    }
    if (lost_pending.try_emplace((static_cast<uint64_t>(p.flow) << 32) | p.seq, failure).second) ++lost_outstanding[failure];
  }
  free_packet(id);
}

// A lost data packet arrived after all: the failure that lost it has recovered when none is left.
void PacketEngine::delivered_again(uint32_t flow_id, uint32_t seq) {
  const auto it = lost_pending.find((static_cast<uint64_t>(flow_id) << 32) | seq);
  if (it == lost_pending.end()) return;
  const uint32_t failure = it->second;
  lost_pending.erase(it);
  if (--lost_outstanding[failure] == 0) impacts[failure].recovered_ps = sim.now().count();
}

void PacketEngine::apply_failure(uint32_t idx) {
  any_dead = true;
  last_failure = idx;
  std::vector<uint32_t> stranded;  // once per failure, not per packet
  for (uint32_t link : cfg.failures[idx].links) {
    if (cells && f.links[link].tier == 2) cells->fail_link(link);
    for (int dir = 0; dir < 2; ++dir) {
      Port& pt = ports[2 * link + dir];
      if (pt.dead) continue;
      pt.dead = true;
      port_stats[2 * link + dir].dead_by = idx;
      // Whatever waits on the port is lost; data held against an upstream port for PFC is released.
      auto flush = [&](uint32_t& head, uint32_t& tail) {
        while (head != kNone) {
          const uint32_t id = list_pop(pool, head, tail);
          const Packet& p = pool[id];
          if (!node_is_nic[p.node]) leave_switch_buffer(p);
          lose_packet(id, idx);
        }
      };
      flush(pt.chead, pt.ctail);
      if (pt.from_switch) {
        flush(pt.head, pt.tail);
      } else {  // a NIC port's list holds flows waiting to send: they go to another plane, if any is left
        while (pt.head != kNone) {
          const uint32_t fid = list_pop(flows, pt.head, pt.tail);
          flows[fid].registered = false;
          stranded.push_back(fid);
        }
      }
      pt.queued = 0;
    }
  }
  for (uint32_t fid : stranded) try_send(fid);
}

}  // namespace aifabric
