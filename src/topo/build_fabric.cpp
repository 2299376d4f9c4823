// Endpoint-scheduled fabric builder: leaf assignment (ToR, rail-optimised, rail-only), 1-3 tier Clos, planes.
#include "topo/build_fabric.h"

#include "topo/leaf_assignment.h"
#include "topo/upper_tiers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

namespace aifabric {

namespace {

std::string join_names(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

const SwitchModel& find_switch_or_fail(const Catalog& c, const std::string& name, const SourceLocation& where,
                                       const std::string& field) {
  const SwitchModel* s = c.find_switch(name);
  if (!s) throw InputError(where, field, fmt::format("unknown switch '{}'; catalog switches: {}", name, join_names(c.switch_names())));
  return *s;
}

// Ports of `s` at rate `gbps`, honouring the optics policy on breakouts.
int ports_at(const SwitchModel& s, int64_t gbps, bool breakouts) {
  if (!breakouts && gbps != s.cage_gbps) return 0;
  return s.ports_at(gbps);
}

struct TierPorts {
  int down = 0;
  int up = 0;
  int total = 0;  // ports at the down rate if everything ran at that rate
};

// Down/up ports of a switch for a downlink:uplink bandwidth ratio `o`, in whole cages: downlinks and
// uplinks never share a cage, so each side rounds up to cages of its own.
TierPorts split_ports(const SwitchModel& s, int64_t down_gbps, int64_t up_gbps, double o, bool breakouts) {
  TierPorts p;
  const int64_t cap = s.capacity_gbps();
  p.total = ports_at(s, down_gbps, breakouts);
  const int per_cage_down = std::max<int64_t>(1, s.cage_gbps / down_gbps);
  const int per_cage_up = std::max<int64_t>(1, s.cage_gbps / up_gbps);
  p.up = static_cast<int>(std::floor(static_cast<double>(cap) / (static_cast<double>(up_gbps) * (o + 1.0)) + 1e-9));
  p.down = static_cast<int>(std::floor(o * static_cast<double>(p.up * up_gbps) / static_cast<double>(down_gbps) + 1e-9));
  const int up_cages = (p.up + per_cage_up - 1) / per_cage_up;
  p.down = std::min(p.down, std::max(0, s.cages - up_cages) * per_cage_down);
  return p;
}

// The highest down:up ratio that still leaves one `up_gbps` uplink on switch `s` (split_ports' rule).
int64_t max_ratio_with_an_uplink(const SwitchModel& s, int64_t up_gbps) { return std::max<int64_t>(1, s.capacity_gbps() / up_gbps - 1); }

// The most undersubscribed 1:k (uplinks k times the downlinks' bandwidth) that still leaves one downlink.
int64_t min_ratio_with_a_downlink(const SwitchModel& s, int64_t down_gbps, int64_t up_gbps, bool breakouts) {
  for (int64_t k = 64; k > 1; --k) {
    if (split_ports(s, down_gbps, up_gbps, 1.0 / static_cast<double>(k), breakouts).down > 0) return k;
  }
  return 1;
}

// A down:up ratio as the architect writes it: 2:1, 1.5:1, 1:2.
std::string ratio_text(double o) { return o >= 1 ? fmt::format("{:g}:1", o) : fmt::format("1:{:g}", 1 / o); }

// Servers per pod from the spec (pod_xpus resolved against the server's XPUs); 0 when not given.
int64_t resolve_pod_servers(const ClusterSpec& spec, const ServerModel& server) {
  const FabricSpec& fs = spec.fabric;
  if (!fs.pod_given_as_xpus) return fs.pod_servers;
  if (fs.pod_servers % server.xpus != 0) {
    const int64_t lo = fs.pod_servers / server.xpus * server.xpus;
    throw InputError(fs.pod_where, "fabric.pod_xpus",
                     fmt::format("{} XPUs is not a whole number of {} servers ({} XPUs each); use {}{}", fs.pod_servers, server.name, server.xpus,
                                 lo > 0 ? fmt::format("{} or ", lo) : "", lo + server.xpus));
  }
  return fs.pod_servers / server.xpus;
}

// Leaves (per plane, per partition) a pod of `pod_servers` servers takes: whole leaves of whole servers (Clos) or whole
// scalable units (rail designs), no more than a spine's downlinks join.
int pod_leaves_for(const FabricSpec& fs, const detail::LeafPlan& lp, int unit_leaves, int leaf_down, int nics, int spine_down,
                   const std::string& spine_name, int64_t pod_servers) {
  const char* field = fs.pod_given_as_xpus ? "fabric.pod_xpus" : "fabric.pod_servers";
  const bool clos = fs.topology == Topology::Clos;
  const int64_t unit_servers = clos ? detail::servers_per_leaf(leaf_down, nics) : lp.su_servers;
  if (unit_servers <= 0) throw InputError(fs.pod_where, field, fmt::format("a server's {} NICs span leaves, so pods cannot be whole servers", nics));
  if (pod_servers % unit_servers != 0) {
    const int64_t lo = pod_servers / unit_servers * unit_servers;
    throw InputError(fs.pod_where, field,
                     fmt::format("a pod of {} servers is not a whole number of {} ({} servers each); use {}{}", pod_servers,
                                 clos ? "leaves" : "scalable units", unit_servers, lo > 0 ? fmt::format("{} or ", lo) : "", lo + unit_servers));
  }
  const int64_t leaves = pod_servers / unit_servers * (clos ? 1 : unit_leaves);
  if (leaves > spine_down) {
    throw InputError(fs.pod_where, field,
                     fmt::format("a pod of {} servers takes {} leaves, but a {} spine joins at most {}: a pod holds up to {} servers", pod_servers,
                                 leaves, spine_name, spine_down, spine_down / (clos ? 1 : unit_leaves) * unit_servers));
  }
  return static_cast<int>(leaves);
}

// What the upper-tier rule built beside the port minimum, and how to get the other.
std::string rule_note(UpperTierRule rule, int64_t built, int64_t minimum, const char* what) {
  if (built == minimum) return fmt::format("{} {} per plane is the port minimum", built, what);
  if (rule == UpperTierRule::Fewest) {
    return fmt::format("the port minimum is {} {} per plane; fewest builds {}, as switches below with fewer uplinks than that would overfill the "
                       "first ones", minimum, what, built);
  }
  const std::string why = rule == UpperTierRule::Balanced ? "equal parallel links from every switch below to each one"
                                                          : "one link from every switch below to each one";
  return fmt::format("the port minimum is {} {} per plane; {} builds {} for {} (fabric.spines: fewest builds the minimum)", minimum, what,
                     to_string(rule), built, why);
}

using detail::assign_leaves;
using detail::LeafPlan;

int ceil_div(int64_t a, int64_t b) { return static_cast<int>((a + b - 1) / b); }

}  // namespace

ClosLimits clos_limits(const SwitchModel& leaf, const SwitchModel& spine, const SwitchModel& core, const ClosChoice& c) {
  ClosLimits l;
  const int64_t r = c.host_gbps, g = c.uplink_gbps, g3 = c.core_gbps > 0 ? c.core_gbps : g;
  l.host_gbps = r;
  l.uplink_gbps = g;
  l.core_gbps = g3;
  l.leaf_ports = ports_at(leaf, r, c.breakouts);
  const TierPorts ls = split_ports(leaf, r, g, c.leaf_ratio, c.breakouts);
  const TierPorts ss = split_ports(spine, g, g3, c.spine_ratio, c.breakouts);
  int d = ls.down;
  const int64_t N = c.nics_per_server;
  // Leaves hold whole servers (Clos) or whole scalable units' rails (rail designs): a unit larger than a leaf takes
  // ceil(unit / leaf) leaves per rail, and a partial leaf's ports are lost to the count.
  int64_t rails = 1, su = 0, per_rail = 1;
  if (c.topology == Topology::Clos) {
    d = d >= N ? static_cast<int>((d / N) * N) : d;
  } else {
    su = c.su_servers > 0 ? c.su_servers : d;
    rails = c.topology == Topology::RailOnly ? 1 : N;
    per_rail = d > 0 ? (su + d - 1) / d : 0;
    if (c.su_servers > 0) d = std::min<int>(d, c.su_servers);
  }
  l.leaf_down = d;
  l.unit_leaves = static_cast<int>(per_rail * rails);
  l.unit_endpoints = c.topology == Topology::Clos ? d : su * rails;
  auto endpoints_in = [&](int64_t leaves) -> int64_t {
    if (c.topology == Topology::Clos || l.unit_leaves <= 0) return leaves * d;
    const int64_t full = leaves / l.unit_leaves, rest = leaves % l.unit_leaves;
    return full * l.unit_endpoints + std::min<int64_t>(su - 1, (rest / rails) * ls.down) * rails;
  };
  l.spine_ports = ports_at(spine, g, c.breakouts);
  l.spine_down = ss.down;
  l.core_ports = ports_at(core, g3, c.breakouts);
  int64_t pod_leaves = ss.down;
  if (c.topology != Topology::Clos && ss.down >= l.unit_leaves && l.unit_leaves > 0) pod_leaves = (ss.down / l.unit_leaves) * l.unit_leaves;
  l.max1 = l.leaf_ports;
  l.max2 = endpoints_in(l.spine_ports);
  l.max3 = static_cast<int64_t>(l.core_ports) * endpoints_in(pod_leaves);
  return l;
}

int64_t resolve_servers(const ClusterSpec& spec, const Catalog& catalog) {
  const ServerModel* sm = catalog.find_server(spec.server_model);
  if (!sm) {
    throw InputError(spec.server_model_where, "cluster.server",
                     fmt::format("unknown server '{}'; catalog servers: {}", spec.server_model, join_names(catalog.server_names())));
  }
  if (spec.servers > 0) return spec.servers;
  const int64_t xpus = -spec.servers;
  if (xpus % sm->xpus != 0) {
    throw InputError(spec.servers_where, "cluster.xpus",
                     fmt::format("{} XPUs is not a whole number of {} servers ({} XPUs each); use {} or {}", xpus, sm->name,
                                 sm->xpus, (xpus / sm->xpus) * sm->xpus, (xpus / sm->xpus + 1) * sm->xpus));
  }
  return xpus / sm->xpus;
}

FabricEstimate estimate_fabric(const ClusterSpec& spec, const Catalog& catalog) {
  FabricEstimate e;
  e.servers = resolve_servers(spec, catalog);
  const ServerModel* sm = catalog.find_server(spec.server_model);
  const int64_t nics = e.servers * sm->backend_nics;
  const int64_t planes = spec.fabric.planes;
  // Upper bound: every tier carries at most the host links' count of links (3 tiers), plus switches.
  e.links = nics * planes * 3;
  e.nodes = nics + e.links / 2;
  // Node 16 B, link 20 B, adjacency 2x4 B per link, plan data per link (length, part) ~16 B, x2 headroom.
  e.bytes = 2 * (e.nodes * 24 + e.links * 44) + e.servers * 64;
  return e;
}

Fabric build_fabric(const ClusterSpec& spec, const Catalog& catalog, const BuildLimits& limits) {
  const FabricEstimate est = estimate_fabric(spec, catalog);
  if (est.bytes > limits.max_memory_bytes) {
    throw InputError(spec.servers_where, "cluster",
                     fmt::format("this spec would build about {} nodes and {} links (~{:.1f} GiB), over the {:.1f} GiB limit; "
                                 "shrink the cluster or raise --max-memory",
                                 est.nodes, est.links, static_cast<double>(est.bytes) / (1 << 30),
                                 static_cast<double>(limits.max_memory_bytes) / (1 << 30)));
  }
  Fabric f;
  f.architecture = spec.fabric.architecture;
  f.topology = spec.fabric.topology;
  f.server = catalog.find_server(spec.server_model);
  f.nic = catalog.find_nic(f.server->nic);
  f.servers = est.servers;
  f.nics_per_server = f.server->backend_nics;
  f.planes = spec.fabric.planes;
  const FabricSpec& fs = spec.fabric;

  // Host link rate per plane: the NIC port split over the planes.
  const int64_t nic_gbps = f.nic->port_gbps;
  if (fs.link_gbps > 0) {
    f.host_link_gbps = fs.link_gbps;
  } else {
    if (nic_gbps % f.planes != 0) {
      throw InputError(fs.planes_where, "fabric.planes", fmt::format("a {} Gb/s NIC port cannot split evenly into {} planes", nic_gbps, f.planes));
    }
    f.host_link_gbps = nic_gbps / f.planes;
  }
  if (f.host_link_gbps * f.planes > nic_gbps) {
    throw InputError(fs.link_where, "fabric.link_gbps",
                     fmt::format("{} planes x {} Gb/s exceeds the {} NIC's {} Gb/s port", f.planes, f.host_link_gbps, f.nic->name, nic_gbps));
  }
  if (nic_gbps % f.host_link_gbps != 0 || !std::count(f.nic->breakouts.begin(), f.nic->breakouts.end(), static_cast<int>(nic_gbps / f.host_link_gbps))) {
    throw InputError(f.planes > 1 ? fs.planes_where : fs.link_where, f.planes > 1 ? "fabric.planes" : "fabric.link_gbps",
                     fmt::format("the {} NIC ({} Gb/s) cannot split into {} Gb/s ports; its breakouts: {}", f.nic->name, nic_gbps,
                                 f.host_link_gbps, fmt::join(f.nic->breakouts, ", ")));
  }

  if (fs.architecture == Architecture::SwitchScheduled && (!fs.appliances.empty() || fs.full_leaf_uplinks)) {
    throw InputError(fs.appliances.empty() ? fs.where : fs.appliances.front().where, fs.appliances.empty() ? "fabric.leaf_uplinks" : "fabric.appliances",
                     "a switch-scheduled cell fabric's leaf elements are planned without appliance ports or spare uplinks; drop it");
  }
  if (fs.architecture == Architecture::SwitchScheduled) {
    if (fs.in_network_reduction) {
      throw InputError(fs.reduction_where, "fabric.in_network_reduction", "a switch-scheduled cell fabric does not reduce in the network; use false");
    }
    return detail::build_switch_scheduled(spec, catalog, std::move(f));
  }

  const SwitchModel& leaf = find_switch_or_fail(catalog, fs.leaf_switch, fs.switch_where, "fabric.switch");
  const SwitchModel& spine = find_switch_or_fail(catalog, fs.spine_switch, fs.switch_where, "fabric.spine_switch");
  const SwitchModel& core = find_switch_or_fail(catalog, fs.core_switch, fs.switch_where, "fabric.core_switch");
  for (const SwitchModel* s : {&leaf, &spine, &core}) {
    if (s->role != SwitchRole::Packet) {
      throw InputError(fs.switch_where, "fabric.switch",
                       fmt::format("'{}' is a switch-scheduled {}; an endpoint-scheduled fabric needs packet switches", s->name, to_string(s->role)));
    }
  }
  const int64_t r = f.host_link_gbps;
  const int64_t g = fs.uplink_gbps > 0 ? fs.uplink_gbps : r;
  const int64_t g3 = fs.core_link_gbps > 0 ? fs.core_link_gbps : g;
  const bool bo = spec.optics.breakouts;
  const int leaf_ports_r = ports_at(leaf, r, bo);
  if (leaf_ports_r == 0) {
    throw InputError(fs.switch_where, "fabric.switch",
                     fmt::format("{} has {} Gb/s cages; {} Gb/s host links need a 1:{} breakout it {}", leaf.name, leaf.cage_gbps, r,
                                 r > 0 && leaf.cage_gbps % r == 0 ? leaf.cage_gbps / r : 0,
                                 bo ? fmt::format("does not offer (breakouts: {})", fmt::join(leaf.breakouts, ", ")) : "cannot use (optics.breakouts is false)"));
  }
  if (ports_at(leaf, g, bo) == 0 || ports_at(spine, g, bo) == 0) {
    throw InputError(fs.uplink_gbps > 0 ? fs.uplink_where : fs.switch_where, "fabric.uplink_gbps",
                     fmt::format("{} Gb/s leaf-spine links do not fit the {} or {} cages and breakouts", g, leaf.name, spine.name));
  }
  if (ports_at(spine, g3, bo) == 0 || ports_at(core, g3, bo) == 0) {
    throw InputError(fs.core_link_gbps > 0 ? fs.core_link_where : fs.switch_where, "fabric.core_link_gbps",
                     fmt::format("{} Gb/s spine-core links do not fit the {} or {} cages and breakouts", g3, spine.name, core.name));
  }
  const double o1 = fs.oversubscription_leaf, o2 = fs.oversubscription_spine;
  const ClosChoice choice{r, g, g3, o1, o2, bo, fs.topology, f.nics_per_server, fs.scalable_unit_servers};
  const ClosLimits lim = clos_limits(leaf, spine, core, choice);
  f.limits = lim;
  const TierPorts lsplit = split_ports(leaf, r, g, o1, bo);
  const TierPorts ssplit = split_ports(spine, g, g3, o2, bo);
  // A ratio so high that not one uplink is left (64:1 on a 64-port switch), or so low that no downlink is, builds nothing.
  if (lsplit.up == 0) {
    throw InputError(fs.oversubscription_leaf_where, "fabric.oversubscription.leaf",
                     fmt::format("{} leaves a {} leaf no {} Gb/s uplink; at most {}:1 keeps one", ratio_text(o1), leaf.name, g, max_ratio_with_an_uplink(leaf, g)));
  }
  if (lsplit.down == 0) {
    throw InputError(fs.oversubscription_leaf_where, "fabric.oversubscription.leaf",
                     fmt::format("{} leaves a {} leaf no {} Gb/s downlink; 1:{} is the most undersubscribed ratio that keeps one", ratio_text(o1), leaf.name, r,
                                 min_ratio_with_a_downlink(leaf, r, g, bo)));
  }
  const int64_t E = f.nic_count();
  const std::string part_word = fs.topology == Topology::RailOnly ? "per rail" : "per plane";

  LeafPlan lp = assign_leaves(fs.topology, f.servers, f.nics_per_server, lsplit.down, fs.scalable_unit_servers, fs.full_leaf_uplinks);
  std::vector<detail::AppliancePort> aports = detail::place_appliances(fs.appliances, lp, lsplit.down);
  std::vector<uint32_t> appliance_on(lp.leaves(), 0);
  for (const auto& a : aports) ++appliance_on[a.leaf];
  if (fs.topology != Topology::Clos && fs.scalable_unit_servers > lsplit.down) {
    f.explanation.push_back(fmt::format("scalable unit of {} servers exceeds a leaf's {} downlinks: {} leaves per rail per unit",
                                        fs.scalable_unit_servers, lsplit.down, ceil_div(fs.scalable_unit_servers, lsplit.down)));
  }
  auto partition_leaves = [](const LeafPlan& plan) {
    std::vector<std::vector<uint32_t>> parts(static_cast<size_t>(plan.partitions));
    for (uint32_t l = 0; l < plan.leaves(); ++l) parts[plan.partition[l]].push_back(l);
    return parts;
  };
  std::vector<std::vector<uint32_t>> part_leaves = partition_leaves(lp);
  const int64_t part_endpoints = E / lp.partitions;
  // Uplinks of each leaf: enough for its used downlinks at the leaf's ratio (partial leaves need fewer).
  auto leaf_uplinks = [&](const LeafPlan& plan) {
    std::vector<int> ups(plan.leaves());
    for (uint32_t l = 0; l < plan.leaves(); ++l) {
      uint32_t used = plan.used_down[l] + appliance_on[l];
      if (fs.full_leaf_uplinks) used = std::max(used, plan.designed_down[l]);
      const double need = static_cast<double>(used) * static_cast<double>(r) / (o1 * static_cast<double>(g));
      ups[l] = std::clamp(static_cast<int>(std::ceil(need - 1e-9)), 1, std::max(1, lsplit.up));
    }
    return ups;
  };
  std::vector<int> ups = leaf_uplinks(lp);
  size_t max_part = 0;
  for (const auto& pl : part_leaves) max_part = std::max(max_part, pl.size());
  // Pods: as many whole scalable units as a spine's downlinks reach, or the size the spec asks for.
  const int unit_leaves = fs.topology == Topology::RailOnly ? lp.group_size / f.nics_per_server : lp.group_size;
  int pod_leaves = (ssplit.down / unit_leaves) * unit_leaves;
  if (pod_leaves == 0) pod_leaves = ssplit.down;
  const int64_t pod_servers = resolve_pod_servers(spec, *f.server);
  if (pod_servers > 0) pod_leaves = pod_leaves_for(fs, lp, unit_leaves, lsplit.down, f.nics_per_server, ssplit.down, spine.name, pod_servers);
  const int pod_capacity = pod_leaves;
  pod_leaves = static_cast<int>(std::min<int64_t>(pod_leaves, static_cast<int64_t>(max_part)));
  const int pods = pod_leaves > 0 ? ceil_div(static_cast<int64_t>(max_part), pod_leaves) : 0;
  const bool fits1 = part_endpoints <= leaf_ports_r;
  const bool fits2 = static_cast<int64_t>(max_part) <= lim.spine_ports;
  const bool fits3 = pods > 0 && pods <= lim.core_ports && ssplit.up > 0;

  int tiers = fs.tiers;
  if (tiers == 0 && pod_servers > 0) {
    tiers = 3;
    f.explanation.push_back(fmt::format("tiers auto -> 3: pods of {} servers ({} leaves {}) are joined by cores", pod_servers, pod_leaves, part_word));
  } else if (tiers == 0) {
    tiers = fits1 ? 1 : fits2 ? 2 : fits3 ? 3 : 0;
    if (tiers == 1) {
      f.explanation.push_back(fmt::format("tiers auto -> 1: {} endpoints {} fit one {} ({} ports at {}G)", part_endpoints, part_word, leaf.name, leaf_ports_r, r));
    } else if (tiers == 2) {
      f.explanation.push_back(fmt::format("tiers auto -> 2: {} endpoints {} exceed one switch ({} ports at {}G) but fit a 2-tier Clos (up to {}: {} spine ports at {}G x {} usable downlinks per leaf)",
                                          part_endpoints, part_word, leaf_ports_r, r, lim.max2, lim.spine_ports, g, lim.leaf_down));
    } else if (tiers == 3) {
      f.explanation.push_back(fmt::format("tiers auto -> 3: {} endpoints {} exceed a 2-tier Clos of this switch (up to {}); a 3-tier Clos holds up to {}",
                                          part_endpoints, part_word, lim.max2, lim.max3));
    }
  }
  auto fix_hint = [&]() {
    std::vector<std::string> hints;
    if (fits3 && tiers < 3) hints.push_back("tiers: 3");
    const int want = std::max(tiers, 2);
    const int64_t now = want == 3 ? lim.max3 : lim.max2;
    for (int p : {2, 4, 8, 16}) {
      if (nic_gbps % (p * f.planes) != 0) continue;
      const int64_t rp = nic_gbps / (p * f.planes);
      if (!std::count(f.nic->breakouts.begin(), f.nic->breakouts.end(), static_cast<int>(nic_gbps / rp))) continue;
      if (ports_at(leaf, rp, bo) == 0 || ports_at(spine, rp, bo) == 0 || ports_at(core, rp, bo) == 0) continue;
      ClosChoice c = choice;
      c.host_gbps = rp;
      c.uplink_gbps = fs.uplink_gbps > 0 ? g : rp;
      c.core_gbps = fs.core_link_gbps > 0 ? g3 : c.uplink_gbps;
      const ClosLimits l2 = clos_limits(leaf, spine, core, c);
      const int64_t cap = want == 3 ? l2.max3 : l2.max2;
      if (cap >= part_endpoints) {
        hints.push_back(fmt::format("planes: {} ({} x {}G per NIC; {} endpoints per plane in {} tiers)", p * f.planes, p * f.planes, rp, cap, want));
        break;
      }
    }
    for (const auto& sw : catalog.switches()) {
      if (sw.role != SwitchRole::Packet || ports_at(sw, r, bo) == 0 || ports_at(sw, g, bo) == 0 || ports_at(sw, g3, bo) == 0) continue;
      const ClosLimits l2 = clos_limits(sw, sw, sw, choice);
      const int64_t cap = want == 3 ? l2.max3 : l2.max2;
      if (cap > now && cap >= part_endpoints) {
        hints.push_back(fmt::format("switch: {} ({} ports at {}G)", sw.name, ports_at(sw, r, bo), r));
        break;
      }
    }
    return hints.empty() ? std::string("no single change fits; split the cluster into planes and use a higher-radix switch")
                         : "fix: " + fmt::format("{}", fmt::join(hints, ", or "));
  };
  const std::string units_note = lim.unit_leaves > 1 && fs.topology != Topology::Clos
                                     ? fmt::format(" in whole {}-server units of {} leaves", lp.su_servers, lim.unit_leaves) : "";
  if (tiers == 0) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("{} endpoints {} exceed a 3-tier Clos of {} ({} ports at {}G reaches {}{}); {}", part_endpoints, part_word,
                                 leaf.name, leaf_ports_r, r, lim.max3, units_note, fix_hint()));
  }
  // What shapes only a 3-tier fabric would be ignored on fewer tiers, so it is refused.
  if (tiers < 3) {
    const std::string have = fmt::format("this one has {} tier{}", tiers, tiers == 1 ? "" : "s");
    if (o2 != 1.0) {
      throw InputError(fs.oversubscription_spine_where, "fabric.oversubscription.spine",
                       fmt::format("{} applies to the spines of a 3-tier fabric; {} (set tiers: 3, or drop it)", ratio_text(o2), have));
    }
    if (pod_servers > 0) {
      throw InputError(fs.pod_where, fs.pod_given_as_xpus ? "fabric.pod_xpus" : "fabric.pod_servers",
                       fmt::format("pods are joined by the cores of a 3-tier fabric; {} (set tiers: 3, or drop it)", have));
    }
    if (fs.core_link_gbps > 0) {
      throw InputError(fs.core_link_where, "fabric.core_link_gbps", fmt::format("spine-core links exist in a 3-tier fabric; {} (set tiers: 3, or drop it)", have));
    }
  }
  if (tiers == 3 && (ssplit.up == 0 || ssplit.down == 0)) {
    throw InputError(fs.oversubscription_spine_where, "fabric.oversubscription.spine",
                     fmt::format("{} leaves a {} spine no {} Gb/s {}link; {}", ratio_text(o2), spine.name, ssplit.up == 0 ? g3 : g, ssplit.up == 0 ? "up" : "down",
                                 ssplit.up == 0 ? fmt::format("at most {}:1 keeps one", max_ratio_with_an_uplink(spine, g3))
                                                : fmt::format("1:{} is the most undersubscribed ratio that keeps one", min_ratio_with_a_downlink(spine, g, g3, bo))));
  }
  if (tiers == 1 && !fits1) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("1 tier needs {} ports {} on one switch; {} has {} at {}G; {}", part_endpoints, part_word, leaf.name, leaf_ports_r, r,
                                 fits2 ? "fix: tiers: 2" : fix_hint()));
  }
  if (tiers == 2 && !fits2) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("2 tiers cannot hold {} leaves {}: a {} spine has {} ports at {}G, so at most {} leaves ({} endpoints{}); {}",
                                 max_part, part_word, spine.name, lim.spine_ports, g, lim.spine_ports, lim.max2, units_note, fix_hint()));
  }
  if (tiers == 3 && !fits3) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("3 tiers cannot hold {} leaves {}: {} pods of {} leaves exceed the {} core ports of {}; {}", max_part, part_word,
                                 pods, pod_leaves, lim.core_ports, core.name, fix_hint()));
  }
  // One pod: the cores would join it only to itself, adding switches, optics and a hop for nothing.
  if (tiers == 3 && pods == 1) {
    std::string two;
    const int64_t half = static_cast<int64_t>(max_part + 1) / 2;
    const int64_t half_units = (half + unit_leaves - 1) / unit_leaves;
    if (half_units * unit_leaves < static_cast<int64_t>(max_part)) {
      const int64_t servers = fs.topology == Topology::Clos ? half_units * detail::servers_per_leaf(lsplit.down, f.nics_per_server) : half_units * lp.su_servers;
      if (servers > 0) two = fmt::format(", or pod_servers: {} to build it as {} pods", servers, ceil_div(static_cast<int64_t>(max_part), half_units * unit_leaves));
    }
    throw InputError(pod_servers > 0 ? fs.pod_where : fs.tiers_where, pod_servers > 0 ? (fs.pod_given_as_xpus ? "fabric.pod_xpus" : "fabric.pod_servers") : "fabric.tiers",
                     fmt::format("{} leaves {} make one pod (a pod holds up to {}), so a core tier would join it only to itself; use tiers: 2 (the same "
                                 "leaves and spines, no cores){}", max_part, part_word, fmt::format("{} leaves", pod_capacity), two));
  }
  f.tiers = tiers;
  if (tiers == 1) {
    // One switch per partition holds every endpoint: re-pack the leaves with all ports facing down.
    lp = assign_leaves(fs.topology == Topology::RailOnly ? Topology::RailOnly : Topology::Clos, f.servers, f.nics_per_server, leaf_ports_r,
                       fs.topology == Topology::RailOnly ? static_cast<int>(f.servers) : 0);
    part_leaves = partition_leaves(lp);
    aports = detail::place_appliances(fs.appliances, lp, leaf_ports_r);
  }
  f.scalable_unit_servers = lp.su_servers;

  // Upper tiers, partition by partition: each lower switch's uplinks dealt round-robin over its uppers.
  struct SpineInfo { uint32_t partition, pod, position; int down = 0; int up = 0; };
  std::vector<SpineInfo> spines;
  std::vector<std::pair<uint32_t, uint32_t>> leaf_spine_links;  // (leaf, spine index)
  struct CoreInfo { uint32_t group; };
  std::vector<CoreInfo> cores;
  std::vector<std::pair<uint32_t, uint32_t>> spine_core_links;  // (spine index, core index)
  int max_leaf_up = 0, max_leaf_parallel = 1, max_spine_parallel = 1;
  int64_t spine_minimum = 0, core_minimum = 0;
  if (tiers >= 2) {
    for (size_t p = 0; p < part_leaves.size(); ++p) {
      const auto& pl = part_leaves[p];
      const int64_t L = static_cast<int64_t>(pl.size());
      const int pl_pods = tiers == 2 ? 1 : ceil_div(L, pod_leaves);
      for (int pod = 0; pod < pl_pods; ++pod) {
        const int64_t first = tiers == 2 ? 0 : static_cast<int64_t>(pod) * pod_leaves;
        const int64_t last = tiers == 2 ? L : std::min<int64_t>(L, first + pod_leaves);
        std::vector<int> pod_ups;
        for (int64_t i = first; i < last; ++i) pod_ups.push_back(ups[pl[i]]);
        const int upper_ports = tiers == 2 ? lim.spine_ports : ssplit.down;
        const int s = detail::upper_count(pod_ups, upper_ports, fs.spines);
        spine_minimum += detail::port_minimum(pod_ups, upper_ports);
        const uint32_t base = static_cast<uint32_t>(spines.size());
        for (int j = 0; j < s; ++j) spines.push_back({static_cast<uint32_t>(p), static_cast<uint32_t>(tiers == 2 ? p : pod), static_cast<uint32_t>(j)});
        const std::vector<int64_t> start = detail::deal_uplinks(pod_ups, s);
        for (int64_t i = first; i < last; ++i) {
          const uint32_t leaf_id = pl[i];
          max_leaf_up = std::max(max_leaf_up, ups[leaf_id]);
          max_leaf_parallel = std::max(max_leaf_parallel, ceil_div(ups[leaf_id], s));
          for (int u = 0; u < ups[leaf_id]; ++u) {
            const uint32_t sp = base + static_cast<uint32_t>((start[static_cast<size_t>(i - first)] + u) % s);
            leaf_spine_links.emplace_back(leaf_id, sp);
            ++spines[sp].down;
          }
        }
      }
    }
  }
  if (tiers == 3) {
    // Spine uplinks follow each spine's own downlinks at the spine ratio (a partial pod needs fewer).
    const double down_up = o2 * static_cast<double>(g3) / static_cast<double>(g);  // downlinks per uplink at the spine
    for (auto& sp : spines) sp.up = std::clamp(static_cast<int>(std::ceil(static_cast<double>(sp.down) / down_up - 1e-9)), 1, std::max(1, ssplit.up));
    // Core group j joins spine position j of every pod of a partition.
    std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> groups;  // (partition, position) -> spines
    for (uint32_t i = 0; i < spines.size(); ++i) groups[{spines[i].partition, spines[i].position}].push_back(i);
    for (const auto& [key, members] : groups) {
      std::vector<int> sups;
      for (uint32_t m : members) sups.push_back(spines[m].up);
      // One link per spine-core pair would give every core of a group one link per pod (a core per uplink of a spine): the
      // rule shapes the spines; cores of a one-link-per-pair fabric take the balanced count.
      const UpperTierRule core_rule = fs.spines == UpperTierRule::OneLinkPerPair ? UpperTierRule::Balanced : fs.spines;
      const int c = detail::upper_count(sups, lim.core_ports, core_rule);
      core_minimum += detail::port_minimum(sups, lim.core_ports);
      const uint32_t base = static_cast<uint32_t>(cores.size());
      for (int j = 0; j < c; ++j) cores.push_back({key.second});
      const std::vector<int64_t> start = detail::deal_uplinks(sups, c);
      for (size_t i = 0; i < members.size(); ++i) {
        const uint32_t m = members[i];
        max_spine_parallel = std::max(max_spine_parallel, ceil_div(spines[m].up, c));
        for (int u = 0; u < spines[m].up; ++u) spine_core_links.emplace_back(m, base + static_cast<uint32_t>((start[i] + u) % c));
      }
    }
  }
  // Tier designs (per plane).
  uint32_t max_used = 0;
  for (uint32_t u : lp.used_down) max_used = std::max(max_used, u);
  f.tier[1] = {NodeRole::Leaf, &leaf, r, tiers > 1 ? g : 0, lp.leaves(), tiers == 1 ? leaf_ports_r : lsplit.down, tiers > 1 ? max_leaf_up : 0, max_leaf_parallel,
               static_cast<int64_t>(lp.partitions) * ceil_div(part_endpoints, tiers == 1 ? leaf_ports_r : lsplit.down)};
  int max_spine_down = 0, max_spine_up = 0;
  for (const auto& sp : spines) { max_spine_down = std::max(max_spine_down, sp.down); max_spine_up = std::max(max_spine_up, sp.up); }
  if (tiers >= 2) {
    f.tier[2] = {NodeRole::Spine, &spine, g, tiers == 3 ? g3 : 0, static_cast<int64_t>(spines.size()), max_spine_down, tiers == 3 ? max_spine_up : 0,
                 max_spine_parallel, spine_minimum};
  }
  if (tiers == 3) {
    std::vector<int> core_down(cores.size(), 0);
    for (const auto& [sp, c] : spine_core_links) ++core_down[c];
    f.tier[3] = {NodeRole::Core, &core, g3, 0, static_cast<int64_t>(cores.size()), *std::max_element(core_down.begin(), core_down.end()), 0, 1, core_minimum};
    f.pods = pods;
  }
  if (tiers >= 2) {
    const double ratio = static_cast<double>(max_used) * static_cast<double>(r) / (static_cast<double>(max_leaf_up) * static_cast<double>(g));
    f.explanation.push_back(fmt::format("leaf {}: {} of {} downlinks x {}G used + {} x {}G up ({} ports at {}G in all): {:.2f}:1 down:up as built",
                                        leaf.name, max_used, lsplit.down, r, max_leaf_up, g, leaf_ports_r, r, ratio));
  }
  const int64_t spines_per_part = part_leaves.empty() ? 0 : static_cast<int64_t>(spines.size()) / static_cast<int64_t>(part_leaves.size());
  if (tiers == 2) {
    f.explanation.push_back(fmt::format("spines: {} leaves {} x {} uplinks over {}-port spines -> {} spines {}, up to {} parallel link{} leaf-to-spine; {}",
                                        max_part, part_word, max_leaf_up, lim.spine_ports, spines_per_part, part_word, max_leaf_parallel,
                                        max_leaf_parallel > 1 ? "s" : "", rule_note(fs.spines, f.tier[2].per_plane, spine_minimum, "spines")));
  } else if (tiers == 3) {
    f.explanation.push_back(fmt::format("pods of up to {} leaves ({} pods {}); each spine up to {} down x {}G + {} up x {}G ({:.2f}:1); {}", pod_leaves, pods,
                                        part_word, max_spine_down, g, max_spine_up, g3,
                                        static_cast<double>(max_spine_down * g) / static_cast<double>(std::max(1, max_spine_up) * g3),
                                        rule_note(fs.spines, f.tier[2].per_plane, spine_minimum, "spines")));
    f.explanation.push_back(fmt::format("cores: one group per spine position, {} cores in all{}; core radix {} at {}G; {}", cores.size(),
                                        max_spine_parallel > 1 ? fmt::format(", up to {} parallel links spine-to-core", max_spine_parallel) : "",
                                        lim.core_ports, g3,
                                        rule_note(fs.spines == UpperTierRule::Fewest ? UpperTierRule::Fewest : UpperTierRule::Balanced, f.tier[3].per_plane, core_minimum, "cores")));
  }

  // Nodes: NICs, then per plane leaves, spines, cores; links plane by plane.
  const int64_t per_plane_switches = lp.leaves() + static_cast<int64_t>(spines.size() + cores.size());
  f.nodes.reserve(static_cast<size_t>(E + per_plane_switches * f.planes));
  for (int64_t e = 0; e < E; ++e) {
    f.nodes.push_back({NodeRole::Nic, 0, kNoPlane, static_cast<uint32_t>(e), static_cast<uint32_t>(e / f.nics_per_server)});
  }
  f.tier_begin.assign(static_cast<size_t>(f.planes) * (kMaxTiers + 2), 0);
  f.links.reserve(static_cast<size_t>((E + static_cast<int64_t>(leaf_spine_links.size() + spine_core_links.size())) * f.planes));
  for (int plane = 0; plane < f.planes; ++plane) {
    const uint16_t pl = static_cast<uint16_t>(plane);
    uint32_t* tb = &f.tier_begin[static_cast<size_t>(plane) * (kMaxTiers + 2)];
    tb[1] = static_cast<uint32_t>(f.nodes.size());
    for (uint32_t l = 0; l < lp.leaves(); ++l) f.nodes.push_back({NodeRole::Leaf, 1, pl, l, lp.group[l]});
    tb[2] = static_cast<uint32_t>(f.nodes.size());
    for (uint32_t i = 0; i < spines.size(); ++i) f.nodes.push_back({NodeRole::Spine, 2, pl, i, spines[i].pod});
    tb[3] = static_cast<uint32_t>(f.nodes.size());
    for (uint32_t i = 0; i < cores.size(); ++i) f.nodes.push_back({NodeRole::Core, 3, pl, i, cores[i].group});
    tb[4] = static_cast<uint32_t>(f.nodes.size());
    for (int64_t e = 0; e < E; ++e) {
      f.links.push_back({NodeId(static_cast<uint32_t>(e)), NodeId(tb[1] + lp.leaf_of_endpoint[e]), static_cast<uint32_t>(r), 1, pl});
    }
    for (const auto& [l, sp] : leaf_spine_links) f.links.push_back({NodeId(tb[1] + l), NodeId(tb[2] + sp), static_cast<uint32_t>(g), 2, pl});
    for (const auto& [sp, c] : spine_core_links) f.links.push_back({NodeId(tb[2] + sp), NodeId(tb[3] + c), static_cast<uint32_t>(g3), 3, pl});
    for (const auto& a : aports) f.appliance_links.push_back({a.appliance, pl, a.port, a.unit, NodeId(tb[1] + a.leaf), static_cast<uint32_t>(r)});
  }
  for (const ApplianceSpec& a : fs.appliances) {
    f.appliance_names.push_back(a.name);
    f.explanation.push_back(fmt::format("appliance {}: {} port{} per {}{} at {}G on free leaf downlinks", a.name, a.ports, a.ports == 1 ? "" : "s",
                                        a.per_unit ? "scalable unit" : "fabric", f.planes > 1 ? " and plane" : "", r));
  }
  if (fs.full_leaf_uplinks && tiers >= 2) {
    f.explanation.push_back("leaf uplinks: full, every leaf cabled up as in a full scalable unit (NVIDIA's rule: support the full SU and leave the "
                            "missing servers' ports unused)");
  }
  if (f.planes > 1) {
    f.explanation.push_back(fmt::format("{} planes: each {}G NIC port splits into {} x {}G, one link into each independent plane", f.planes,
                                        nic_gbps, f.planes, r));
  }
  f.in_network_reduction = fs.in_network_reduction;
  if (fs.in_network_reduction) {
    for (int t = 1; t <= f.tiers; ++t) {
      const SwitchModel& m = *f.tier[t].model;
      if (!m.in_network_reduction) {
        std::vector<std::string> able;
        for (const SwitchModel& c : catalog.switches()) if (c.in_network_reduction) able.push_back(c.name);
        throw InputError(fs.reduction_where, "fabric.in_network_reduction",
                         fmt::format("the tier-{} switch '{}' does not reduce in the network (catalog in_network_reduction); switches that do: {}", t,
                                     m.name, able.empty() ? "none" : fmt::format("{}", fmt::join(able, ", "))));
      }
    }
  }
  return f;
}

}  // namespace aifabric
