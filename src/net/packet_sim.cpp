// Packet-level engine: ports serialise at line rate, links add delay, switches route by ECMP / spraying /
// flowlet / adaptive choice and mark ECN; a spraying transport acks every packet and retransmits selectively.
// The hot path allocates nothing per packet or event: packets live in a pool, events in a reused heap.
#include "net/packet_sim.h"

#include "net/packet_engine.h"
#include "net/transport_registry.h"

namespace aifabric {

PfcThresholds pfc_thresholds(const SwitchModel* m, const PacketSimConfig& cfg, int64_t port_limit, int64_t packet_wire) {
  PfcThresholds t;
  const bool catalog = m != nullptr && m->pfc_xoff_bytes > 0;
  t.from_catalog = catalog && cfg.pfc_xoff_bytes <= 0;
  t.xoff = cfg.pfc_xoff_bytes > 0 ? cfg.pfc_xoff_bytes : catalog ? m->pfc_xoff_bytes : port_limit / 2;
  const int64_t delta = catalog && cfg.pfc_xoff_bytes <= 0 && m->pfc_xon_delta_bytes > 0 ? m->pfc_xon_delta_bytes : 2 * packet_wire;
  t.xon = cfg.pfc_xon_bytes > 0 ? std::min(cfg.pfc_xon_bytes, t.xoff) : std::max<int64_t>(0, t.xoff - delta);
  return t;
}

void PacketEngine::build() {
  if (cfg.header_bytes <= 0) cfg.header_bytes = wire_format(f).overhead_bytes;  // the fabric's link layer
  E = f.nic_count();
  const size_t L = f.links.size(), N = f.nodes.size();
  ports.resize(2 * L);
  port_stats.resize(2 * L);
  const int64_t data_wire = cfg.mtu_bytes + cfg.header_bytes;
  data_wire_bytes = data_wire;
  // A cut-through packet switch forwards once the header is in, unless a packet may leave faster than it came.
  std::vector<int64_t> fastest(N, 0);
  for (const Link& l : f.links) {
    fastest[l.lower.value()] = std::max<int64_t>(fastest[l.lower.value()], l.gbps);
    fastest[l.upper.value()] = std::max<int64_t>(fastest[l.upper.value()], l.gbps);
  }
  for (size_t i = 0; i < L; ++i) {
    const Link& l = f.links[i];
    int64_t delay = cfg.link_delay_ps;
    if (delay < 0) {
      const LinkChoice& ch = plan.choices[plan.link_choice[i]];
      delay = static_cast<int64_t>(std::llround(plan.link_length_m[i] * kPropagationPsPerMetre)) + ch.latency_ns * 1000;
    }
    for (int dir = 0; dir < 2; ++dir) {
      Port& pt = ports[2 * i + dir];
      pt.to = dir == 0 ? l.upper.value() : l.lower.value();
      pt.tier = l.tier;
      pt.to_nic = f.nodes[pt.to].role == NodeRole::Nic;
      pt.from_switch = f.nodes[dir == 0 ? l.lower.value() : l.upper.value()].role != NodeRole::Nic;
      const int64_t bps = static_cast<int64_t>(l.gbps) * 1'000'000'000;
      port_stats[2 * i + dir].bps = bps;
      const Node& to = f.nodes[pt.to];
      const int64_t sw = to.role == NodeRole::Nic ? 0 : (cfg.switch_latency_ps >= 0 ? cfg.switch_latency_ps : f.tier[to.tier].model->latency_ns * 1000);
      const int64_t ser_data = ser(data_wire, bps), ser_ack = ser(cfg.ack_bytes, bps);
      if (delay + sw > kMaxPortPs || ser_data > kMaxPortPs || delay + sw < 0) {
        throw InputError({}, "link delay", fmt::format("{} ps on link {} is out of range; expected at most {} ps (4.29 ms)", delay + sw, i, kMaxPortPs));
      }
      pt.delay_ps = static_cast<uint32_t>(delay + sw);
      pt.ser_data = static_cast<uint32_t>(ser_data);
      pt.ser_ack = static_cast<uint32_t>(ser_ack);
      const bool packet_switch = to.role == NodeRole::Leaf || to.role == NodeRole::Spine || to.role == NodeRole::Core;
      if (packet_switch && f.tier[to.tier].model->cut_through && l.gbps >= fastest[pt.to]) {
        pt.head_ps = static_cast<uint16_t>(std::clamp<int64_t>(ser(cfg.header_bytes, bps), 1, 65535));
      }
    }
  }
  if (f.architecture == Architecture::SwitchScheduled) {
    // Cells pay propagation and the fabric element's latency on the way up, propagation alone on the way
    // down (the leaf element's latency was charged as the packet entered it).
    std::vector<int64_t> cell_delay(2 * L, 0);
    for (size_t i = 0; i < L; ++i) {
      const Link& l = f.links[i];
      if (l.tier != 2) continue;
      const int64_t le_lat = cfg.switch_latency_ps >= 0 ? cfg.switch_latency_ps : f.tier[1].model->latency_ns * 1000;
      cell_delay[2 * i] = ports[2 * i].delay_ps;  // propagation + the fabric element's latency
      cell_delay[2 * i + 1] = ports[2 * i + 1].delay_ps - le_lat;
    }
    cells = std::make_unique<CellFabric>(f, plan.index, cell_delay, sim, events, cfg.cells, *this, qhist_fabric);
  }
  node_is_nic.assign(N, 0);
  for (size_t n = 0; n < N; ++n) node_is_nic[n] = f.nodes[n].role == NodeRole::Nic;
  if (f.tiers == 3) {  // per core: its links down, sorted by the pod they reach
    std::vector<uint32_t> c2(N + 1, 0);
    for (const Link& l : f.links) if (l.tier == 3) ++c2[l.upper.value() + 1];
    for (size_t i = 1; i <= N; ++i) c2[i] += c2[i - 1];
    coredown_begin = c2;
    coredown.assign(c2[N], {0, 0});
    std::vector<uint32_t> fill(c2.begin(), c2.end() - 1);
    for (uint32_t i = 0; i < L; ++i) {
      const Link& l = f.links[i];
      if (l.tier == 3) coredown[fill[l.upper.value()]++] = {pod[l.lower.value()], i};
    }
    for (size_t n = 0; n < N; ++n) std::sort(coredown.begin() + coredown_begin[n], coredown.begin() + coredown_begin[n + 1]);
  }
  qhist.assign(static_cast<size_t>(f.tiers + 1), {});
  tier_max_queue.assign(static_cast<size_t>(f.tiers + 1), 0);
  // Base RTT of the longest path: data out and ack back, through every tier, over each tier's longest link.
  int64_t one_way_data = 0, one_way_ack = 0;
  for (int t = 1; t <= f.tiers; ++t) {
    int64_t data = 0, ack = 0;
    for (size_t i = 0; i < L; ++i) {
      if (f.links[i].tier != t) continue;
      const Port& up = ports[2 * i];
      const Port& dn = ports[2 * i + 1];
      data = std::max<int64_t>(data, up.ser_data + up.delay_ps + dn.ser_data + dn.delay_ps);
      ack = std::max<int64_t>(ack, up.ser_ack + up.delay_ps + dn.ser_ack + dn.delay_ps);
    }
    one_way_data += data;
    one_way_ack += ack;
  }
  base_rtt_ps = one_way_data + one_way_ack;
  size_calendar();
  if (cells) base_rtt_ps += 4 * cells->control_latency_ps();  // a request and a grant before data, and again for the ack
  // A port's buffer is one bandwidth-delay product of a host link; a flow's window, of the whole NIC (a NIC
  // striping over P planes sends at P host links' rate).
  const int64_t host_bps = f.host_link_gbps * 1'000'000'000;
  const int64_t nic_bps = host_bps * f.planes;
  const int64_t port_bdp = static_cast<int64_t>(static_cast<double>(host_bps) / 8.0 * static_cast<double>(base_rtt_ps) * 1e-12);
  const int64_t bdp = port_bdp * f.planes;
  const int64_t limit = cfg.port_buffer_bytes > 0 ? cfg.port_buffer_bytes : std::max<int64_t>(port_bdp, 4 * data_wire);
  port_limit = limit;
  // Shared buffers: the switch's own (catalog, in MB) unless the configuration sets one for every switch.
  sharing = cfg.shared_buffer_bytes >= 0 && !cfg.lossless && !cfg.pfc;
  shared_size.assign(N, 0);
  shared_used.assign(N, 0);
  for (size_t n = 0; n < N && sharing; ++n) {
    const Node& nd = f.nodes[n];
    if (nd.role == NodeRole::Nic) continue;
    shared_size[n] = cfg.shared_buffer_bytes > 0 ? cfg.shared_buffer_bytes : f.tier[nd.tier].model->buffer_bytes();  // 0: per-port limits only
  }
  ecn_kmin = static_cast<int64_t>(cfg.ecn_kmin_fraction * static_cast<double>(limit));
  ecn_kmax = static_cast<int64_t>(cfg.ecn_kmax_fraction * static_cast<double>(limit));
  // Windows start at their maximum (as NSCC, UET's congestion control, does): max_window_factor x BDP.
  nic_bdp_bytes = bdp;
  if (cfg.initial_window_bytes <= 0) cfg.initial_window_bytes = std::max<int64_t>(cfg.mtu_bytes, static_cast<int64_t>(cfg.max_window_factor * static_cast<double>(bdp)));
  for (size_t i = 0; cfg.pfc && i < ports.size(); ++i) {  // each ingress takes its own switch's thresholds
    const Link& l = f.links[i / 2];
    const Node& held_at = f.nodes[(i % 2 == 0 ? l.upper : l.lower).value()];
    if (held_at.role == NodeRole::Nic) continue;
    const PfcThresholds t = pfc_thresholds(f.tier[held_at.tier].model, cfg, limit, data_wire);
    port_stats[i].xoff = t.xoff;
    port_stats[i].xon = t.xon;
  }
  line_bps = nic_bps;
  paths = PathPolicy(cfg, data_wire);
  transport = make_transport(cfg.transport, *this);
  trimming = cfg.trim && transport->understands_trimming() && !cfg.lossless && !cfg.pfc;
  if (cfg.rto_ps <= 0) cfg.rto_ps = transport->default_rto_ps(base_rtt_ps);
}

void PacketEngine::register_events() {
  kTxDone = events.add<&PacketEngine::on_tx_done>("port transmission done", this);
  kArrive = events.add<&PacketEngine::on_arrive>("packet arrival", this);
  kPfc = events.add<&PacketEngine::on_pfc>("PFC pause or resume", this);
  kFlowStart = events.add<&PacketEngine::on_flow_start>("flow start", this);
  kRto = events.add<&PacketEngine::on_rto>("retransmission timeout", this);
  kPace = events.add<&PacketEngine::on_pace>("pacing wake-up", this);
  kFail = events.add<&PacketEngine::apply_failure>("link failure", this);
  kTimedDone = events.add<&PacketEngine::on_timed_done>("timed flow done", this);
}

void PacketEngine::on_tx_done(uint32_t port_id) {
  ports[port_id].txdone_pending = false;
  start_tx(port_id);
}

void PacketEngine::on_pace(uint32_t flow_id) {
  flows[flow_id].pace_pending = false;
  try_send(flow_id);
}

void PacketEngine::on_flow_start(uint32_t flow_id) {
  if (!precedence.empty() && precedence.timed(flow_id)) {
    sim.schedule(Picoseconds(precedence.take_lane(flow_id, sim.now().count())), kTimedDone, flow_id);
    return;
  }
  flows[flow_id].last_progress = sim.now().count();
  transport->start(FlowId(flow_id));
  try_send(flow_id);
}

void PacketEngine::on_timed_done(uint32_t flow_id) {
  Flow& fl = flows[flow_id];
  fl.done = fl.sender_done = true;
  fl.finish = sim.now().count();
  flow_finished(flow_id);
}

// Calendar slots hold about 32 events when every port is busy (so sorting a slot stays cheap at any scale),
// and the window spans two of the longest hops (so a packet's next event rarely waits outside it).
void PacketEngine::size_calendar() {
  if (ports.empty()) return;
  int64_t ser_min = INT64_MAX, hop_max = 1;
  for (const Port& pt : ports) {
    ser_min = std::min<int64_t>(ser_min, pt.ser_data);
    hop_max = std::max<int64_t>(hop_max, int64_t{pt.ser_data} + pt.delay_ps);
  }
  const double slot_ps = 32.0 * static_cast<double>(ser_min) / static_cast<double>(ports.size());
  const int slot_bits = std::clamp(static_cast<int>(std::floor(std::log2(std::max(1.0, slot_ps)))), 4, 12);
  const int wheel_bits = std::clamp(static_cast<int>(std::ceil(std::log2(2.0 * static_cast<double>(hop_max) / std::ldexp(1.0, slot_bits)))), 8, 16);
  sim.size_calendar(slot_bits, wheel_bits);
}

inline void PacketEngine::prefetch_ahead() {
  Due n;
  if (sim.peek(n, kFetchLastAhead) && n.kind == kArrive) {  // a packet reaching its NIC: its flow's bits
    const Packet& p = pool[n.target];
    if (node_is_nic[p.node]) __builtin_prefetch(flows[p.flow].bits.address(p.seq));
  }
  if (sim.peek(n, kFetchPacketAhead)) {
    if (n.kind == kArrive) __builtin_prefetch(&pool[n.target]);
    else if (n.kind == kTxDone) __builtin_prefetch(&ports[n.target]);
  }
  if (!sim.peek(n, kFetchNextAhead)) return;
  if (n.kind == kArrive) {
    Packet& p = pool[n.target];
    if (node_is_nic[p.node]) {
      const char* fl = reinterpret_cast<const char*>(&flows[p.flow]);
      for (size_t off = 0; off < kFlowHotBytes; off += 64) __builtin_prefetch(fl + off);
    } else if (!cells && hint_valid()) {
      if (p.out_hint == kNone) p.out_hint = route(p.node, p, p.dst);
      if (p.out_hint != kNone) __builtin_prefetch(&ports[p.out_hint]);
    }
  } else if (n.kind == kTxDone) {
    const Port& pt = ports[n.target];
    const uint32_t next = pt.chead != kNone ? pt.chead : pt.from_switch ? pt.head : kNone;
    if (next != kNone) __builtin_prefetch(&pool[next]);
  }
}

void PacketEngine::take_sample(int64_t now) {
  TierSample ts;
  ts.t_ps = now;
  const double dt = static_cast<double>(std::max<int64_t>(1, now - last_sample)) * 1e-12;
  std::vector<double> cap(static_cast<size_t>(f.tiers + 1), 0.0);
  std::vector<int64_t> qsum(static_cast<size_t>(f.tiers + 1), 0), qmax(static_cast<size_t>(f.tiers + 1), 0), n(static_cast<size_t>(f.tiers + 1), 0);
  for (size_t i = 0; i < ports.size(); ++i) {
    const Port& pt = ports[i];
    cap[pt.tier] += static_cast<double>(port_stats[i].bps) * dt;
    qsum[pt.tier] += pt.queued;
    qmax[pt.tier] = std::max(qmax[pt.tier], pt.queued);
    ++n[pt.tier];
  }
  for (int t = 1; t <= f.tiers; ++t) {
    ts.utilisation.push_back(cap[t] > 0 ? static_cast<double>(tier_tx[t] - tier_tx_at_last[t]) * 8 / cap[t] : 0);
    ts.queue_mean_bytes.push_back(n[t] > 0 ? qsum[t] / n[t] : 0);
    ts.queue_max_bytes.push_back(qmax[t]);
  }
  tier_tx_at_last = tier_tx;
  last_sample = now;
  samples.push_back(std::move(ts));
}

// A flow handed over its last new packet: in a dependency-graph run, the flows queued behind it may start.
void PacketEngine::flow_sent(uint32_t id) {
  if (precedence.empty()) return;
  precedence.sent(id, precedence.effective_sent(id, flows[id].start, sim.now().count()), [&](uint32_t next, int64_t at) {
    flows[next].start = at;
    sim.schedule(Picoseconds(at), kFlowStart, next);
  });
}

// A flow is done: in a dependency-graph run, the flows waiting for it may start.
void PacketEngine::flow_finished(uint32_t id) {
  if (precedence.empty()) return;
  const Flow& fl = flows[id];
  precedence.finished(id, precedence.effective_finish(id, fl.start, fl.finish), [&](uint32_t next, int64_t at) {
    flows[next].start = at;
    sim.schedule(Picoseconds(at), kFlowStart, next);
  });
}

PacketSimResult PacketEngine::run(const volatile int* stop, const std::function<void(const PacketProgress&)>& progress) {
  for (const Flow& fl : flows) offered_total += fl.bytes;
  paths.prepare(flows);
  transport->prepare(flows.size());
  const bool graph = !precedence.empty();
  if (graph) precedence.build(flows.size());
  for (uint32_t i = 0; i < flows.size(); ++i) {
    if (!graph || !precedence.waits(i)) sim.schedule(Picoseconds(flows[i].start), kFlowStart, i);
  }
  impacts.resize(cfg.failures.size());
  lost_outstanding.assign(cfg.failures.size(), 0);
  flow_hit.assign(flows.size(), 0);
  live_scratch.reserve(1024);
  weighted_scratch.reserve(1024);
  for (uint32_t i = 0; i < cfg.failures.size(); ++i) {
    impacts[i].what = cfg.failures[i].what;
    impacts[i].at_ps = std::max<int64_t>(0, cfg.failures[i].at_ps);
    impacts[i].links = static_cast<int64_t>(cfg.failures[i].links.size());
    if (cfg.failures[i].at_ps <= 0) apply_failure(i);
    else sim.schedule(Picoseconds(cfg.failures[i].at_ps), kFail, i);
  }
  if (cfg.sample_interval_ps > 0) {
    tier_tx.assign(static_cast<size_t>(f.tiers + 1), 0);
    tier_tx_at_last = tier_tx;
    next_sample = cfg.sample_interval_ps;
  }
  Due e;
  PacketSimResult r;
  while (sim.next(e)) {
    prefetch_ahead();
    while (next_sample > 0 && sim.now().count() >= next_sample && samples.size() < 20000) {
      take_sample(next_sample);
      next_sample += cfg.sample_interval_ps;
    }
    events.dispatch(e);  // to the part that registered the event's kind
    if ((sim.events_processed() & 0xffff) == 0) {
      if (progress) progress({sim.now(), sim.events_processed(), static_cast<double>(delivered_total) / static_cast<double>(std::max<int64_t>(1, offered_total))});
      if ((stop && *stop) || sim.events_processed() >= cfg.max_events) {
        r.stopped_early = true;
        break;
      }
    }
  }
  summarise(r);
  return r;
}

PacketSim::PacketSim(const Plan& plan, const PacketSimConfig& config) : impl_(std::make_unique<PacketEngine>(plan, config)) {}
PacketSim::~PacketSim() = default;

FlowId PacketSim::add_flow(const FlowSpec& fs) {
  PacketEngine& m = *impl_;
  Flow fl;
  fl.src = fs.src;
  fl.dst = fs.dst;
  fl.bytes = std::max<int64_t>(1, fs.bytes);
  fl.start = fs.start.count();
  const int64_t mtu = m.cfg.mtu_bytes;
  fl.npkts = static_cast<uint32_t>((fl.bytes + mtu - 1) / mtu);
  fl.last_payload = static_cast<uint32_t>(fl.bytes - static_cast<int64_t>(fl.npkts - 1) * mtu);
  fl.bits.resize(fl.npkts);
  fl.cwnd = m.cfg.initial_window_bytes;
  fl.entropy = splitmix32((static_cast<uint64_t>(m.flows.size()) << 32) ^ m.cfg.seed);
  m.flows.push_back(std::move(fl));
  return FlowId(static_cast<uint32_t>(m.flows.size() - 1));
}

FlowId PacketSim::add_timed_flow(uint32_t lane, Picoseconds duration) {
  PacketEngine& m = *impl_;
  const auto id = static_cast<uint32_t>(m.flows.size());
  m.flows.emplace_back();
  m.precedence.set_timed(id, lane, duration.count());
  return FlowId(id);
}

void PacketSim::add_precedence(FlowId before, FlowId after, Picoseconds delay, bool when_sent) {
  impl_->precedence.add_edge(before.value(), after.value(), delay.count(), when_sent);
}

void PacketSim::set_min_duration(FlowId flow, Picoseconds sent, Picoseconds finished) {
  impl_->precedence.set_min_duration(flow.value(), sent.count(), finished.count());
}

PacketSimResult PacketSim::run(const volatile int* stop, const std::function<void(const PacketProgress&)>& progress) { return impl_->run(stop, progress); }

Picoseconds PacketSim::base_rtt() const { return Picoseconds(impl_->base_rtt_ps); }

}  // namespace aifabric
