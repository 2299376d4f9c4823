// The cell fabric's links: packets cut into cells, cells sprayed round robin over the live links up and down (skipping
// elements that lost their way to the egress), serialised at line rate, lost with a failed link.
#include "net/cell_fabric.h"

#include <algorithm>

namespace aifabric {

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

void CellFabric::on_cell_tx_done(uint32_t port) {
  ports_[port].busy = false;
  start_tx(port);
}

}  // namespace aifabric
