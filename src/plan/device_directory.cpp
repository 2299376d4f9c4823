// Device names, racks, rack units and the cage and sub-port of every link end, by the scheme device_directory.h states.
#include "plan/device_directory.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/args.h>
#include <fmt/format.h>

namespace aifabric {

namespace {

bool rail_design(const Fabric& f) { return f.topology != Topology::Clos && f.scalable_unit_servers > 0; }

// `t`'s text with these placeholders, or `fallback` when the spec gives no template.
std::string named(const NameTemplate& t, std::string fallback, std::initializer_list<std::pair<const char*, int64_t>> args) {
  if (t.text.empty()) return fallback;
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& [k, v] : args) store.push_back(fmt::arg(k, v));
  return fmt::vformat(t.text, store);
}

std::string server_name(const Fabric& f, const NameTemplate& t, int64_t s) {
  const int64_t su = rail_design(f) ? f.scalable_unit_servers : 0;
  const int64_t unit = su > 0 ? s / su : 0, j = su > 0 ? s % su : s;
  return named(t, su > 0 ? fmt::format("su{}-srv{}", unit, j) : fmt::format("srv{}", s), {{"n", s}, {"unit", unit}, {"j", j}});
}

std::string port_name(FormFactor ff, uint32_t cage, uint32_t sub) {
  std::string p(to_string(ff));
  p.erase(std::remove(p.begin(), p.end(), '-'), p.end());
  return sub > 0 ? fmt::format("{}{}/{}", p, cage, sub) : fmt::format("{}{}", p, cage);
}

}  // namespace

DeviceDirectory::DeviceDirectory(const Plan& plan) {
  const Fabric& f = plan.fabric;
  // Racks: r<row>-<position along the row, 1-based>.
  rack_names_.resize(plan.racks.size());
  std::map<int, std::vector<uint32_t>> rows;
  for (uint32_t i = 0; i < plan.racks.size(); ++i) rows[plan.racks[i].row].push_back(i);
  for (auto& [row, racks] : rows) {
    std::stable_sort(racks.begin(), racks.end(), [&](uint32_t a, uint32_t b) { return plan.racks[a].x_m < plan.racks[b].x_m; });
    for (size_t k = 0; k < racks.size(); ++k) {
      rack_names_[racks[k]] = named(plan.spec.names.rack, fmt::format("r{}-{}", row, k + 1), {{"row", row}, {"pos", static_cast<int64_t>(k + 1)}});
    }
  }
  std::vector<int> next_u(plan.racks.size(), 1);
  auto rack_up = [&](uint32_t rack, int height) {
    const int u = next_u[rack];
    next_u[rack] += height;
    return u;
  };
  // Servers, in the racks placement filled (servers_per_rack each, from the bottom).
  node_device_.assign(f.nodes.size(), 0);
  const int64_t spr = plan.spec.layout.servers_per_rack;
  for (int64_t s = 0; s < f.servers; ++s) {
    const uint32_t rack = static_cast<uint32_t>(s / spr);
    devices_.push_back({server_name(f, plan.spec.names.server, s), "server", f.server->name, rack, rack_up(rack, f.server->height_ru), f.server->height_ru});
  }
  for (int64_t e = 0; e < f.nic_count(); ++e) node_device_[e] = static_cast<uint32_t>(e / f.nics_per_server);
  // Rails and units of leaves (rail designs), from the NICs below them.
  std::vector<int> rail(f.nodes.size(), -1);
  for (const Link& l : f.links) {
    if (l.tier == 1 && rail[l.upper.value()] < 0) rail[l.upper.value()] = static_cast<int>(l.lower.value() % static_cast<uint32_t>(f.nics_per_server));
  }
  std::map<std::tuple<int, uint32_t, int>, int> per_rail;  // (plane, unit, rail) -> leaves named so far
  std::map<std::tuple<int, int, uint32_t>, uint32_t> first_in_group;  // (plane, tier, group) -> its first switch's index
  for (uint32_t id = static_cast<uint32_t>(f.nic_count()); id < f.nodes.size(); ++id) {
    const Node& n = f.nodes[id];
    const std::string p = fmt::format("p{}", n.plane);
    const uint32_t first = first_in_group.emplace(std::make_tuple(static_cast<int>(n.plane), static_cast<int>(n.tier), n.group), n.index).first->second;
    std::string name;
    const NamesSpec& nm = plan.spec.names;
    const int64_t pl = n.plane;
    switch (n.role) {
      case NodeRole::Leaf:
        if (rail_design(f) && rail[id] >= 0) {
          const int k = per_rail[{n.plane, n.group, rail[id]}]++;
          const bool several = f.tier[1].down_ports < f.scalable_unit_servers;
          name = named(nm.leaf, several ? fmt::format("{}-su{}-leaf-rail{}-{}", p, n.group, rail[id], k) : fmt::format("{}-su{}-leaf-rail{}", p, n.group, rail[id]),
                       {{"plane", pl}, {"l", n.index}, {"unit", n.group}, {"rail", rail[id]}, {"k", k}});
        } else {
          name = named(nm.leaf, fmt::format("{}-leaf{}", p, n.index), {{"plane", pl}, {"l", n.index}, {"unit", n.group}, {"rail", 0}, {"k", 0}});
        }
        break;
      case NodeRole::Spine: {
        const int64_t j = n.index - first;
        const std::string fallback = f.tiers == 3 ? fmt::format("{}-pod{}-spine{}", p, n.group, j)
                                     : f.topology == Topology::RailOnly ? fmt::format("{}-rail{}-spine{}", p, n.group, j)
                                                                        : fmt::format("{}-spine{}", p, n.index);
        name = named(nm.spine, fallback, {{"plane", pl}, {"i", n.index}, {"pod", f.tiers == 3 ? n.group : 0}, {"rail", f.topology == Topology::RailOnly ? n.group : 0},
                                          {"j", j}});
        break;
      }
      case NodeRole::Core:
        name = named(nm.core, fmt::format("{}-cg{}-core{}", p, n.group, n.index - first), {{"plane", pl}, {"g", n.group}, {"i", n.index - first}, {"index", n.index}});
        break;
      case NodeRole::LeafElement: name = fmt::format("{}-le{}", p, n.index); break;
      case NodeRole::FabricElement: name = fmt::format("{}-fe{}", p, n.index); break;
      case NodeRole::Nic: break;
    }
    const SwitchModel& m = *f.tier[n.tier].model;
    const uint32_t rack = plan.node_rack[id];
    node_device_[id] = static_cast<uint32_t>(devices_.size());
    devices_.push_back({std::move(name), std::string(to_string(n.role)), m.name, rack, rack_up(rack, m.height_ru), m.height_ru});
  }
  // Appliances: one device per appliance (per unit for per-unit ones), in the rack of the leaf its first port uses.
  appliance_device_.resize(f.appliance_names.size());
  for (const ApplianceLink& a : f.appliance_links) {
    auto& units = appliance_device_[a.appliance];
    if (units.size() <= a.unit) units.resize(a.unit + 1, ~0u);
    if (units[a.unit] != ~0u) continue;
    const bool per_unit = plan.spec.fabric.appliances[a.appliance].per_unit;
    const std::string& nm = f.appliance_names[a.appliance];
    const uint32_t rack = plan.node_rack[a.leaf.value()];
    units[a.unit] = static_cast<uint32_t>(devices_.size());
    devices_.push_back({per_unit ? fmt::format("su{}-{}", a.unit, nm) : nm, "appliance", nm, rack, rack_up(rack, 1), 1});
  }
}

void DeviceDirectory::check_unique(const NamesSpec& names) const {
  // The template that named a device of this role (appliances and cell-fabric elements have none).
  auto template_of = [&](const std::string& role) -> const NameTemplate* {
    if (role == "server") return &names.server;
    if (role == "leaf") return &names.leaf;
    if (role == "spine") return &names.spine;
    if (role == "core") return &names.core;
    return nullptr;
  };
  std::unordered_map<std::string, uint32_t> seen;
  seen.reserve(devices_.size());
  for (uint32_t i = 0; i < devices_.size(); ++i) {
    const auto [it, fresh] = seen.emplace(devices_[i].name, i);
    if (fresh) continue;
    const Device& other = devices_[it->second];
    const NameTemplate* t = template_of(devices_[i].role);
    if (!t || t->text.empty()) t = template_of(other.role);
    const std::string role = t == &names.server ? "server" : t == &names.leaf ? "leaf" : t == &names.spine ? "spine" : "core";
    throw InputError(t ? t->where : SourceLocation{}, fmt::format("names.{}", role),
                     fmt::format("'{}' names two devices ({} and another {}): add a placeholder that tells them apart", devices_[i].name,
                                 devices_[i].role, other.role));
  }
  std::unordered_map<std::string, uint32_t> racks;
  for (uint32_t i = 0; i < rack_names_.size(); ++i) {
    if (!racks.emplace(rack_names_[i], i).second) {
      throw InputError(names.rack.where, "names.rack", fmt::format("'{}' names two racks: use {{row}} and {{pos}}", rack_names_[i]));
    }
  }
}

uint32_t DeviceDirectory::device_of_appliance(const ApplianceLink& a) const { return appliance_device_[a.appliance][a.unit]; }

std::vector<LinkEnds> link_ends(const Plan& plan, const DeviceDirectory& dir) {
  const Fabric& f = plan.fabric;
  std::vector<LinkEnds> out(f.links.size() + f.appliance_links.size());
  // Per tier: how a switch's downlink cages split, and where its uplinks' cages start.
  std::array<uint32_t, kMaxTiers + 1> down_split{}, up_base{};
  for (int t = 1; t <= f.tiers; ++t) {
    const TierDesign& td = f.tier[t];
    down_split[t] = static_cast<uint32_t>(std::max<int64_t>(1, upper_profile(f, t).cage_gbps / std::max<int64_t>(1, td.down_gbps)));
    up_base[t] = (static_cast<uint32_t>(td.down_ports) + down_split[t] - 1) / down_split[t];
  }
  std::vector<uint32_t> down_slot(f.nodes.size(), 0), up_slot(f.nodes.size(), 0);
  const CageProfile nic = cage_profile(*f.nic);
  auto nic_end = [&](uint32_t device, uint32_t cage, uint32_t gbps, uint16_t plane) {
    const uint32_t split = static_cast<uint32_t>(std::max<int64_t>(1, nic.cage_gbps / gbps));
    const uint32_t sub = split > 1 ? plane % split + 1 : 0;
    return PortRef{device, port_name(nic.form_factor, cage, sub), cage, sub};
  };
  auto switch_down = [&](NodeId node, int tier, uint32_t gbps) {
    const CageProfile p = upper_profile(f, tier);
    const uint32_t split = static_cast<uint32_t>(std::max<int64_t>(1, p.cage_gbps / gbps));
    const uint32_t slot = down_slot[node.value()]++;
    const uint32_t cage = slot / split + 1, sub = split > 1 ? slot % split + 1 : 0;
    return PortRef{dir.device_of_node(node), port_name(p.form_factor, cage, sub), cage, sub};
  };
  for (size_t i = 0; i < f.links.size(); ++i) {
    const Link& l = f.links[i];
    LinkEnds& e = out[i];
    const Node& lo = f.nodes[l.lower.value()];
    if (lo.role == NodeRole::Nic) {
      e.lower = nic_end(dir.device_of_node(l.lower), lo.index % static_cast<uint32_t>(f.nics_per_server) + 1, l.gbps, l.plane);
    } else {
      const CageProfile p = lower_profile(f, l.tier);
      const uint32_t split = static_cast<uint32_t>(std::max<int64_t>(1, p.cage_gbps / l.gbps));
      const uint32_t slot = up_slot[l.lower.value()]++;
      const uint32_t cage = up_base[lo.tier] + slot / split + 1, sub = split > 1 ? slot % split + 1 : 0;
      e.lower = {dir.device_of_node(l.lower), port_name(p.form_factor, cage, sub), cage, sub};
    }
    e.upper = switch_down(l.upper, l.tier, l.gbps);
  }
  for (size_t i = 0; i < f.appliance_links.size(); ++i) {
    const ApplianceLink& a = f.appliance_links[i];
    LinkEnds& e = out[f.links.size() + i];
    e.lower = nic_end(dir.device_of_appliance(a), a.port + 1, a.gbps, a.plane);
    e.upper = switch_down(a.leaf, 1, a.gbps);
  }
  return out;
}

}  // namespace aifabric
