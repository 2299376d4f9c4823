// Bill of materials, power per rack, fibres and connectors, cost: counted link by link from the plan.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "plan/fibre_cabling.h"
#include "plan/plan.h"

namespace aifabric {

namespace {

// Connector ends on one module, from its connector text ("2x MPO-12/APC", "duplex LC", "MPO-16").
void count_connectors(const Part& p, int64_t modules, FiberSummary& fs) {
  if (p.connector.empty()) return;
  const int mult = p.connectors();
  if (p.connector.find("MPO") != std::string::npos) fs.mpo_ends += modules * mult;
  else if (p.connector.find("LC") != std::string::npos) fs.lc_ends += modules * mult;
}

int64_t with_spares(int64_t n, double pct) { return static_cast<int64_t>(std::ceil(static_cast<double>(n) * pct / 100.0 - 1e-9)); }

std::string tier_label(const Fabric& f, int tier) {
  return fmt::format("{}-{}", tier == 1 ? "nic" : std::string(to_string(f.tier[tier - 1].role)), to_string(f.tier[tier].role));
}

}  // namespace

void count_materials(Plan& plan) {
  const Fabric& f = plan.fabric;
  const SparesSpec& sp = plan.spec.spares;
  for (auto& r : plan.racks) { r.it_power_w = 0; r.optics_power_w = 0; }
  plan.power = {};
  plan.power.pue = plan.spec.power.pue;
  plan.fibers = {};
  plan.bom.clear();

  // Servers.
  if (plan.spec.power.include_servers) {
    for (auto& r : plan.racks) {
      if (r.kind == RackKind::Server) r.it_power_w += static_cast<double>(r.servers) * f.server->power_w;
    }
    plan.power.servers_w = static_cast<double>(f.servers) * f.server->power_w;
  }
  plan.cost_servers_usd = static_cast<double>(f.servers) * f.server->price_usd;

  // Switches.
  plan.cost_network_usd = 0;
  for (int t = 1; t <= f.tiers; ++t) {
    const SwitchModel& m = *f.tier[t].model;
    const int64_t n = f.switch_count(t);
    BomLine b{m.name, "switch", std::string(to_string(f.tier[t].role)), n, with_spares(n, sp.switches_pct), m.system_power_w, m.price_usd};
    plan.bom.push_back(b);
    plan.cost_network_usd += static_cast<double>(n + b.spares) * m.price_usd;
  }
  for (uint32_t id = 0; id < f.nodes.size(); ++id) {
    const Node& n = f.nodes[id];
    if (n.role == NodeRole::Nic) continue;
    const double w = f.tier[n.tier].model->system_power_w;
    plan.racks[plan.node_rack[id]].it_power_w += w;
    plan.power.switches_w += w;
  }

  // Links: modules at each end (breakout modules shared by the links of one cage), cables whole.
  struct Count { int64_t links = 0; int64_t units = 0; };
  std::vector<std::array<Count, 3>> per_choice(plan.choices.size());  // [cable, lower, upper] per choice and tier
  std::vector<int> choice_tier(plan.choices.size(), 0);
  std::unordered_map<uint64_t, uint32_t> shared;  // (node, choice, end) -> sub-links, for split ends
  shared.reserve(1024);
  // Fibre cables between the modules, by the rule the cable schedule follows (fibre_cabling.h).
  std::vector<FibreCabling> cabling(plan.choices.size());
  for (size_t ci = 0; ci < plan.choices.size(); ++ci) cabling[ci] = fibre_cabling(plan.choices[ci]);
  std::vector<int64_t> fibre_cables(plan.choices.size(), 0);
  std::unordered_map<uint64_t, uint32_t> fibre_groups;  // (node at the splitter's end, choice) -> links
  auto add_fibre = [&](uint16_t ci, uint64_t lower_end, uint64_t upper_end) {
    const FibreCabling& fc = cabling[ci];
    if (fc.split_end < 0) fibre_cables[ci] += fc.per_link;
    else ++fibre_groups[((fc.split_end == 0 ? lower_end : upper_end) << 17) | (static_cast<uint64_t>(ci) << 1)];
  };
  auto rack_of = [&](NodeId n) -> Rack& { return plan.racks[plan.node_rack[n.value()]]; };
  auto add_power = [&](Rack& r, double w) { r.it_power_w += w; r.optics_power_w += w; plan.power.optics_w += w; };
  for (size_t i = 0; i < f.links.size(); ++i) {
    const Link& l = f.links[i];
    const uint16_t ci = plan.link_choice[i];
    const LinkChoice& c = plan.choices[ci];
    choice_tier[ci] = l.tier;
    auto& cnt = per_choice[ci];
    if (c.cable) {
      ++cnt[0].links;
      const int split = std::max(c.lower_split, c.upper_split);
      if (split == 1) {
        ++cnt[0].units;
      } else {
        const NodeId whole = c.lower_split > 1 ? l.lower : l.upper;
        ++shared[(static_cast<uint64_t>(whole.value()) << 17) | (static_cast<uint64_t>(ci) << 1)];
      }
      add_power(rack_of(l.lower), c.power_w / 2);
      add_power(rack_of(l.upper), c.power_w / 2);
      continue;
    }
    for (int end = 0; end < 2; ++end) {
      const Part& p = end == 0 ? *c.lower : *c.upper;
      const int split = end == 0 ? c.lower_split : c.upper_split;
      const NodeId node = end == 0 ? l.lower : l.upper;
      ++cnt[1 + end].links;
      if (split == 1) {
        ++cnt[1 + end].units;
        add_power(rack_of(node), p.power_w);
      } else {
        ++shared[(static_cast<uint64_t>(node.value()) << 17) | (static_cast<uint64_t>(ci) << 1) | static_cast<uint64_t>(end)];
      }
    }
    (c.lower->fiber == FiberType::Multimode ? plan.fibers.strands_mmf : plan.fibers.strands_smf) += c.fibers;
    add_fibre(ci, l.lower.value(), l.upper.value());
  }
  // Appliance ports: the leaf end shares its cage group with the NIC links there; the appliance end is a NIC-like cage
  // of its own (one per appliance port, shared by the planes as a NIC's is), powered in the leaf's rack where it stands.
  std::unordered_map<uint64_t, NodeId> appliance_leaf;  // an appliance's own end -> the leaf whose rack it stands in
  for (size_t i = 0; i < f.appliance_links.size(); ++i) {
    const ApplianceLink& a = f.appliance_links[i];
    const uint16_t ci = plan.appliance_choice[i];
    const LinkChoice& c = plan.choices[ci];
    const uint64_t appliance_end = f.nodes.size() + (static_cast<uint64_t>(a.appliance) << 32) + (static_cast<uint64_t>(a.unit) << 16) + a.port;
    appliance_leaf.emplace(appliance_end, a.leaf);
    auto& cnt = per_choice[ci];
    Rack& rack = rack_of(a.leaf);
    if (c.cable) {
      ++cnt[0].links;
      const int split = std::max(c.lower_split, c.upper_split);
      if (split == 1) ++cnt[0].units;
      else ++shared[((c.lower_split > 1 ? appliance_end : a.leaf.value()) << 17) | (static_cast<uint64_t>(ci) << 1)];
      add_power(rack, c.power_w);
      continue;
    }
    for (int end = 0; end < 2; ++end) {
      const int split = end == 0 ? c.lower_split : c.upper_split;
      ++cnt[1 + end].links;
      if (split == 1) {
        ++cnt[1 + end].units;
        add_power(rack, (end == 0 ? c.lower : c.upper)->power_w);
      } else {
        ++shared[((end == 0 ? appliance_end : a.leaf.value()) << 17) | (static_cast<uint64_t>(ci) << 1) | static_cast<uint64_t>(end)];
      }
    }
    (c.lower->fiber == FiberType::Multimode ? plan.fibers.strands_mmf : plan.fibers.strands_smf) += c.fibers;
    add_fibre(ci, appliance_end, a.leaf.value());
  }
  for (const auto& [key, links] : fibre_groups) {
    const uint16_t ci = static_cast<uint16_t>((key >> 1) & 0xffff);
    fibre_cables[ci] += (links + cabling[ci].links_per_cable - 1) / cabling[ci].links_per_cable;
  }
  // Shared (breakout) ends: whole modules or cables per cage group, in a deterministic order.
  std::vector<std::pair<uint64_t, uint32_t>> groups(shared.begin(), shared.end());
  std::sort(groups.begin(), groups.end());
  for (const auto& [key, sublinks] : groups) {
    const uint64_t at = key >> 17;
    const NodeId node = at < f.nodes.size() ? NodeId(static_cast<uint32_t>(at)) : appliance_leaf.at(at);  // an appliance stands by its leaf
    const uint16_t ci = static_cast<uint16_t>((key >> 1) & 0xffff);
    const int end = static_cast<int>(key & 1);
    const LinkChoice& c = plan.choices[ci];
    if (c.cable) {
      const int split = std::max(c.lower_split, c.upper_split);
      per_choice[ci][0].units += (sublinks + split - 1) / split;
      continue;
    }
    const Part& p = end == 0 ? *c.lower : *c.upper;
    const int split = end == 0 ? c.lower_split : c.upper_split;
    const int64_t modules = (sublinks + split - 1) / split;
    per_choice[ci][1 + end].units += modules;
    add_power(rack_of(node), static_cast<double>(modules) * p.power_w);
  }
  for (size_t ci = 0; ci < plan.choices.size(); ++ci) {
    const LinkChoice& c = plan.choices[ci];
    const std::string tl = tier_label(f, choice_tier[ci]);
    auto push = [&](const Part& p, int64_t units, const std::string& where, double spare_pct, int split) {
      if (units == 0) return;
      BomLine b{p.name, std::string(to_string(p.kind)), where, units, with_spares(units, spare_pct), p.power_w, p.price_usd, split};
      plan.cost_network_usd += static_cast<double>(units + b.spares) * p.price_usd;
      if (p.kind == PartKind::Transceiver) {
        plan.fibers.optical_modules += units;
        plan.fibers.module_fiber_positions += units * p.fibers;
        count_connectors(p, units, plan.fibers);
      }
      plan.bom.push_back(std::move(b));
    };
    if (c.cable) {
      push(*c.cable, per_choice[ci][0].units, tl, sp.cables_pct, std::max(c.lower_split, c.upper_split));
    } else {
      const std::string lo = choice_tier[ci] == 1 ? "nic" : std::string(to_string(f.tier[choice_tier[ci] - 1].role));
      push(*c.lower, per_choice[ci][1].units, tl + " (" + lo + " end)", sp.modules_pct, c.lower_split);
      push(*c.upper, per_choice[ci][2].units, tl + " (" + std::string(to_string(f.tier[choice_tier[ci]].role)) + " end)", sp.modules_pct, c.upper_split);
      if (fibre_cables[ci] > 0) {
        // Fibre cables: counted whole, priced by the installer's quote (not modelled: no public list prices).
        const int64_t n = fibre_cables[ci];
        plan.bom.push_back({cabling[ci].item, "fibre", tl, n, with_spares(n, sp.cables_pct), 0, 0, cabling[ci].links_per_cable});
      }
    }
  }

  flag_racks(plan);

  // Link length statistics per tier.
  plan.link_stats.assign(static_cast<size_t>(f.tiers), {});
  for (int t = 1; t <= f.tiers; ++t) {
    auto& s = plan.link_stats[t - 1];
    s.tier = t;
    s.min_m = 1e18;
  }
  std::vector<std::vector<int64_t>> tier_choice_links(static_cast<size_t>(f.tiers), std::vector<int64_t>(plan.choices.size(), 0));
  for (size_t i = 0; i < f.links.size(); ++i) {
    auto& s = plan.link_stats[f.links[i].tier - 1];
    const double len = plan.link_length_m[i];
    ++s.links;
    s.gbps = f.links[i].gbps;
    s.min_m = std::min(s.min_m, len);
    s.max_m = std::max(s.max_m, len);
    s.mean_m += len;
    ++tier_choice_links[f.links[i].tier - 1][plan.link_choice[i]];
  }
  if (!plan.link_stats.empty()) plan.link_stats[0].appliance_links = static_cast<int64_t>(f.appliance_links.size());
  for (size_t ci = 0; ci < plan.choices.size(); ++ci) {
    const int t = choice_tier[ci];
    if (t >= 1 && t <= f.tiers) plan.link_stats[t - 1].cables += plan.choices[ci].cable ? per_choice[ci][0].units : fibre_cables[ci];
  }
  for (int t = 1; t <= f.tiers; ++t) {
    auto& s = plan.link_stats[t - 1];
    if (s.links > 0) s.mean_m /= static_cast<double>(s.links);
    else s.min_m = 0;
    for (size_t ci = 0; ci < plan.choices.size(); ++ci) {
      if (tier_choice_links[t - 1][ci] > 0) s.by_choice[plan.choices[ci].label()] += tier_choice_links[t - 1][ci];
    }
  }
}

void flag_racks(Plan& plan) {
  plan.racks_over_power.clear();
  plan.racks_over_cooling.clear();
  for (uint32_t i = 0; i < plan.racks.size(); ++i) {
    const double kw = plan.racks[i].it_power_w / 1000.0;
    if (kw > plan.spec.power.rack_power_limit_kw + 1e-9) plan.racks_over_power.push_back(i);
    if (kw > plan.spec.power.rack_air_cooling_limit_kw + 1e-9) plan.racks_over_cooling.push_back(i);
  }
}

}  // namespace aifabric
