// The cell fabric's credit scheduler: VOQs with a backlog request credit from their egress port's scheduler, which
// grants it at the port's rate, control first, round robin within each class.
#include "net/cell_fabric.h"

#include <algorithm>

namespace aifabric {

void CellFabric::push_list(Scheduler& s, uint32_t id) {
  Voq& v = voqs_[id];
  const int c = v.control ? 0 : 1;
  v.listed = true;
  v.next_in_list = kNone;
  if (s.tail[c] == kNone) s.head[c] = id;
  else voqs_[s.tail[c]].next_in_list = id;
  s.tail[c] = id;
}

void CellFabric::on_request(uint32_t id) {
  Voq& v = voqs_[id];
  v.requesting = false;
  if (v.listed || v.unrequested <= 0) return;
  const uint32_t link = v.egress_port / 2;
  Scheduler& s = schedulers_[link];
  push_list(s, id);
  if (!s.ticking) {
    s.ticking = true;
    sim_.schedule(Picoseconds(std::max(sim_.now().count(), s.next_allowed)), kCredit, link);
  }
}

// One credit decision of an egress port: control VOQs first, then data VOQs, round robin within each;
// credits are paced at the port's rate (times the speed-up) and pause while the port itself is backed up.
void CellFabric::on_credit(uint32_t link) {
  Scheduler& s = schedulers_[link];
  s.ticking = false;
  const int64_t now = sim_.now().count();
  const auto pace = [&](int64_t bytes) {
    return static_cast<int64_t>(static_cast<double>(bytes) * 8e12 / (static_cast<double>(s.bps) * p_.credit_speedup));
  };
  const bool any = s.head[0] != kNone || s.head[1] != kNone;
  if (!any) return;
  if (sink_.egress_backlog(PortId(down_port(link))) > p_.egress_backlog_bytes) {
    s.ticking = true;
    sim_.schedule(Picoseconds(now + pace(p_.credit_bytes)), kCredit, link);
    return;
  }
  const int c = s.head[0] != kNone ? 0 : 1;
  const uint32_t id = s.head[c];
  Voq& v = voqs_[id];
  s.head[c] = v.next_in_list;
  if (s.head[c] == kNone) s.tail[c] = kNone;
  v.listed = false;
  const int64_t grant = std::min(p_.credit_bytes, std::max<int64_t>(v.unrequested, 1));
  v.unrequested -= grant;
  if (v.unrequested > 0) push_list(s, id);
  uint32_t g;
  if (free_grant_ != kNone) {
    g = free_grant_;
    free_grant_ = grants_[g].next_free;
  } else {
    g = static_cast<uint32_t>(grants_.size());
    grants_.push_back({});
  }
  grants_[g] = {id, static_cast<uint32_t>(grant), kNone};
  ++stats_.credits;
  sim_.schedule(Picoseconds(now + control_ps_), kGrant, g);
  s.next_allowed = now + pace(grant);
  if (s.head[0] != kNone || s.head[1] != kNone) {
    s.ticking = true;
    sim_.schedule(Picoseconds(s.next_allowed), kCredit, link);
  }
}

void CellFabric::on_grant(uint32_t g) {
  const uint32_t id = grants_[g].voq;
  Voq& v = voqs_[id];
  v.credit += grants_[g].bytes;
  grants_[g].next_free = free_grant_;
  free_grant_ = g;
  while (v.count > 0 && v.credit > 0) {
    const uint32_t packet = v.ring[v.head];
    v.head = (v.head + 1) & static_cast<uint32_t>(v.ring.size() - 1);
    --v.count;
    const uint32_t wire = wire_[packet];
    v.credit -= wire;
    v.bytes -= wire;
    le_bytes_[v.le] -= wire;
    send_cells(id, packet, wire);
  }
  if (v.count == 0) v.credit = std::min<int64_t>(v.credit, 0);  // unused credit lapses
}

}  // namespace aifabric
