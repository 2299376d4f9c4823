// Comparison tables: one row per design, the same columns for every one.
#include "report/compare_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/number_format.h"
#include "report/packet_report.h"

namespace aifabric {

DesignResult summarise_design(const Plan& plan) {
  const Fabric& f = plan.fabric;
  DesignResult d;
  d.name = plan.spec.name;
  d.description = fmt::format("{}, {}, {} tier{}, {} plane{}, {}G", to_string(f.architecture), to_string(f.topology), f.tiers, f.tiers > 1 ? "s" : "", f.planes,
                              f.planes > 1 ? "s" : "", f.host_link_gbps);
  d.xpus = f.xpus();
  d.switches = f.switch_total();
  d.optical_modules = plan.fibers.optical_modules;
  d.fibre_strands = plan.fibers.strands_smf + plan.fibers.strands_mmf;
  d.network_kw = (plan.power.switches_w + plan.power.optics_w + plan.power.front_end_w) / 1000;
  d.network_cost_usd = plan.cost_network_usd;
  d.bisection_tbps = plan.analysis.bisection_tbps;
  return d;
}

PacketRunSummary summarise_packet_run(const PacketSimResult& r, std::string settings) {
  PacketRunSummary p;
  p.settings = std::move(settings);
  const FlowSummary all = summarise_flows(r);
  p.fct_p50_us = all.fct_p50;
  p.fct_p99_us = all.fct_p99;
  p.fct_max_us = all.fct_max;
  p.jain = all.jain;
  if (const int64_t hot = hot_receiver(r); hot >= 0) {
    const FlowSummary in = summarise_flows(r, hot), others = summarise_flows(r, -1, hot);
    p.hot_max_us = in.fct_max;
    p.hot_jain = in.jain;
    p.victims_p99_us = others.fct_p99;
    p.victims_max_us = others.fct_max;
  }
  p.drops = r.drops;
  p.retransmits = r.retransmits;
  p.pauses = r.pauses;
  const int fabric_from = r.tiers.size() > 1 ? 2 : 1;
  for (const TierStats& t : r.tiers) {
    p.paused_fraction = std::max(p.paused_fraction, t.paused_fraction);
    p.queue_p99_bytes = std::max(p.queue_p99_bytes, t.queue_p99_bytes);
    p.queue_max_bytes = std::max(p.queue_max_bytes, t.queue_max_bytes);
    if (t.tier < fabric_from) continue;
    p.busiest_link = std::max(p.busiest_link, t.utilisation_max);
    p.utilisation_spread = std::max(p.utilisation_spread, t.utilisation_spread);
  }
  p.conserved = r.all_done && r.bytes_delivered == r.bytes_offered;
  return p;
}

std::string render_comparison_text(const Comparison& c) {
  std::string o = "aifabric compare: " + c.workload + "\n";
  o += fmt::format("{:<28} {:>8} {:>9} {:>9} {:>11} {:>14} {:>11} {:>10} {:>11} {:>8} {:>9}\n", "design", "XPUs", "switches", "modules", "network kW",
                   "network cost", "bisect Tb/s", "busbw GB/s", "time ms", "util %", "step ms");
  for (const auto& d : c.designs) {
    o += fmt::format("{:<28} {:>8} {:>9} {:>9} {:>11.1f} {:>14} {:>11.1f} {:>10.2f} {:>11.3f} {:>8} {:>9}\n", d.name, with_thousands(d.xpus),
                     with_thousands(d.switches), with_thousands(d.optical_modules), d.network_kw, usd(d.network_cost_usd), d.bisection_tbps, d.busbw_gbs,
                     d.collective_time.seconds() * 1e3, d.utilisation ? fmt::format("{:.1f}", 100 * *d.utilisation) : "-",
                     d.step_ms ? fmt::format("{:.1f}", *d.step_ms) : "-");
  }
  for (const auto& d : c.designs) {
    o += fmt::format("  {}: {}{}\n", d.name, d.description, d.unreachable ? fmt::format("; {} transfers per step without a path", d.unreachable) : "");
  }
  if (c.packet_workload.empty()) return o;
  o += "packet level: " + c.packet_workload + " (completion times in us; hot: flows into the busiest receiver, victims: all others)\n";
  o += fmt::format("{:<28} {:>9} {:>9} {:>9} {:>6} {:>9} {:>8} {:>10} {:>10} {:>9} {:>9} {:>8} {:>11} {:>9} {:>7}\n", "design", "FCT p50", "FCT p99", "FCT max", "Jain", "hot max",
                   "hot Jain", "victim p99", "victim max", "drops", "pauses", "paused%", "queue p99 B", "busiest%", "spread");
  auto opt = [](double v, const char* f) { return v < 0 ? std::string("-") : fmt::format(fmt::runtime(f), v); };
  for (const auto& d : c.designs) {
    if (!d.packet) continue;
    const PacketRunSummary& p = *d.packet;
    o += fmt::format("{:<28} {:>9.1f} {:>9.1f} {:>9.1f} {:>6.3f} {:>9} {:>8} {:>10} {:>10} {:>9} {:>9} {:>8.2f} {:>11} {:>9.1f} {:>7.2f}{}\n", d.name, p.fct_p50_us,
                     p.fct_p99_us, p.fct_max_us, p.jain, opt(p.hot_max_us, "{:.1f}"), opt(p.hot_jain, "{:.3f}"), opt(p.victims_p99_us, "{:.1f}"), opt(p.victims_max_us, "{:.1f}"),
                     with_thousands(p.drops), with_thousands(p.pauses), 100 * p.paused_fraction, with_thousands(p.queue_p99_bytes), 100 * p.busiest_link,
                     p.utilisation_spread, p.conserved ? "" : "  (not every byte delivered)");
  }
  for (const auto& d : c.designs) {
    if (d.packet) o += fmt::format("  {}: {}\n", d.name, d.packet->settings);
  }
  return o;
}

std::string render_comparison_json(const Comparison& c) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.compare/1";
  j["workload"] = c.workload;
  if (!c.packet_workload.empty()) j["packet_workload"] = c.packet_workload;
  auto arr = nlohmann::ordered_json::array();
  for (const auto& d : c.designs) {
    nlohmann::ordered_json x = {{"name", d.name}, {"description", d.description}, {"xpus", d.xpus}, {"switches", d.switches},
                                {"optical_modules", d.optical_modules}, {"network_kw", d.network_kw}, {"network_cost_usd", d.network_cost_usd},
                                {"bisection_tbps", d.bisection_tbps}, {"busbw_gbytes_per_s", d.busbw_gbs}, {"collective_time_ps", d.collective_time.count()},
                                {"unreachable_transfers", d.unreachable}};
    if (d.utilisation) x["utilisation"] = *d.utilisation;
    if (d.step_ms) x["step_ms"] = *d.step_ms;
    if (d.packet) {
      const PacketRunSummary& p = *d.packet;
      x["packet"] = {{"settings", p.settings}, {"fct_us", {{"p50", p.fct_p50_us}, {"p99", p.fct_p99_us}, {"max", p.fct_max_us}}}, {"jain_index", p.jain},
                     {"hot_spot", {{"fct_max_us", p.hot_max_us}, {"jain_index", p.hot_jain}}}, {"victims", {{"fct_p99_us", p.victims_p99_us}, {"fct_max_us", p.victims_max_us}}},
                     {"drops", p.drops}, {"retransmits", p.retransmits}, {"pfc_pauses", p.pauses}, {"paused_fraction", p.paused_fraction},
                     {"queue_p99_bytes", p.queue_p99_bytes}, {"queue_max_bytes", p.queue_max_bytes}, {"busiest_link_utilisation", p.busiest_link},
                     {"utilisation_spread", p.utilisation_spread}, {"conserved", p.conserved}};
    }
    arr.push_back(x);
  }
  j["designs"] = arr;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aifabric
