// Switch-scheduled cell fabric: its state built from the plan, the VOQs packets enter at their ingress leaf element
// (and the VOQ memory that admits them), and fabric links taken out of service. The credit scheduler, the cells on
// the fabric's links and the reassembly are the other cell_*.cpp files. No allocation per packet or cell once pools
// have grown.
#include "net/cell_fabric.h"

#include <algorithm>

namespace aifabric {

namespace {
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

}  // namespace aifabric
