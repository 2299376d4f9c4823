// Packet-run summaries: FCT percentiles, goodput against line rate, tiers, and the conservation check.
#include "report/packet_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace aifabric {

FlowSummary summarise_flows(const PacketSimResult& r, int64_t only_dst, int64_t except_dst) {
  FlowSummary s;
  std::vector<double> fct, gp, acked;
  for (const auto& f : r.flows) {
    if (!f.done) continue;
    if ((only_dst >= 0 && f.dst != only_dst) || (except_dst >= 0 && f.dst == except_dst)) continue;
    fct.push_back((f.finish - f.start).seconds() * 1e6);
    gp.push_back(f.goodput_gbps());
    if (f.acked.count() >= 0) acked.push_back((f.acked - f.start).seconds() * 1e6);
  }
  if (!acked.empty()) {
    std::sort(acked.begin(), acked.end());
    s.acked_p50 = acked[std::min(acked.size() - 1, acked.size() / 2)];
    s.acked_p99 = acked[std::min(acked.size() - 1, static_cast<size_t>(0.99 * static_cast<double>(acked.size())))];
    s.acked_max = acked.back();
  }
  s.done = fct.size();
  if (fct.empty()) return s;
  std::sort(fct.begin(), fct.end());
  auto pct = [&](double q) { return fct[std::min(fct.size() - 1, static_cast<size_t>(q * static_cast<double>(fct.size())))]; };
  s.fct_min = fct.front();
  s.fct_p50 = pct(0.5);
  s.fct_p99 = pct(0.99);
  s.fct_max = fct.back();
  double sum = 0, sq = 0;
  s.goodput_min = gp[0];
  for (double g : gp) { sum += g; sq += g * g; s.goodput_min = std::min(s.goodput_min, g); }
  s.goodput_mean = sum / static_cast<double>(gp.size());
  s.jain = sq > 0 ? sum * sum / (static_cast<double>(gp.size()) * sq) : 0;
  return s;
}

int64_t hot_receiver(const PacketSimResult& r) {
  std::vector<std::pair<uint32_t, int64_t>> in;
  for (const auto& f : r.flows) in.push_back({f.dst, f.bytes});
  if (in.size() < 3) return -1;
  std::sort(in.begin(), in.end());
  std::vector<std::pair<int64_t, uint32_t>> per;  // (bytes, receiver)
  for (size_t i = 0; i < in.size();) {
    size_t j = i;
    int64_t b = 0;
    while (j < in.size() && in[j].first == in[i].first) b += in[j++].second;
    per.push_back({b, in[i].first});
    i = j;
  }
  if (per.size() < 2) return -1;
  std::sort(per.begin(), per.end());
  const int64_t median = per[per.size() / 2].first;
  return per.back().first * 2 > median * 3 ? static_cast<int64_t>(per.back().second) : -1;
}

namespace {
std::string summary_line(const char* label, const FlowSummary& s) {
  return fmt::format("  {}: {} flows, completion time (us) p50 {:.2f}  p99 {:.2f}  max {:.2f}; goodput mean {:.1f} Gb/s, min {:.1f} Gb/s\n", label, s.done,
                     s.fct_p50, s.fct_p99, s.fct_max, s.goodput_mean, s.goodput_min);
}
nlohmann::ordered_json summary_json(const FlowSummary& s) {
  return {{"flows", s.done}, {"fct_us", {{"p50", s.fct_p50}, {"p99", s.fct_p99}, {"max", s.fct_max}}}, {"goodput_gbps", {{"mean", s.goodput_mean}, {"min", s.goodput_min}}}};
}
}  // namespace

std::string render_packet_text(const PacketSimResult& r, const std::string& title, double line_gbps, const PacketSimResult* baseline) {
  const FlowSummary s = summarise_flows(r);
  std::string o = "aifabric packet: " + title + "\n";
  o += fmt::format("  flows {} ({} complete{}), simulated {:.3f} us, {} events, {} data + {} ack packets, peak {} packets in flight\n", r.flows.size(), s.done,
                   r.stopped_early ? ", stopped early" : "", r.end.seconds() * 1e6, r.events, r.data_packets, r.ack_packets, r.peak_packets_in_flight);
  o += fmt::format("  completion time (us): min {:.2f}  p50 {:.2f}  p99 {:.2f}  max {:.2f}; at the sender's last ack p50 {:.2f}  p99 {:.2f}  max {:.2f}\n",
                   s.fct_min, s.fct_p50, s.fct_p99, s.fct_max, s.acked_p50, s.acked_p99, s.acked_max);
  o += fmt::format("  goodput per flow: mean {:.1f} Gb/s ({:.1f}% of {:.0f}G line rate), min {:.1f} Gb/s; Jain fairness {:.3f}\n", s.goodput_mean,
                   line_gbps > 0 ? 100 * s.goodput_mean / line_gbps : 0, line_gbps, s.goodput_min, s.jain);
  o += fmt::format("  ECN marks {}, CNPs {}, drops {} (trimmed {}), retransmitted packets {} (spurious timeouts undone {}), NACKs {}, duplicate or discarded bytes {}\n", r.ecn_marks, r.cnps,
                   r.drops, r.trims, r.retransmits, r.spurious_timeouts, r.nacks, r.duplicate_bytes);
  o += fmt::format("  PFC pauses {}, paused time {:.3f} us (summed over ports); data packets arriving ahead of a missing predecessor {}\n", r.pauses,
                   r.paused_time.seconds() * 1e6, r.reordered_arrivals);
  if (const int64_t hot = hot_receiver(r); hot >= 0) {
    o += fmt::format("  hot spot: NIC {} receives the most\n", hot);
    o += summary_line("  flows into the hot spot", summarise_flows(r, hot));
    o += summary_line("  flows to every other NIC (victims)", summarise_flows(r, -1, hot));
  }
  if (r.cells.used) {
    const CellFabricStats& c = r.cells;
    o += fmt::format("  cell fabric: {} cells, {} credits, {} packets held back to keep VOQ order, deepest VOQ {} B, fullest leaf element {} B, "
                     "VOQ drops {}, cells lost on failed links {}\n",
                     c.cells, c.credits, c.held_for_order, c.voq_peak_bytes, c.ingress_peak_bytes, c.drops, c.lost_cells);
  }
  for (const FailureImpact& fi : r.failures) {
    o += fmt::format("  failure: {} ({} links): lost {} packets ({} data bytes) of {} flows; ", fi.what, fi.links, fi.packets_lost, fi.data_bytes_lost, fi.flows_hit);
    o += fi.packets_lost == 0 ? std::string("nothing in flight was lost\n")
         : fi.recovered_ps >= 0 ? fmt::format("the last lost byte was delivered again {:.2f} us after the failure\n", (fi.recovered_ps - fi.at_ps) * 1e-6)
                                : std::string("not all lost data was delivered again\n");
  }
  if (!r.failures.empty()) {
    o += fmt::format("  packets with no live way left {}, flows abandoned after seven timeouts in a row {}\n", r.unroutable, r.abandoned_flows);
  }
  if (baseline) {
    const FlowSummary b = summarise_flows(*baseline);
    o += fmt::format("  without the failures: completion time (us) p50 {:.2f}  p99 {:.2f}  max {:.2f}; ", b.fct_p50, b.fct_p99, b.fct_max);
    o += s.done < r.flows.size() ? fmt::format("with them {} of {} flows never completed\n", r.flows.size() - s.done, r.flows.size())
                                 : fmt::format("with them the last flow takes {:+.2f} us ({:+.1f}%)\n", s.fct_max - b.fct_max,
                                               b.fct_max > 0 ? 100 * (s.fct_max / b.fct_max - 1) : 0.0);
  }
  o += fmt::format("  bytes offered {}, delivered exactly once {}: {}\n", r.bytes_offered, r.bytes_delivered,
                   r.bytes_offered == r.bytes_delivered ? "conserved" : "NOT all delivered");
  for (const auto& t : r.tiers) {
    o += fmt::format("  tier {}: utilisation {:.1f}% (busiest port {:.1f}%, spread {:.2f}), queue p50 {} B, p99 {} B, max {} B, marks {}, drops {}, pauses {} ({:.2f}% of port time)\n", t.tier,
                     100 * t.utilisation, 100 * t.utilisation_max, t.utilisation_spread, t.queue_p50_bytes, t.queue_p99_bytes, t.queue_max_bytes, t.ecn_marks, t.drops, t.pauses, 100 * t.paused_fraction);
  }
  return o;
}

std::string render_packet_json(const PacketSimResult& r, const std::string& title, const PacketSimResult* baseline) {
  const FlowSummary s = summarise_flows(r);
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.packet/1";
  j["title"] = title;
  j["partial"] = r.stopped_early;
  j["simulated_ps"] = r.end.count();
  j["events"] = r.events;
  j["data_packets"] = r.data_packets;
  j["ack_packets"] = r.ack_packets;
  j["ecn_marks"] = r.ecn_marks;
  j["drops"] = r.drops;
  j["trims"] = r.trims;
  j["retransmits"] = r.retransmits;
  j["spurious_timeouts"] = r.spurious_timeouts;
  j["cnps"] = r.cnps;
  j["nacks"] = r.nacks;
  j["pfc_pauses"] = r.pauses;
  j["paused_ps"] = r.paused_time.count();
  j["bytes_offered"] = r.bytes_offered;
  j["bytes_delivered"] = r.bytes_delivered;
  j["duplicate_bytes"] = r.duplicate_bytes;
  j["all_done"] = r.all_done;
  j["reordered_arrivals"] = r.reordered_arrivals;
  if (const int64_t hot = hot_receiver(r); hot >= 0) {
    j["hot_spot"] = {{"nic", hot}, {"into_hot_spot", summary_json(summarise_flows(r, hot))}, {"victims", summary_json(summarise_flows(r, -1, hot))}};
  }
  if (r.cells.used) {
    const CellFabricStats& c = r.cells;
    j["cell_fabric"] = {{"cells", c.cells}, {"credits", c.credits}, {"held_for_order", c.held_for_order}, {"voq_peak_bytes", c.voq_peak_bytes},
                        {"ingress_peak_bytes", c.ingress_peak_bytes}, {"voq_drops", c.drops}, {"lost_cells", c.lost_cells}};
  }
  if (!r.failures.empty()) {
    auto fails = nlohmann::ordered_json::array();
    for (const FailureImpact& fi : r.failures) {
      fails.push_back({{"what", fi.what}, {"at_ps", fi.at_ps}, {"links", fi.links}, {"packets_lost", fi.packets_lost}, {"data_bytes_lost", fi.data_bytes_lost},
                       {"flows_hit", fi.flows_hit}, {"recovered_ps", fi.recovered_ps}});
    }
    j["failures"] = fails;
    j["unroutable_packets"] = r.unroutable;
    j["abandoned_flows"] = r.abandoned_flows;
  }
  if (baseline) {
    const FlowSummary b = summarise_flows(*baseline);
    j["without_failures"] = {{"fct_us", {{"p50", b.fct_p50}, {"p99", b.fct_p99}, {"max", b.fct_max}}}};
  }
  j["fct_us"] = {{"min", s.fct_min}, {"p50", s.fct_p50}, {"p99", s.fct_p99}, {"max", s.fct_max}};
  j["fct_at_sender_us"] = {{"p50", s.acked_p50}, {"p99", s.acked_p99}, {"max", s.acked_max}};
  j["goodput_gbps"] = {{"mean", s.goodput_mean}, {"min", s.goodput_min}, {"jain_index", s.jain}};
  auto tiers = nlohmann::ordered_json::array();
  for (const auto& t : r.tiers) {
    tiers.push_back({{"tier", t.tier}, {"utilisation", t.utilisation}, {"utilisation_max", t.utilisation_max}, {"utilisation_spread", t.utilisation_spread}, {"queue_p50_bytes", t.queue_p50_bytes}, {"queue_p99_bytes", t.queue_p99_bytes},
                     {"queue_max_bytes", t.queue_max_bytes}, {"ecn_marks", t.ecn_marks}, {"drops", t.drops}, {"pfc_pauses", t.pauses},
                     {"paused_fraction", t.paused_fraction}});
  }
  j["tiers"] = tiers;
  auto flows = nlohmann::ordered_json::array();
  for (const auto& f : r.flows) {
    flows.push_back({{"src", f.src}, {"dst", f.dst}, {"bytes", f.bytes}, {"start_ps", f.start.count()}, {"finish_ps", f.finish.count()}, {"done", f.done},
                     {"goodput_gbps", f.goodput_gbps()}, {"retransmits", f.retransmits}, {"ecn_echoes", f.ecn_echoes}});
  }
  j["flows"] = flows;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aifabric
