// Switch-scheduled cell fabric: VOQs, request/grant credit scheduling per egress port, cell spraying over
// every live fabric link, in-order reassembly per VOQ. No allocation per packet or cell once pools have grown.
#include "net/cell_fabric.h"

#include <algorithm>

namespace aifabric {

namespace {
constexpr uint32_t kNone = 0xffffffffu;
constexpr uint32_t kLostBit = 0x80000000u;  // in a reassembly slot: the packet was lost, skip it
// A leaf element whose catalog entry publishes no buffer: deep-buffer VOQ memory of 1 GiB (packet settings say so).
constexpr int64_t kUnpublishedVoqBytes = int64_t{1} << 30;
}  // namespace

CellFabric::CellFabric(const Fabric& f, const FabricIndex& index, const std::vector<int64_t>& port_delay_ps, Simulator& sim, EventHandlers& events,
                       const CellFabricParams& params, CellFabricSink& sink, std::array<int64_t, 64>& fabric_queue_histogram)
    : f_(f), sim_(sim), p_(params), sink_(sink), qhist_(fabric_queue_histogram), up_begin_(index.up_begin), up_links_(index.up_links), up_sorted_(index.up_sorted) {
  kRequest = events.add<&CellFabric::on_request>("cell fabric request", this);
  kGrant = events.add<&CellFabric::on_grant>("cell fabric grant", this);
  kCredit = events.add<&CellFabric::on_credit>("cell fabric credit", this);
  kCellTx = events.add<&CellFabric::on_cell_tx_done>("cell transmission done", this);
  kCellArrive = events.add<&CellFabric::on_cell_arrive>("cell arrival", this);
  stats_.used = true;
  const SwitchModel* le_model = f.tier[1].model;
  cell_bytes_ = p_.cell_bytes > 0 ? p_.cell_bytes : (le_model && le_model->cell_bytes > 0 ? le_model->cell_bytes : 256);
  cell_bytes_ = std::max(cell_bytes_, p_.cell_header_bytes + 16);
  if (p_.credit_bytes <= 0) p_.credit_bytes = le_model && le_model->credit_bytes > 0 ? le_model->credit_bytes : 4096;
  const size_t L = f.links.size(), N = f.nodes.size();
  ports_.resize(2 * L);
  schedulers_.resize(L);
  for (size_t i = 0; i < L; ++i) {
    const Link& l = f.links[i];
    if (l.tier == 1) {
      schedulers_[i].bps = static_cast<int64_t>(l.gbps) * 1'000'000'000;
      continue;
    }
    for (int dir = 0; dir < 2; ++dir) {
      CellPort& pt = ports_[2 * i + dir];
      pt.bps = static_cast<int64_t>(l.gbps) * 1'000'000'000;
      pt.delay_ps = port_delay_ps[2 * i + dir];
      pt.to = dir == 0 ? l.upper.value() : l.lower.value();
      pt.ring.resize(64);
    }
    if (control_ps_ == 0) control_ps_ = port_delay_ps[2 * i] + port_delay_ps[2 * i + 1];
  }
  spray_next_.assign(N, 0);
  down_next_.assign(N, 0);
  le_bytes_.assign(N, 0);
  le_buffer_ = p_.ingress_buffer_bytes > 0 ? p_.ingress_buffer_bytes
                                           : (le_model && le_model->buffer_bytes() > 0 ? le_model->buffer_bytes() : kUnpublishedVoqBytes);
  if (p_.egress_backlog_bytes <= 0) {  // enough to cover the credits already on their way when the port backs up
    int64_t fastest = 0;
    for (const Scheduler& s : schedulers_) fastest = std::max(fastest, s.bps);
    p_.egress_backlog_bytes = std::max<int64_t>(4 * p_.credit_bytes, static_cast<int64_t>(static_cast<double>(fastest) / 8 * 4 * static_cast<double>(control_ps_) * 1e-12));
  }
}

void CellFabric::ensure_packet(uint32_t packet) {
  if (packet < cells_left_.size()) return;
  const size_t n = std::max<size_t>(packet + 1, 2 * cells_left_.size());
  cells_left_.resize(n, 0);
  lost_.resize(n, 0);
  voq_seq_.resize(n, 0);
  wire_.resize(n, 0);
}

uint32_t CellFabric::voq_of(uint32_t le, uint32_t egress_port, bool control) {
  const uint64_t key = (static_cast<uint64_t>(le) << 33) | (static_cast<uint64_t>(egress_port) << 1) | (control ? 1u : 0u);
  const auto [it, fresh] = voq_index_.try_emplace(key, static_cast<uint32_t>(voqs_.size()));
  if (fresh) {
    Voq v;
    v.le = le;
    v.egress_port = egress_port;
    v.control = control;
    v.ring.resize(16);
    v.held.assign(16, kNone);
    voqs_.push_back(std::move(v));
  }
  return it->second;
}

void CellFabric::accept(uint32_t packet, uint32_t wire_bytes, uint32_t le, uint32_t egress_port, bool control) {
  ensure_packet(packet);
  if (le_bytes_[le] + wire_bytes > le_buffer_) {
    ++stats_.drops;
    sink_.discard(PacketId(packet));
    return;
  }
  wire_[packet] = static_cast<uint16_t>(wire_bytes);
  const uint32_t id = voq_of(le, egress_port, control);
  Voq& v = voqs_[id];
  if (v.count == v.ring.size()) {
    std::vector<uint32_t> bigger(v.ring.size() * 2);
    for (uint32_t k = 0; k < v.count; ++k) bigger[k] = v.ring[(v.head + k) & static_cast<uint32_t>(v.ring.size() - 1)];
    v.ring.swap(bigger);
    v.head = 0;
  }
  v.ring[(v.head + v.count) & static_cast<uint32_t>(v.ring.size() - 1)] = packet;
  ++v.count;
  v.bytes += wire_bytes;
  v.unrequested += wire_bytes;
  le_bytes_[le] += wire_bytes;
  stats_.voq_peak_bytes = std::max(stats_.voq_peak_bytes, v.bytes);
  stats_.ingress_peak_bytes = std::max(stats_.ingress_peak_bytes, le_bytes_[le]);
  if (!v.listed && !v.requesting) {  // the egress scheduler hears of the backlog one control latency later
    v.requesting = true;
    sim_.schedule(Picoseconds(sim_.now().count() + control_ps_), kRequest, id);
  }
}

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

uint32_t CellFabric::alloc_cell() {
  if (free_cell_ == kNone) {
    cells_.push_back({});
    return static_cast<uint32_t>(cells_.size() - 1);
  }
  const uint32_t c = free_cell_;
  free_cell_ = cells_[c].next_free;
  return c;
}

void CellFabric::send_cells(uint32_t id, uint32_t packet, uint32_t wire) {
  Voq& v = voqs_[id];
  voq_seq_[packet] = v.next_seq++;
  lost_[packet] = 0;
  const uint32_t egress_le = f_.links[v.egress_port / 2].upper.value();
  if (egress_le == v.le) {  // switched inside the leaf element: no fabric crossing
    cells_left_[packet] = 1;
    cell_done(packet, id);
    return;
  }
  const uint32_t payload = static_cast<uint32_t>(cell_bytes_ - p_.cell_header_bytes);
  const uint32_t n = (wire + payload - 1) / payload;
  cells_left_[packet] = static_cast<uint16_t>(n);
  const uint32_t le = v.le;
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t c = alloc_cell();
    Cell& cell = cells_[c];
    cell.packet = packet;
    cell.voq = id;
    cell.node = le;
    cell.in_port = kNone;
    cell.wire = static_cast<uint16_t>(std::min(payload, wire - k * payload) + static_cast<uint32_t>(p_.cell_header_bytes));
    ++stats_.cells;
    const uint32_t port = uplink_for(le, egress_le);
    if (port == kNone) lose_cell(c);
    else enqueue_cell(port, c);
  }
}

// Cells leave a leaf element round robin over its fabric links (skipping dead links and fabric elements
// that can no longer reach the egress leaf element).
uint32_t CellFabric::uplink_for(uint32_t le, uint32_t egress_le) {
  const uint32_t b = up_begin_[le], n = up_begin_[le + 1] - b;
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t link = up_links_[b + (spray_next_[le]++ % n)];
    if (!any_dead_) return 2 * link;
    if (ports_[2 * link].dead) continue;
    if (downlink_for(f_.links[link].upper.value(), egress_le, false) != kNone) return 2 * link;
  }
  return kNone;
}

uint32_t CellFabric::downlink_for(uint32_t fe, uint32_t egress_le, bool advance) {
  const auto b = up_sorted_.begin() + up_begin_[egress_le], e = up_sorted_.begin() + up_begin_[egress_le + 1];
  const auto lo = std::lower_bound(b, e, std::make_pair(fe, 0u));
  const auto hi = std::upper_bound(lo, e, std::make_pair(fe, kNone));
  const uint32_t n = static_cast<uint32_t>(hi - lo);
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t pick = (down_next_[fe] + k) % n;
    const uint32_t port = 2 * (lo + pick)->second + 1;
    if (ports_[port].dead) continue;
    if (advance) down_next_[fe] += k + 1;
    return port;
  }
  return kNone;
}

void CellFabric::enqueue_cell(uint32_t port, uint32_t c) {
  CellPort& pt = ports_[port];
  if (pt.dead) {
    lose_cell(c);
    return;
  }
  if (pt.count == pt.ring.size()) {
    std::vector<uint32_t> bigger(pt.ring.size() * 2);
    for (uint32_t k = 0; k < pt.count; ++k) bigger[k] = pt.ring[(pt.head + k) & static_cast<uint32_t>(pt.ring.size() - 1)];
    pt.ring.swap(bigger);
    pt.head = 0;
  }
  const int64_t q = pt.queued;
  pt.max_queue = std::max(pt.max_queue, q);
  ++qhist_[q <= 0 ? 0 : 64 - __builtin_clzll(static_cast<unsigned long long>(q))];
  pt.ring[(pt.head + pt.count) & static_cast<uint32_t>(pt.ring.size() - 1)] = c;
  ++pt.count;
  pt.queued += cells_[c].wire;
  if (pt.busy) return;
  if (pt.free_at <= sim_.now().count()) {
    start_tx(port);
  } else {
    pt.busy = true;
    sim_.schedule(Picoseconds(pt.free_at), kCellTx, port);
  }
}

void CellFabric::start_tx(uint32_t port) {
  CellPort& pt = ports_[port];
  if (pt.count == 0) {
    pt.busy = false;
    return;
  }
  const uint32_t c = pt.ring[pt.head];
  pt.head = (pt.head + 1) & static_cast<uint32_t>(pt.ring.size() - 1);
  --pt.count;
  Cell& cell = cells_[c];
  pt.queued -= cell.wire;
  pt.tx_bytes += cell.wire;
  const int64_t now = sim_.now().count();
  pt.free_at = now + serialisation_time(cell.wire, BitRate(pt.bps)).count();
  cell.node = pt.to;
  cell.in_port = port;
  sim_.schedule(Picoseconds(pt.free_at + pt.delay_ps), kCellArrive, c);
  pt.busy = pt.count > 0;
  if (pt.busy) sim_.schedule(Picoseconds(pt.free_at), kCellTx, port);
}

void CellFabric::on_cell_arrive(uint32_t c) {
  const Cell cell = cells_[c];
  if (ports_[cell.in_port].dead) {  // it was on the wire when the link failed
    lose_cell(c);
    return;
  }
  if (f_.nodes[cell.node].role == NodeRole::FabricElement) {
    const uint32_t egress_le = f_.links[voqs_[cell.voq].egress_port / 2].upper.value();
    const uint32_t port = downlink_for(cell.node, egress_le, true);
    if (port == kNone) lose_cell(c);
    else enqueue_cell(port, c);
    return;
  }
  cells_[c].next_free = free_cell_;
  free_cell_ = c;
  cell_done(cell.packet, cell.voq);
}

void CellFabric::lose_cell(uint32_t c) {
  const Cell cell = cells_[c];
  ++stats_.lost_cells;
  lost_[cell.packet] = 1;
  cells_[c].next_free = free_cell_;
  free_cell_ = c;
  cell_done(cell.packet, cell.voq);
}

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

void CellFabric::fail_link(uint32_t link) {
  if (f_.links[link].tier != 2) return;
  any_dead_ = true;
  for (int dir = 0; dir < 2; ++dir) {
    CellPort& pt = ports_[2 * link + dir];
    pt.dead = true;
    while (pt.count > 0) {
      const uint32_t c = pt.ring[pt.head];
      pt.head = (pt.head + 1) & static_cast<uint32_t>(pt.ring.size() - 1);
      --pt.count;
      pt.queued -= cells_[c].wire;
      lose_cell(c);
    }
  }
}

void CellFabric::on_cell_tx_done(uint32_t port) {
  ports_[port].busy = false;
  start_tx(port);
}

}  // namespace aifabric
