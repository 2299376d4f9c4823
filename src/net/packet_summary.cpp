// The packet engine's report at the end of a run: the totals, every flow's statistics, the cell fabric's, each
// failure's cost, and per tier the utilisation (and how evenly it was spread), marks, drops, pauses and queue depths.
#include "net/packet_engine.h"

namespace aifabric {

void PacketEngine::summarise(PacketSimResult& r) {
  r.end = sim.now();
  r.events = sim.events_processed();
  r.data_packets = data_packets;
  r.ack_packets = ack_packets;
  r.drops = drops;
  r.ecn_marks = marks;
  r.retransmits = retransmits;
  r.duplicate_bytes = duplicate_bytes;
  r.peak_packets_in_flight = peak_packets;
  r.pauses = pauses;
  r.samples = std::move(samples);
  r.cnps = cnps;
  r.nacks = nacks;
  r.trims = trims;
  r.spurious_timeouts = spurious_timeouts;
  r.all_done = true;
  for (const Flow& fl : flows) {
    FlowStats s;
    s.src = fl.src;
    s.dst = fl.dst;
    s.bytes = fl.bytes;
    s.start = Picoseconds(fl.start);
    s.finish = Picoseconds(fl.finish);
    s.acked = Picoseconds(fl.acked_at);
    s.packets = fl.packets;
    s.retransmits = fl.retransmits;
    s.ecn_echoes = fl.echoes;
    s.cnps = fl.cnps;
    s.done = fl.done;
    r.all_done = r.all_done && fl.done;
    r.bytes_offered += fl.bytes;
    r.bytes_delivered += fl.delivered;
    r.flows.push_back(s);
  }
  if (cells) {  // the fabric links' traffic and queues are the cell fabric's
    for (uint32_t i = 0; i < ports.size(); ++i) {
      if (ports[i].tier != 2) continue;
      ports[i].tx_bytes += cells->port_tx_bytes(i);
      tier_max_queue[2] = std::max(tier_max_queue[2], cells->port_max_queue(i));
    }
    for (int k = 0; k < 64; ++k) qhist[2][k] += qhist_fabric[k];
    r.cells = cells->stats();
  }
  r.reordered_arrivals = reordered;
  r.failures = impacts;
  r.unroutable = unroutable;
  r.abandoned_flows = abandoned;
  const double dur = static_cast<double>(std::max<int64_t>(1, r.end.count())) * 1e-12;
  for (int t = 1; t <= f.tiers; ++t) {
    TierStats ts;
    ts.tier = t;
    double bits = 0, cap = 0;
    ts.queue_max_bytes = tier_max_queue[t];
    for (size_t i = 0; i < ports.size(); ++i) {
      const Port& pt = ports[i];
      const PortStats& st = port_stats[i];
      if (pt.tier != t) continue;
      bits += static_cast<double>(pt.tx_bytes) * 8;
      cap += static_cast<double>(st.bps) * dur;
      ts.ecn_marks += st.marks;
      ts.drops += st.drops;
      ts.pauses += st.pauses;
      const int64_t paused = st.paused_total + (pt.paused ? r.end.count() - st.paused_since : 0);
      ts.paused_fraction += static_cast<double>(paused);
      r.paused_time += Picoseconds(paused);
    }
    ts.utilisation = cap > 0 ? bits / cap : 0;
    {  // how evenly the tier's ports were used
      double sum = 0, sq = 0, n = 0;
      for (size_t i = 0; i < ports.size(); ++i) {
        const Port& pt = ports[i];
        if (pt.tier != t) continue;
        const double u = static_cast<double>(pt.tx_bytes) * 8 / (static_cast<double>(port_stats[i].bps) * dur);
        sum += u;
        sq += u * u;
        n += 1;
        ts.utilisation_max = std::max(ts.utilisation_max, u);
      }
      const double mean = n > 0 ? sum / n : 0;
      ts.utilisation_spread = mean > 0 ? std::sqrt(std::max(0.0, sq / n - mean * mean)) / mean : 0;
    }
    {
      int64_t n = 0;
      for (const Port& pt : ports) n += pt.tier == t;
      ts.paused_fraction = n > 0 ? ts.paused_fraction / (static_cast<double>(n) * static_cast<double>(std::max<int64_t>(1, r.end.count()))) : 0;
    }
    const auto& h = qhist[t];
    int64_t total = 0;
    for (int64_t c : h) total += c;
    int64_t acc = 0;
    for (int k = 0; k < 64 && total > 0; ++k) {
      acc += h[k];
      const int64_t upper = k == 0 ? 0 : (int64_t{1} << k) - 1;
      if (ts.queue_p50_bytes == 0 && acc * 2 >= total) ts.queue_p50_bytes = upper;
      if (acc * 100 >= total * 99) { ts.queue_p99_bytes = upper; break; }
    }
    r.tiers.push_back(ts);
  }
}

}  // namespace aifabric
