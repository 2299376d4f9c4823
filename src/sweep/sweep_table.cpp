// Sweep rows rendered: a fixed-width table, CSV (RFC 4180 quoting) and JSON, every number with its unit in the name.
#include "sweep/sweep_table.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv.h"
#include "core/number_format.h"

namespace aifabric {

namespace {

std::string workload_line(const SweepGrid& g) {
  const SweepWorkload& w = g.workload;
  return fmt::format("{} of {} per rank over {} ({} algorithm, {} backend){}{}", w.collective, w.size, w.group, w.algo, w.backend,
                     w.job.empty() ? std::string() : fmt::format(", and one step of {}", w.job),
                     w.traffic.empty() ? std::string() : fmt::format(", and {} traffic of {} per flow on the packet engine", w.traffic, w.traffic_bytes));
}

std::string opt(const std::optional<double>& v, double scale, const char* f) { return v ? fmt::format(fmt::runtime(f), *v * scale) : std::string(); }

}  // namespace

std::string render_sweep_text(const SweepGrid& g, const std::vector<SweepRow>& rows) {
  std::string o = fmt::format("aifabric sweep: {} points of {} (base {}); workload: {}\n", rows.size(), g.file, g.base_file, workload_line(g));
  std::vector<size_t> width;
  for (const SweepAxis& a : g.axes) {
    size_t w = a.field.size();
    for (const auto& l : a.labels) w = std::max(w, l.size());
    width.push_back(std::min<size_t>(w, 40));
  }
  o += fmt::format("{:>6}", "point");
  for (size_t k = 0; k < g.axes.size(); ++k) o += fmt::format(" {:<{}}", g.axes[k].field, width[k]);
  o += fmt::format(" {:>8} {:>9} {:>9} {:>9} {:>11} {:>14} {:>11} {:>10} {:>11} {:>9} {:>6} {:>10}\n", "XPUs", "switches", "modules", "fibres", "network kW", "network cost",
                   "bisect Tb/s", "busbw GB/s", "time ms", "step ms", "MFU %", "net loss %");
  const bool traffic = !g.workload.traffic.empty();
  if (traffic) o.insert(o.size() - 1, fmt::format(" {:>11} {:>11} {:>8}", "FCT p99 us", "FCT max us", "drops"));
  for (const SweepRow& r : rows) {
    o += fmt::format("{:>6}", r.index);
    for (size_t k = 0; k < r.labels.size(); ++k) o += fmt::format(" {:<{}}", r.labels[k], width[k]);
    if (!r.built) {
      o += fmt::format("  not built: {}\n", r.reason);
      continue;
    }
    const DesignResult& d = r.design;
    o += fmt::format(" {:>8} {:>9} {:>9} {:>9} {:>11.1f} {:>14} {:>11.1f}", with_thousands(d.xpus), with_thousands(d.switches), with_thousands(d.optical_modules),
                     with_thousands(d.fibre_strands), d.network_kw, usd(d.network_cost_usd), d.bisection_tbps);
    if (!r.reason.empty()) {
      o += fmt::format("  not run: {}\n", r.reason);
      continue;
    }
    const std::optional<double> loss = r.network_loss();
    o += fmt::format(" {:>10.2f} {:>11.3f} {:>9} {:>6} {:>10}", d.busbw_gbs, d.collective_time.seconds() * 1e3, d.step_ms ? fmt::format("{:.1f}", *d.step_ms) : "-",
                     r.mfu ? fmt::format("{:.1f}", 100 * *r.mfu) : "-", loss ? fmt::format("{:.2f}", 100 * *loss) : "-");
    if (traffic && d.packet) o += fmt::format(" {:>11.1f} {:>11.1f} {:>8}", d.packet->fct_p99_us, d.packet->fct_max_us, d.packet->drops);
    o += "\n";
  }
  return o;
}

std::string render_sweep_csv(const SweepGrid& g, const std::vector<SweepRow>& rows) {
  std::string o = "point";
  for (const SweepAxis& a : g.axes) o += fmt::format(",{}", csv_field(a.field));
  o += ",status,reason,xpus,switches,optical_modules,fibre_strands,network_kw,network_cost_usd,bisection_tbps,busbw_gbs,collective_ms,step_ms,utilisation,mfu,tflops_per_xpu,ideal_step_ms,network_loss";
  const bool traffic = !g.workload.traffic.empty();
  o += traffic ? ",fct_p50_us,fct_p99_us,fct_max_us,drops,retransmits\n" : "\n";
  const std::string no_traffic = traffic ? ",,,,," : "";
  for (const SweepRow& r : rows) {
    o += fmt::format("{}", r.index);
    for (const auto& l : r.labels) o += fmt::format(",{}", csv_field(l));
    const char* status = !r.built ? "not built" : r.reason.empty() ? "ok" : "not run";
    o += fmt::format(",{},{}", status, csv_field(r.reason));
    if (!r.built) {
      o += ",,,,,,,,,,,,,,," + no_traffic + "\n";
      continue;
    }
    const DesignResult& d = r.design;
    o += fmt::format(",{},{},{},{},{:.3f},{:.0f},{:.3f}", d.xpus, d.switches, d.optical_modules, d.fibre_strands, d.network_kw, d.network_cost_usd, d.bisection_tbps);
    if (!r.reason.empty()) {
      o += ",,,,,,,," + no_traffic + "\n";
      continue;
    }
    o += fmt::format(",{:.3f},{:.6f},{},{},{},{},{},{}", d.busbw_gbs, d.collective_time.seconds() * 1e3, opt(d.step_ms, 1, "{:.3f}"), opt(d.utilisation, 1, "{:.5f}"),
                     opt(r.mfu, 1, "{:.5f}"), opt(r.tflops_per_xpu, 1, "{:.2f}"), opt(r.ideal_step_ms, 1, "{:.3f}"), opt(r.network_loss(), 1, "{:.5f}"));
    if (traffic && d.packet) o += fmt::format(",{:.3f},{:.3f},{:.3f},{},{}", d.packet->fct_p50_us, d.packet->fct_p99_us, d.packet->fct_max_us, d.packet->drops, d.packet->retransmits);
    else o += no_traffic;
    o += "\n";
  }
  return o;
}

std::string render_sweep_json(const SweepGrid& g, const std::vector<SweepRow>& rows) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.sweep/1";
  j["grid"] = g.file;
  j["base"] = g.base_file;
  j["workload"] = workload_line(g);
  j["axes"] = nlohmann::json::array();
  for (const SweepAxis& a : g.axes) j["axes"].push_back({{"field", a.field}, {"values", a.labels}});
  j["points"] = nlohmann::json::array();
  for (const SweepRow& r : rows) {
    nlohmann::ordered_json p;
    p["point"] = r.index;
    p["values"] = r.labels;
    p["status"] = !r.built ? "not built" : r.reason.empty() ? "ok" : "not run";
    if (!r.reason.empty()) p["reason"] = r.reason;
    if (r.built) {
      const DesignResult& d = r.design;
      p["xpus"] = d.xpus;
      p["switches"] = d.switches;
      p["optical_modules"] = d.optical_modules;
      p["fibre_strands"] = d.fibre_strands;
      p["network_kw"] = d.network_kw;
      p["network_cost_usd"] = d.network_cost_usd;
      p["bisection_tbps"] = d.bisection_tbps;
      if (r.reason.empty()) {
        p["busbw_gbs"] = d.busbw_gbs;
        p["collective_ms"] = d.collective_time.seconds() * 1e3;
        if (d.step_ms) p["step_ms"] = *d.step_ms;
        if (d.utilisation) p["utilisation"] = *d.utilisation;
        if (r.mfu) p["mfu"] = *r.mfu;
        if (r.tflops_per_xpu) p["tflops_per_xpu"] = *r.tflops_per_xpu;
        if (r.ideal_step_ms) p["ideal_step_ms"] = *r.ideal_step_ms;
        if (r.network_loss()) p["network_loss"] = *r.network_loss();
        if (d.packet) {
          p["packet"] = {{"settings", d.packet->settings}, {"fct_p50_us", d.packet->fct_p50_us}, {"fct_p99_us", d.packet->fct_p99_us},
                         {"fct_max_us", d.packet->fct_max_us}, {"jain", d.packet->jain}, {"drops", d.packet->drops}, {"retransmits", d.packet->retransmits}};
        }
      }
    }
    j["points"].push_back(std::move(p));
  }
  return j.dump(2) + "\n";
}

}  // namespace aifabric
