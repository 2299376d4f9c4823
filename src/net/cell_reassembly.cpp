// The cell fabric's reassembly at the egress leaf element: a packet is complete with its last cell, and complete
// packets leave in their VOQ's order.
#include "net/cell_fabric.h"

#include <algorithm>

namespace aifabric {

// A cell is accounted for (arrived or lost); the packet's last one completes it, and complete packets
// leave in their VOQ's order (a lost packet's slot is skipped, as a reassembly timeout would).
void CellFabric::cell_done(uint32_t packet, uint32_t id) {
  if (--cells_left_[packet] > 0) return;
  Voq& v = voqs_[id];
  const uint32_t seq = voq_seq_[packet];
  const uint32_t entry = lost_[packet] ? (packet | kLostBit) : packet;
  if (seq != v.next_release) {
    ++stats_.held_for_order;
    if (seq - v.next_release >= v.held.size()) {
      size_t n = v.held.size();
      while (seq - v.next_release >= n) n *= 2;
      std::vector<uint32_t> bigger(n, kNone);
      for (uint32_t s = v.next_release; s != v.next_release + v.held.size(); ++s) {
        bigger[s & (n - 1)] = v.held[s & (v.held.size() - 1)];
      }
      v.held.swap(bigger);
    }
    v.held[seq & (v.held.size() - 1)] = entry;
    return;
  }
  release(id, entry);
  ++v.next_release;
  for (;;) {
    uint32_t& slot = v.held[v.next_release & (v.held.size() - 1)];
    if (slot == kNone) break;
    const uint32_t next = slot;
    slot = kNone;
    release(id, next);
    ++v.next_release;
  }
}

void CellFabric::release(uint32_t id, uint32_t entry) {
  if (entry & kLostBit) sink_.discard(PacketId(entry & ~kLostBit));
  else sink_.deliver(PacketId(entry), PortId(voqs_[id].egress_port));
}

}  // namespace aifabric
