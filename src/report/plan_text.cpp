// Text rendering of a plan: what an architect reads first, every number with its unit.
#include <fmt/format.h>

#include "core/number_format.h"
#include "report/plan_report.h"

namespace aifabric {

namespace {
std::string thousands(int64_t v) { return with_thousands(v); }
std::string money(double v) { return usd(v); }
}  // namespace

std::string render_plan_text(const Plan& plan) {
  const Fabric& f = plan.fabric;
  std::string o;
  auto line = [&](const std::string& s) { o += s; o += '\n'; };
  line(fmt::format("aifabric plan: {}  ({})", plan.spec.name, plan.spec.file));
  line(fmt::format("cluster: {} x {} = {} XPUs ({}), {} back-end NICs of {}G ({}), scale-up domain {}", thousands(f.servers), f.server->name,
                   thousands(f.xpus()), f.server->xpu, thousands(f.nic_count()), f.nic->port_gbps, f.nic->name, f.server->scale_up_domain));
  line(fmt::format("fabric: {}, {}, {} tier{}, {} plane{}, {}G host links, load balancing {}", to_string(f.architecture), to_string(f.topology),
                   f.tiers, f.tiers > 1 ? "s" : "", f.planes, f.planes > 1 ? "s" : "", f.host_link_gbps, to_string(plan.spec.fabric.load_balancing)));
  line("");
  line("why this design:");
  for (const auto& e : f.explanation) line("  - " + e);
  line("");
  line("switches:");
  for (int t = 1; t <= f.tiers; ++t) {
    const TierDesign& td = f.tier[t];
    line(fmt::format("  {:<15} {:>7} x {:<22} ({} per plane, port minimum {}; {} down x {}G{})", to_string(td.role), thousands(f.switch_count(t)),
                     td.model->name, thousands(td.per_plane), thousands(td.port_minimum), td.down_ports, td.down_gbps,
                     td.up_ports > 0 ? fmt::format(", {} up x {}G", td.up_ports, td.up_gbps) : ""));
  }
  line(fmt::format("  {:<15} {:>7}", "total", thousands(f.switch_total())));
  line("");
  line("links by tier (length from the layout, medium by reach and the optics policy):");
  for (const auto& s : plan.link_stats) {
    line(fmt::format("  tier {} ({}G): {} links{} in {} cables, {:.1f}-{:.1f} m (mean {:.1f} m)", s.tier, s.gbps, thousands(s.links),
                     s.appliance_links > 0 ? fmt::format(" + {} appliance links ({})", thousands(s.appliance_links), fmt::join(f.appliance_names, ", ")) : "",
                     thousands(s.cables), s.min_m, s.max_m, s.mean_m));
    for (const auto& [label, n] : s.by_choice) line(fmt::format("      {:>9} x {}", thousands(n), label));
  }
  line("");
  line("bill of materials (network):");
  line(fmt::format("  {:<28} {:<12} {:<36} {:>9} {:>7} {:>9} {:>14}", "item", "kind", "where", "count", "spares", "W each", "cost"));
  for (const auto& b : plan.bom) {
    line(fmt::format("  {:<28} {:<12} {:<36} {:>9} {:>7} {:>9.1f} {:>14}", b.item, b.kind, b.where, thousands(b.count), thousands(b.spares),
                     b.unit_power_w, b.kind == "fibre" ? "not priced" : money(static_cast<double>(b.count + b.spares) * b.unit_price_usd)));
  }
  line(fmt::format("  network cost (indicative prices; fibre cables not priced): {}   servers: {}", money(plan.cost_network_usd), money(plan.cost_servers_usd)));
  line("");
  line("fibre:");
  line(fmt::format("  {} optical modules; {} fibre positions at modules (each module's fibre count summed, as seed 001 counts)",
                   thousands(plan.fibers.optical_modules), thousands(plan.fibers.module_fiber_positions)));
  line(fmt::format("  {} strands in the cable plant ({} single-mode, {} multimode): each strand joins two module positions",
                   thousands(plan.fibers.strands_smf + plan.fibers.strands_mmf), thousands(plan.fibers.strands_smf), thousands(plan.fibers.strands_mmf)));
  line(fmt::format("  connector ends at modules: {} MPO, {} LC", thousands(plan.fibers.mpo_ends), thousands(plan.fibers.lc_ends)));
  line("");
  const PowerSummary& p = plan.power;
  line("power:");
  line(fmt::format("  switches {:.1f} kW + optics {:.1f} kW{}{} = {:.1f} kW IT; x PUE {:.2f} = {:.1f} kW facility", p.switches_w / 1000, p.optics_w / 1000,
                   plan.spec.power.include_servers ? fmt::format(" + servers {:.1f} kW", p.servers_w / 1000) : "",
                   p.front_end_w > 0 ? fmt::format(" + front-end network {:.1f} kW", p.front_end_w / 1000) : "", p.it_w() / 1000, p.pue,
                   p.facility_w() / 1000));
  int64_t net_racks = 0, srv_racks = 0;
  double net_max = 0, srv_max = 0;
  for (const auto& r : plan.racks) {
    if (r.kind == RackKind::Network) { ++net_racks; net_max = std::max(net_max, r.it_power_w); }
    else { ++srv_racks; srv_max = std::max(srv_max, r.it_power_w); }
  }
  line(fmt::format("  racks: {} server racks (max {:.1f} kW), {} network racks (max {:.1f} kW); limits {:.0f} kW power, {:.0f} kW air cooling",
                   thousands(srv_racks), srv_max / 1000, thousands(net_racks), net_max / 1000, plan.spec.power.rack_power_limit_kw,
                   plan.spec.power.rack_air_cooling_limit_kw));
  if (!plan.racks_over_power.empty()) line(fmt::format("  ! {} racks over the power limit", plan.racks_over_power.size()));
  if (!plan.racks_over_cooling.empty()) line(fmt::format("  ! {} racks over the air-cooling limit", plan.racks_over_cooling.size()));
  line("");
  const Analysis& a = plan.analysis;
  line("capacity:");
  for (const auto& t : a.tiers) {
    line(fmt::format("  {:<15} down {:>9.1f} Tb/s  up {:>9.1f} Tb/s  {}  free ports {}", t.role, t.down_tbps, t.up_tbps,
                     t.oversubscription > 0 ? fmt::format("{:.2f}:1", t.oversubscription) : "     ", thousands(t.free_ports)));
  }
  line(fmt::format("  host bandwidth {:.1f} Tb/s; bisection {:.1f} Tb/s: {}", a.host_tbps, a.bisection_tbps, a.bisection_note));
  line("");
  line("scale limits (endpoints = NIC ports per plane; every NIC joins every plane):");
  line(fmt::format("  {:>6} {:>8} {:>6} {:>12} {:>14} {:>12} {:>14}", "planes", "link", "radix", "2-tier ports", "2-tier XPUs", "3-tier ports", "3-tier XPUs"));
  for (const auto& r : a.scale) {
    line(fmt::format("  {:>6} {:>7}G {:>6} {:>12} {:>14} {:>12} {:>14}{}", r.planes, r.link_gbps, r.radix, thousands(r.max_endpoints_2),
                     thousands(r.max_xpus_2), thousands(r.max_endpoints_3), thousands(r.max_xpus_3), r.planes == f.planes ? "  <- this design" : ""));
  }
  if (a.next_tier_at_xpus > 0) line(fmt::format("  this design needs another tier (or more planes) above {} XPUs", thousands(a.next_tier_at_xpus - 1)));
  line("");
  line("failure domains:");
  for (const auto& d : a.failures) {
    line(fmt::format("  {:<18} cut off {:>7} XPUs, degraded {:>7}, bandwidth -{:.2f}% fabric-wide (-{:.2f}% locally): {}", d.element,
                     thousands(d.xpus_cut_off), thousands(d.xpus_degraded), d.fabric_bandwidth_lost_pct, d.local_bandwidth_lost_pct, d.explanation));
  }
  line("");
  line("zero-load latency (4 KiB MTU, each switch cut-through or store-and-forward as the catalog says, 5 ns/m, mean link lengths):");
  for (const auto& l : a.latency) {
    line(fmt::format("  {:<24} {:>8.1f} ns  ({} links, {} switches: serialisation {:.1f} + propagation {:.1f} + modules {:.1f} + switching {:.1f})",
                     l.name, l.total().nanoseconds(), l.links, l.switches, l.serialisation.nanoseconds(), l.propagation.nanoseconds(),
                     l.modules.nanoseconds(), l.switching.nanoseconds()));
  }
  line("");
  line("deployment checks:");
  for (const auto& c : plan.checks) line(fmt::format("  [{:<6}] {}: {}", to_string(c.status), c.title, c.detail));
  line("");
  line(fmt::format("form factor (seed 001 decision matrix): {}", plan.advice_summary));
  for (const auto& a2 : plan.advice) line(fmt::format("  - {}: {} ({})", a2.factor, a2.recommendation, a2.rationale));
  if (plan.front_end) {
    const Plan& fe = *plan.front_end;
    line("");
    line(fmt::format("front-end network ({} x {}G {} per server, {:.0f}:1 leaf taper):", fe.fabric.nics_per_server, fe.fabric.nic->port_gbps,
                     fe.fabric.nic->name, plan.spec.front_end.oversubscription));
    for (int t = 1; t <= fe.fabric.tiers; ++t) {
      line(fmt::format("  {:<15} {:>7} x {}", to_string(fe.fabric.tier[t].role), thousands(fe.fabric.switch_count(t)), fe.fabric.tier[t].model->name));
    }
    for (const auto& s : fe.link_stats) {
      for (const auto& [label, n] : s.by_choice) line(fmt::format("  tier {}: {:>9} x {}", s.tier, thousands(n), label));
    }
    line(fmt::format("  power: switches {:.1f} kW + optics {:.1f} kW (server-end optics also counted in the server racks above); cost {}",
                     fe.power.switches_w / 1000, fe.power.optics_w / 1000, money(fe.cost_network_usd)));
  }
  if (!plan.notes.empty()) {
    line("");
    line("notes on disagreeing public figures:");
    for (const auto& n : plan.notes) line("  - " + n);
  }
  return o;
}

}  // namespace aifabric
