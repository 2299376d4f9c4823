// Fabric analysis: capacity and oversubscription per tier, bisection, scale limits, failure domains, latency.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plan/plan.h"
#include "topo/wire_format.h"
#include "topo/build_fabric.h"

namespace aifabric {

namespace {

double tbps(int64_t links, int64_t gbps) { return static_cast<double>(links) * static_cast<double>(gbps) / 1000.0; }

void tier_capacities(Plan& plan) {
  const Fabric& f = plan.fabric;
  Analysis& a = plan.analysis;
  a.tiers.clear();
  std::vector<int64_t> down(static_cast<size_t>(f.tiers + 1), 0), up(static_cast<size_t>(f.tiers + 1), 0);
  for (const Link& l : f.links) {
    ++down[l.tier];
    if (l.tier >= 2) ++up[l.tier - 1];
  }
  for (int t = 1; t <= f.tiers; ++t) {
    const TierDesign& td = f.tier[t];
    TierCapacity c;
    c.tier = t;
    c.role = std::string(to_string(td.role));
    c.switches = f.switch_count(t);
    const SwitchModel& m = *td.model;
    const int64_t cap_gbps = m.role == SwitchRole::FabricElement ? static_cast<int64_t>(m.fabric_links) * m.fabric_link_gbps
                                                                  : m.capacity_gbps();
    c.ports_per_switch = td.down_gbps > 0 ? cap_gbps / td.down_gbps : 0;
    c.down_links = down[t];
    c.up_links = t < f.tiers ? up[t] : 0;
    c.down_tbps = tbps(c.down_links, td.down_gbps);
    c.up_tbps = t < f.tiers ? tbps(c.up_links, td.up_gbps) : 0;
    c.oversubscription = c.up_tbps > 0 ? c.down_tbps / c.up_tbps : 0;
    c.free_ports = 0;
    a.tiers.push_back(c);
  }
  // Free ports, switch by switch, in whole cages: a cage broken out for downlinks strands its unused
  // sub-ports, and downlinks and uplinks never share a cage.
  std::vector<int32_t> dn(f.nodes.size(), 0), upc(f.nodes.size(), 0);
  for (const Link& l : f.links) { ++dn[l.upper.value()]; ++upc[l.lower.value()]; }
  for (const ApplianceLink& a : f.appliance_links) ++dn[a.leaf.value()];  // appliance ports take leaf downlinks too
  for (uint32_t id = 0; id < f.nodes.size(); ++id) {
    const Node& n = f.nodes[id];
    if (n.role == NodeRole::Nic) continue;
    const TierDesign& td = f.tier[n.tier];
    const SwitchModel& m = *td.model;
    auto& c = a.tiers[n.tier - 1];
    if (m.role == SwitchRole::FabricElement) {
      const int64_t used = static_cast<int64_t>(dn[id]) * td.down_gbps / std::max<int64_t>(1, m.fabric_link_gbps);
      c.free_ports += (m.fabric_links - used) * m.fabric_link_gbps / std::max<int64_t>(1, td.down_gbps);
      continue;
    }
    const int64_t per_down = std::max<int64_t>(1, m.cage_gbps / td.down_gbps);
    const int64_t down_cages = (dn[id] + per_down - 1) / per_down;
    int64_t up_cages = 0, stranded_up = 0;
    if (m.role == SwitchRole::Packet && td.up_gbps > 0) {
      const int64_t per_up = std::max<int64_t>(1, m.cage_gbps / td.up_gbps);
      up_cages = (upc[id] + per_up - 1) / per_up;
      stranded_up = (up_cages * per_up - upc[id]) * td.up_gbps / td.down_gbps;
    }
    c.free_ports += std::max<int64_t>(0, m.cages - down_cages - up_cages) * per_down + (down_cages * per_down - dn[id]) + stranded_up;
  }
  a.host_tbps = tbps(f.nic_count() * f.planes, f.host_link_gbps);
  // Bisection: the narrowest tier cut, halved (any half of the endpoints talking to the other half).
  double narrow = a.host_tbps;
  for (const auto& c : a.tiers) if (c.up_tbps > 0) narrow = std::min(narrow, c.up_tbps);
  if (f.tiers == 1) narrow = a.host_tbps;
  a.bisection_tbps = narrow / 2.0;
  if (f.topology == Topology::RailOnly) {
    a.bisection_note = "rail-only: the network joins only NICs of the same rail; traffic between rails must cross the scale-up domain, "
                       "so the figure is per-rail bandwidth summed over rails";
  } else if (a.bisection_tbps + 1e-9 < a.host_tbps / 2.0) {
    a.bisection_note = fmt::format("{:.2f}:1 below full bisection (oversubscribed)", a.host_tbps / 2.0 / a.bisection_tbps);
  } else {
    a.bisection_note = "full bisection (non-blocking)";
  }
}

void scale_limits(Plan& plan, const Catalog& catalog) {
  const Fabric& f = plan.fabric;
  Analysis& a = plan.analysis;
  a.scale.clear();
  const int64_t per_nic_xpus_num = f.server->xpus, per_nic_xpus_den = f.nics_per_server;
  auto xpus_of = [&](int64_t endpoints) {
    // Every NIC joins every plane: endpoints per plane bound the NICs; rail-only counts per rail (one NIC per server).
    return f.topology == Topology::RailOnly ? endpoints * f.server->xpus : endpoints * per_nic_xpus_num / per_nic_xpus_den;
  };
  if (f.architecture == Architecture::SwitchScheduled) {
    const SwitchModel& fe = *f.tier[2].model;
    ScaleRow row;
    row.planes = f.planes;
    row.link_gbps = f.host_link_gbps;
    row.radix = f.tier[1].model->ports_at(f.host_link_gbps);
    row.max_endpoints_2 = static_cast<int64_t>(fe.fabric_links) * f.tier[1].down_ports;
    row.max_xpus_2 = xpus_of(row.max_endpoints_2);
    a.scale.push_back(row);
    a.next_tier_at_xpus = row.max_xpus_2 + 1;
    return;
  }
  const FabricSpec& fs = plan.spec.fabric;
  const SwitchModel& leaf = *f.tier[1].model;
  const SwitchModel* spine = catalog.find_switch(fs.spine_switch);
  const SwitchModel* core = catalog.find_switch(fs.core_switch);
  if (!spine) spine = &leaf;
  if (!core) core = spine;
  const bool bo = plan.spec.optics.breakouts;
  auto row_of = [&](int planes, const ClosLimits& l) {
    ScaleRow row;
    row.planes = planes;
    row.link_gbps = l.host_gbps;
    row.radix = l.leaf_ports;
    row.max_endpoints_1 = l.max1;
    row.max_endpoints_2 = l.max2;
    row.max_endpoints_3 = l.max3;
    row.max_xpus_2 = xpus_of(l.max2);
    row.max_xpus_3 = xpus_of(l.max3);
    return row;
  };
  // This design's own row (its rates and usable downlinks), then the same switches at other plane counts.
  a.scale.push_back(row_of(f.planes, f.limits));
  const int64_t nic = f.nic->port_gbps;
  for (int p : {1, 2, 4, 8, 16}) {
    if (nic % p != 0 || (p == f.planes && nic / p == f.host_link_gbps)) continue;
    const int64_t r = nic / p;
    if (!std::count(f.nic->breakouts.begin(), f.nic->breakouts.end(), p)) continue;
    const int64_t g = fs.uplink_gbps > 0 ? fs.uplink_gbps : r;
    const int64_t g3 = fs.core_link_gbps > 0 ? fs.core_link_gbps : g;
    if (leaf.ports_at(r) == 0 || spine->ports_at(g) == 0 || spine->ports_at(g3) == 0 || core->ports_at(g3) == 0) continue;
    if (!bo && (r != leaf.cage_gbps || g != spine->cage_gbps || g3 != core->cage_gbps)) continue;
    const ClosChoice choice{r, g, g3, fs.oversubscription_leaf, fs.oversubscription_spine, bo, f.topology, f.nics_per_server, fs.scalable_unit_servers};
    a.scale.push_back(row_of(p, clos_limits(leaf, *spine, *core, choice)));
  }
  std::stable_sort(a.scale.begin() + 1, a.scale.end(), [](const ScaleRow& x, const ScaleRow& y) { return x.planes < y.planes; });
  const ScaleRow& me = a.scale.front();
  a.next_tier_at_xpus = (f.tiers == 1 ? xpus_of(me.max_endpoints_1) : f.tiers == 2 ? me.max_xpus_2 : me.max_xpus_3) + 1;
}

void failure_domains(Plan& plan) {
  const Fabric& f = plan.fabric;
  Analysis& a = plan.analysis;
  a.failures.clear();
  const int64_t xpn = f.server->xpus / std::max(1, f.nics_per_server);  // XPUs behind one NIC
  // The most loaded leaf.
  std::vector<uint32_t> leaf_down(f.nodes.size(), 0);
  for (const Link& l : f.links) if (l.tier == 1) ++leaf_down[l.upper.value()];
  const uint32_t worst = *std::max_element(leaf_down.begin(), leaf_down.end());
  FailureDomain leaf;
  leaf.element = fmt::format("one {}", to_string(f.tier[1].role));
  const int64_t nics_hit = worst;
  if (f.planes == 1) {
    // Rail designs: every server in the unit loses one NIC; ToR: whole servers lose every NIC.
    if (f.topology == Topology::Clos) {
      leaf.xpus_cut_off = nics_hit * xpn;
      leaf.explanation = fmt::format("{} NICs ({} servers) lose their only back-end link", nics_hit, nics_hit / std::max(1, f.nics_per_server));
    } else {
      leaf.xpus_cut_off = nics_hit * xpn;
      leaf.explanation = fmt::format("{} servers each lose one rail NIC; their {} XPUs on that rail lose direct back-end access "
                                     "(traffic can detour through the scale-up domain to another rail's NIC, at reduced bandwidth)",
                                     nics_hit, nics_hit * xpn);
    }
  } else {
    leaf.xpus_degraded = nics_hit * xpn;
    leaf.explanation = fmt::format("{} NICs lose 1 of {} plane links ({:.1f}% of their bandwidth); nothing is cut off", nics_hit, f.planes, 100.0 / f.planes);
  }
  const double host_links = static_cast<double>(f.nic_count() * f.planes);
  leaf.fabric_bandwidth_lost_pct = 100.0 * worst / host_links;
  leaf.local_bandwidth_lost_pct = leaf.fabric_bandwidth_lost_pct * f.planes;
  a.failures.push_back(leaf);
  for (int t = 2; t <= f.tiers; ++t) {
    FailureDomain d;
    d.element = fmt::format("one {}", to_string(f.tier[t].role));
    int64_t tier_links = 0;
    std::vector<uint32_t> deg(f.nodes.size(), 0);
    for (const Link& l : f.links) if (l.tier == t) { ++tier_links; ++deg[l.upper.value()]; }
    const uint32_t w = *std::max_element(deg.begin(), deg.end());
    d.fabric_bandwidth_lost_pct = 100.0 * w / static_cast<double>(tier_links);
    const int64_t per_plane = f.tier[t].per_plane;
    // The failed switch's own plane, or rail for rail-only (traffic cannot move to another rail's spines).
    const int64_t partitions = f.topology == Topology::RailOnly ? f.nics_per_server : 1;
    const double local_links = static_cast<double>(tier_links) / static_cast<double>(f.planes * partitions);
    d.local_bandwidth_lost_pct = 100.0 * w / local_links;
    d.explanation = fmt::format("{} of {} {} links in the fabric ({} per plane, {} planes): the tier below loses {:.2f}% of its uplink capacity "
                                "fabric-wide, {:.2f}% within its {}{}",
                                w, tier_links, to_string(f.tier[t].role), per_plane, f.planes, d.fabric_bandwidth_lost_pct,
                                d.local_bandwidth_lost_pct, partitions > 1 ? "rail" : f.planes > 1 ? "plane" : "fabric",
                                f.tiers == 3 && t == 2 ? "; its own pod loses more" : "");
    a.failures.push_back(d);
  }
  if (f.planes > 1) {
    FailureDomain p;
    p.element = "one plane";
    p.xpus_degraded = f.xpus();
    p.fabric_bandwidth_lost_pct = 100.0 / f.planes;
    p.local_bandwidth_lost_pct = 100.0;
    p.explanation = fmt::format("every XPU keeps {} of {} planes ({:.1f}% of its back-end bandwidth); nothing is cut off", f.planes - 1, f.planes,
                                100.0 * (f.planes - 1) / f.planes);
    a.failures.push_back(p);
  }
}

// Zero-load latency of the typical path of each class, with a 4 KiB MTU: the first packet's serialisation once through
// cut-through switches, again at every switch that stores it (store-and-forward, or onto a faster link).
void latency_paths(Plan& plan) {
  const Fabric& f = plan.fabric;
  Analysis& a = plan.analysis;
  a.latency.clear();
  // Typical (mean) length and most common medium per tier.
  std::vector<double> mean(static_cast<size_t>(f.tiers + 1), 0);
  std::vector<int64_t> mod_ns(static_cast<size_t>(f.tiers + 1), 0);
  for (const auto& s : plan.link_stats) mean[s.tier] = s.mean_m;
  for (int t = 1; t <= f.tiers; ++t) {
    std::vector<int64_t> uses(plan.choices.size(), 0);
    for (size_t i = 0; i < f.links.size(); ++i) if (f.links[i].tier == t) ++uses[plan.link_choice[i]];
    const size_t best = static_cast<size_t>(std::max_element(uses.begin(), uses.end()) - uses.begin());
    mod_ns[t] = plan.choices.empty() ? 0 : plan.choices[best].latency_ns;
  }
  const Picoseconds ser = serialisation_time(wire_format(f).packet_bytes(), gbps(f.host_link_gbps));
  auto make = [&](const std::string& name, int up_to_tier) {
    LatencyPath p;
    p.name = name;
    p.serialisation = ser;
    for (int t = 1; t <= up_to_tier; ++t) {
      // Up and down through tier t: two links of tier t.
      p.links += 2;
      p.propagation += Picoseconds(static_cast<int64_t>(std::llround(2 * mean[t] * kPropagationPsPerMetre)));
      p.modules += ns(2 * mod_ns[t]);
    }
    p.switches = 2 * up_to_tier - 1;
    for (int t = 1; t <= up_to_tier; ++t) {
      const int64_t sw = f.tier[t].model->latency_ns;
      p.switching += ns(t == up_to_tier ? sw : 2 * sw);
    }
    // A switch that stores the packet (store-and-forward, or onto a faster link) serialises it again.
    auto rate = [&](int t) { return t <= 1 || f.tier[t - 1].up_gbps <= 0 ? f.host_link_gbps : f.tier[t - 1].up_gbps; };
    std::vector<int> links;
    for (int t = 1; t <= up_to_tier; ++t) links.push_back(t);
    for (int t = up_to_tier; t >= 1; --t) links.push_back(t);
    for (size_t k = 0; k + 1 < links.size(); ++k) {
      const int at = std::min(links[k], links[k + 1]);  // leaf between tiers 1 and 2, spine between two tier-2 links
      const int64_t in = rate(links[k]), out = rate(links[k + 1]);
      if (!f.tier[at].model->cut_through || out > in) p.serialisation += serialisation_time(wire_format(f).packet_bytes(), gbps(out));
    }
    a.latency.push_back(p);
  };
  make(fmt::format("same {}", to_string(f.tier[1].role)), 1);
  if (f.tiers >= 2) make(f.tiers == 3 ? "same pod (via spine)" : fmt::format("via {}", to_string(f.tier[2].role)), 2);
  if (f.tiers >= 3) make("across pods (via core)", 3);
}

}  // namespace

void analyse(Plan& plan, const Catalog& catalog) {
  tier_capacities(plan);
  scale_limits(plan, catalog);
  failure_domains(plan);
  latency_paths(plan);
}

}  // namespace aifabric
