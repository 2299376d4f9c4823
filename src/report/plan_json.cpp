// JSON rendering of a plan (schema in docs/plan-schema.md): stable keys, units in key names.
#include <nlohmann/json.hpp>

#include "report/plan_report.h"

namespace aifabric {

using ordered_json = nlohmann::ordered_json;

namespace {
double r3(double v) { return std::round(v * 1000.0) / 1000.0; }
}  // namespace

std::string render_plan_json(const Plan& plan) {
  const Fabric& f = plan.fabric;
  ordered_json j;
  j["schema"] = "aifabric.plan/1";
  j["name"] = plan.spec.name;
  j["cluster"] = {{"servers", f.servers}, {"server_model", f.server->name}, {"xpus", f.xpus()}, {"xpus_per_server", f.server->xpus},
                  {"nics", f.nic_count()}, {"nic_model", f.nic->name}, {"nic_gbps", f.nic->port_gbps},
                  {"scale_up_domain_xpus", f.server->scale_up_domain}};
  ordered_json tiers = ordered_json::array();
  for (int t = 1; t <= f.tiers; ++t) {
    const TierDesign& td = f.tier[t];
    tiers.push_back({{"tier", t}, {"role", std::string(to_string(td.role))}, {"switch_model", td.model->name}, {"switches", f.switch_count(t)},
                     {"switches_per_plane", td.per_plane}, {"down_ports_per_switch", td.down_ports}, {"down_gbps", td.down_gbps},
                     {"up_ports_per_switch", td.up_ports}, {"up_gbps", td.up_gbps}, {"parallel_up_links", td.parallel_up},
                     {"port_minimum_per_plane", td.port_minimum}});
  }
  j["fabric"] = {{"architecture", std::string(to_string(f.architecture))}, {"topology", std::string(to_string(f.topology))},
                 {"tiers", f.tiers}, {"planes", f.planes}, {"host_link_gbps", f.host_link_gbps},
                 {"load_balancing", std::string(to_string(plan.spec.fabric.load_balancing))},
                 {"scalable_unit_servers", f.scalable_unit_servers}, {"pods", f.pods}, {"switches_total", f.switch_total()},
                 {"nodes", f.nodes.size()}, {"links", f.links.size()}, {"tier_designs", tiers}, {"explanation", f.explanation}};
  ordered_json links = ordered_json::array();
  for (const auto& s : plan.link_stats) {
    ordered_json media = ordered_json::object();
    for (const auto& [label, n] : s.by_choice) media[label] = n;
    links.push_back({{"tier", s.tier}, {"gbps", s.gbps}, {"links", s.links}, {"appliance_links", s.appliance_links}, {"cables", s.cables}, {"length_min_m", r3(s.min_m)}, {"length_max_m", r3(s.max_m)},
                     {"length_mean_m", r3(s.mean_m)}, {"media", media}});
  }
  j["links"] = links;
  ordered_json bom = ordered_json::array();
  for (const auto& b : plan.bom) {
    bom.push_back({{"item", b.item}, {"kind", b.kind}, {"where", b.where}, {"count", b.count}, {"spares", b.spares},
                   {"unit_power_w", r3(b.unit_power_w)}, {"unit_price_usd", r3(b.unit_price_usd)}});
  }
  j["bom"] = bom;
  j["cost_usd"] = {{"network", r3(plan.cost_network_usd)}, {"servers", r3(plan.cost_servers_usd)}};
  j["fibers"] = {{"optical_modules", plan.fibers.optical_modules}, {"module_fiber_positions", plan.fibers.module_fiber_positions},
                 {"strands_smf", plan.fibers.strands_smf}, {"strands_mmf", plan.fibers.strands_mmf},
                 {"mpo_ends", plan.fibers.mpo_ends}, {"lc_ends", plan.fibers.lc_ends}};
  const PowerSummary& p = plan.power;
  int64_t net_racks = 0;
  double net_max = 0, srv_max = 0;
  for (const auto& r : plan.racks) {
    if (r.kind == RackKind::Network) { ++net_racks; net_max = std::max(net_max, r.it_power_w); }
    else srv_max = std::max(srv_max, r.it_power_w);
  }
  j["power"] = {{"switches_w", r3(p.switches_w)}, {"optics_w", r3(p.optics_w)}, {"servers_w", r3(p.servers_w)}, {"front_end_w", r3(p.front_end_w)}, {"it_w", r3(p.it_w())},
                {"pue", p.pue}, {"facility_w", r3(p.facility_w())},
                {"racks", {{"server_racks", static_cast<int64_t>(plan.racks.size()) - net_racks}, {"network_racks", net_racks},
                           {"server_rack_max_w", r3(srv_max)}, {"network_rack_max_w", r3(net_max)},
                           {"over_power_limit", plan.racks_over_power.size()}, {"over_air_cooling_limit", plan.racks_over_cooling.size()}}}};
  const Analysis& a = plan.analysis;
  ordered_json cap = ordered_json::array();
  for (const auto& t : a.tiers) {
    cap.push_back({{"tier", t.tier}, {"role", t.role}, {"switches", t.switches}, {"down_tbps", r3(t.down_tbps)}, {"up_tbps", r3(t.up_tbps)},
                   {"oversubscription", r3(t.oversubscription)}, {"free_ports", t.free_ports}});
  }
  ordered_json scale = ordered_json::array();
  for (const auto& r : a.scale) {
    scale.push_back({{"planes", r.planes}, {"link_gbps", r.link_gbps}, {"radix", r.radix}, {"max_endpoints_1_tier", r.max_endpoints_1},
                     {"max_endpoints_2_tier", r.max_endpoints_2}, {"max_endpoints_3_tier", r.max_endpoints_3},
                     {"max_xpus_2_tier", r.max_xpus_2}, {"max_xpus_3_tier", r.max_xpus_3}});
  }
  ordered_json fails = ordered_json::array();
  for (const auto& d : a.failures) {
    fails.push_back({{"element", d.element}, {"xpus_cut_off", d.xpus_cut_off}, {"xpus_degraded", d.xpus_degraded},
                     {"fabric_bandwidth_lost_pct", r3(d.fabric_bandwidth_lost_pct)},
                     {"local_bandwidth_lost_pct", r3(d.local_bandwidth_lost_pct)}, {"explanation", d.explanation}});
  }
  ordered_json lat = ordered_json::array();
  for (const auto& l : a.latency) {
    lat.push_back({{"path", l.name}, {"links", l.links}, {"switches", l.switches}, {"total_ps", l.total().count()},
                   {"serialisation_ps", l.serialisation.count()}, {"propagation_ps", l.propagation.count()},
                   {"modules_ps", l.modules.count()}, {"switching_ps", l.switching.count()}});
  }
  j["analysis"] = {{"tiers", cap}, {"host_tbps", r3(a.host_tbps)}, {"bisection_tbps", r3(a.bisection_tbps)}, {"bisection_note", a.bisection_note},
                   {"scale_limits", scale}, {"next_tier_above_xpus", a.next_tier_at_xpus > 0 ? a.next_tier_at_xpus - 1 : 0},
                   {"failure_domains", fails}, {"zero_load_latency", lat}};
  ordered_json checks = ordered_json::array();
  for (const auto& c : plan.checks) checks.push_back({{"id", c.id}, {"status", std::string(to_string(c.status))}, {"title", c.title}, {"detail", c.detail}});
  j["checks"] = checks;
  ordered_json adv = ordered_json::array();
  for (const auto& x : plan.advice) adv.push_back({{"factor", x.factor}, {"recommendation", x.recommendation}, {"rationale", x.rationale}});
  j["form_factor_advice"] = {{"summary", plan.advice_summary}, {"factors", adv}};
  j["notes"] = plan.notes;
  if (plan.front_end) j["front_end"] = ordered_json::parse(render_plan_json(*plan.front_end));
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aifabric
