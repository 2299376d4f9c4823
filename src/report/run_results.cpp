// results.json and the CSV tables of a run: every number of the HTML report, with units in the key names.
#include "report/run_results.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/step_report.h"

namespace aifabric {

namespace {
nlohmann::ordered_json samples_json(const std::vector<TierSample>& samples) {
  auto tl = nlohmann::ordered_json::array();
  for (const auto& t : samples) {
    tl.push_back({{"t_ps", t.t_ps}, {"utilisation_by_tier", t.utilisation}, {"queue_mean_bytes_by_tier", t.queue_mean_bytes},
                  {"queue_max_bytes_by_tier", t.queue_max_bytes}});
  }
  return tl;
}
}  // namespace

std::string render_results_json(const RunResults& r) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.results/1";
  j["partial"] = r.partial;
  j["algorithm"] = r.algorithm;
  auto sweeps = nlohmann::ordered_json::array();
  for (const auto& [backend, s] : r.sweeps) {
    auto one = nlohmann::ordered_json::parse(render_perf_json(s));
    one["backend"] = backend;
    sweeps.push_back(one);
  }
  j["allreduce_sweeps"] = sweeps;
  auto util = nlohmann::ordered_json::array();
  for (const auto& u : r.utilisation) util.push_back({{"tier", u.tier}, {"mean_utilisation", u.mean}, {"max_utilisation", u.max}});
  j["link_utilisation_by_tier"] = util;
  if (!r.timeline.empty()) {
    j["packet_timeline"] = {{"title", r.timeline_title}, {"samples", samples_json(r.timeline)}};
  }
  if (!r.failure_timeline.empty()) {
    j["packet_failure"] = {{"title", r.failure_title}, {"findings", r.failure_findings}, {"samples", samples_json(r.failure_timeline)}};
  }
  if (r.step) {
    j["training_step"] = nlohmann::ordered_json::parse(render_step_json({*r.step}))["steps"][0];
    j["training_step"]["job_source"] = r.job_source;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::vector<std::pair<std::string, std::string>> render_csv_tables(const Plan& plan, const RunResults& r) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string bom = "item,kind,where,count,spares,unit_power_w,unit_price_usd\n";
  for (const auto& b : plan.bom) bom += fmt::format("{},{},\"{}\",{},{},{},{}\n", b.item, b.kind, b.where, b.count, b.spares, b.unit_power_w, b.unit_price_usd);
  out.emplace_back("bom.csv", bom);
  std::string racks = "rack,kind,row,x_m,y_m,servers,switches,it_power_w,optics_power_w\n";
  for (size_t i = 0; i < plan.racks.size(); ++i) {
    const Rack& k = plan.racks[i];
    racks += fmt::format("{},{},{},{:.2f},{:.2f},{},{},{:.1f},{:.1f}\n", i, k.kind == RackKind::Server ? "server" : "network", k.row, k.x_m, k.y_m, k.servers,
                         k.switches, k.it_power_w, k.optics_power_w);
  }
  out.emplace_back("racks.csv", racks);
  std::string links = "tier,gbps,links,length_min_m,length_max_m,length_mean_m,medium,medium_links\n";
  for (const auto& s : plan.link_stats) {
    for (const auto& [label, n] : s.by_choice) links += fmt::format("{},{},{},{:.1f},{:.1f},{:.2f},\"{}\",{}\n", s.tier, s.gbps, s.links, s.min_m, s.max_m, s.mean_m, label, n);
  }
  out.emplace_back("links.csv", links);
  std::string perf = "backend,size_bytes,time_ps,algbw_gbytes_per_s,busbw_gbytes_per_s\n";
  for (const auto& [backend, s] : r.sweeps) {
    for (const auto& row : s.rows) perf += fmt::format("{},{},{},{:.4f},{:.4f}\n", backend, row.bytes, row.time.count(), row.algbw_gbs, row.busbw_gbs);
  }
  out.emplace_back("perf.csv", perf);
  if (r.step) {
    std::string step = "parallelism,collective,group_size,bytes,count,each_ps,total_ps,exposed_ps,busbw_gbytes_per_s\n";
    for (const auto& c : r.step->comms) {
      step += fmt::format("{},{},{},{},{},{},{},{},{:.3f}\n", c.parallelism, c.collective, c.group_size, c.bytes, c.count, c.each.count(), c.total.count(),
                          c.exposed.count(), c.busbw_gbs);
    }
    step += fmt::format("total,,,,,,{},{},\n", r.step->step.count(), r.step->exposed.count());
    out.emplace_back("step.csv", step);
  }
  return out;
}

}  // namespace aifabric
