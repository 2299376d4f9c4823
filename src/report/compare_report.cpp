// Comparison tables: one row per design, the same columns for every one.
#include "report/compare_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/number_format.h"

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
  d.network_kw = (plan.power.switches_w + plan.power.optics_w + plan.power.front_end_w) / 1000;
  d.network_cost_usd = plan.cost_network_usd;
  d.bisection_tbps = plan.analysis.bisection_tbps;
  return d;
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
  return o;
}

std::string render_comparison_json(const Comparison& c) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.compare/1";
  j["workload"] = c.workload;
  auto arr = nlohmann::ordered_json::array();
  for (const auto& d : c.designs) {
    nlohmann::ordered_json x = {{"name", d.name}, {"description", d.description}, {"xpus", d.xpus}, {"switches", d.switches},
                                {"optical_modules", d.optical_modules}, {"network_kw", d.network_kw}, {"network_cost_usd", d.network_cost_usd},
                                {"bisection_tbps", d.bisection_tbps}, {"busbw_gbytes_per_s", d.busbw_gbs}, {"collective_time_ps", d.collective_time.count()},
                                {"unreachable_transfers", d.unreachable}};
    if (d.utilisation) x["utilisation"] = *d.utilisation;
    if (d.step_ms) x["step_ms"] = *d.step_ms;
    arr.push_back(x);
  }
  j["designs"] = arr;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aifabric
