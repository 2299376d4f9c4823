// Packet-run summaries: FCT percentiles, goodput against line rate, tiers, and the conservation check.
#include "report/packet_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace aifabric {

namespace {
struct Summary {
  double fct_min = 0, fct_p50 = 0, fct_p99 = 0, fct_max = 0;  // microseconds
  double goodput_mean = 0, goodput_min = 0;                   // Gb/s per flow
  double jain = 0;
  size_t done = 0;
};

Summary summarise(const PacketSimResult& r) {
  Summary s;
  std::vector<double> fct, gp;
  for (const auto& f : r.flows) {
    if (!f.done) continue;
    fct.push_back((f.finish - f.start).seconds() * 1e6);
    gp.push_back(f.goodput_gbps());
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
}  // namespace

std::string render_packet_text(const PacketSimResult& r, const std::string& title, double line_gbps) {
  const Summary s = summarise(r);
  std::string o = "aifabric packet: " + title + "\n";
  o += fmt::format("  flows {} ({} complete{}), simulated {:.3f} us, {} events, {} data + {} ack packets, peak {} packets in flight\n", r.flows.size(), s.done,
                   r.stopped_early ? ", stopped early" : "", r.end.seconds() * 1e6, r.events, r.data_packets, r.ack_packets, r.peak_packets_in_flight);
  o += fmt::format("  completion time (us): min {:.2f}  p50 {:.2f}  p99 {:.2f}  max {:.2f}\n", s.fct_min, s.fct_p50, s.fct_p99, s.fct_max);
  o += fmt::format("  goodput per flow: mean {:.1f} Gb/s ({:.1f}% of {:.0f}G line rate), min {:.1f} Gb/s; Jain fairness {:.3f}\n", s.goodput_mean,
                   line_gbps > 0 ? 100 * s.goodput_mean / line_gbps : 0, line_gbps, s.goodput_min, s.jain);
  o += fmt::format("  ECN marks {}, CNPs {}, drops {}, retransmitted packets {}, NACKs {}, duplicate or discarded bytes {}\n", r.ecn_marks, r.cnps, r.drops,
                   r.retransmits, r.nacks, r.duplicate_bytes);
  o += fmt::format("  PFC pauses {}, paused time {:.3f} us (summed over ports)\n", r.pauses, r.paused_time.seconds() * 1e6);
  o += fmt::format("  bytes offered {}, delivered exactly once {}: {}\n", r.bytes_offered, r.bytes_delivered,
                   r.bytes_offered == r.bytes_delivered ? "conserved" : "NOT all delivered");
  for (const auto& t : r.tiers) {
    o += fmt::format("  tier {}: utilisation {:.1f}%, queue p50 {} B, p99 {} B, max {} B, marks {}, drops {}, pauses {} ({:.2f}% of port time)\n", t.tier,
                     100 * t.utilisation, t.queue_p50_bytes, t.queue_p99_bytes, t.queue_max_bytes, t.ecn_marks, t.drops, t.pauses, 100 * t.paused_fraction);
  }
  return o;
}

std::string render_packet_json(const PacketSimResult& r, const std::string& title) {
  const Summary s = summarise(r);
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
  j["retransmits"] = r.retransmits;
  j["cnps"] = r.cnps;
  j["nacks"] = r.nacks;
  j["pfc_pauses"] = r.pauses;
  j["paused_ps"] = r.paused_time.count();
  j["bytes_offered"] = r.bytes_offered;
  j["bytes_delivered"] = r.bytes_delivered;
  j["duplicate_bytes"] = r.duplicate_bytes;
  j["all_done"] = r.all_done;
  j["fct_us"] = {{"min", s.fct_min}, {"p50", s.fct_p50}, {"p99", s.fct_p99}, {"max", s.fct_max}};
  j["goodput_gbps"] = {{"mean", s.goodput_mean}, {"min", s.goodput_min}, {"jain_index", s.jain}};
  auto tiers = nlohmann::ordered_json::array();
  for (const auto& t : r.tiers) {
    tiers.push_back({{"tier", t.tier}, {"utilisation", t.utilisation}, {"queue_p50_bytes", t.queue_p50_bytes}, {"queue_p99_bytes", t.queue_p99_bytes},
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
