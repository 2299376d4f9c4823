// Endpoint-scheduled fabric builder: leaf assignment (ToR, rail-optimised, rail-only), 1-3 tier Clos, planes.
#include "topo/build_fabric.h"

#include <algorithm>
#include <cmath>
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

// Down/up ports of a switch with capacity C for a downlink:uplink bandwidth ratio `o`.
TierPorts split_ports(const SwitchModel& s, int64_t down_gbps, int64_t up_gbps, double o) {
  TierPorts p;
  const int64_t cap = s.capacity_gbps();
  p.total = static_cast<int>(cap / down_gbps);
  p.up = static_cast<int>(std::floor(static_cast<double>(cap) / (static_cast<double>(up_gbps) * (o + 1.0)) + 1e-9));
  p.down = static_cast<int>(std::floor(o * static_cast<double>(p.up * up_gbps) / static_cast<double>(down_gbps) + 1e-9));
  while (p.down * down_gbps + p.up * up_gbps > cap && p.down > 0) --p.down;
  return p;
}

// Leaf assignment, identical in every plane.
struct LeafPlan {
  int down = 0, up = 0;
  std::vector<uint32_t> leaf_of_endpoint;  // endpoint e = server * N + nic
  std::vector<uint32_t> used_down;         // per leaf
  std::vector<uint32_t> group;             // per leaf: scalable unit (rail) or leaf itself (ToR)
  std::vector<uint32_t> partition;         // per leaf: rail (rail-only) or 0
  int partitions = 1;
  int group_size = 1;                      // leaves per scalable unit (pod alignment)
  int su_servers = 0;
  uint32_t leaves() const { return static_cast<uint32_t>(used_down.size()); }
};

LeafPlan assign_leaves(Topology topo, int64_t servers, int nics, int down, int su_request) {
  LeafPlan lp;
  lp.down = down;
  const int64_t E = servers * nics;
  lp.leaf_of_endpoint.resize(static_cast<size_t>(E));
  if (topo == Topology::Clos) {
    const int d = down >= nics ? (down / nics) * nics : down;  // keep each server on one leaf
    for (int64_t e = 0; e < E; ++e) lp.leaf_of_endpoint[e] = static_cast<uint32_t>(e / d);
    const uint32_t leaves = static_cast<uint32_t>((E + d - 1) / d);
    lp.used_down.assign(leaves, 0);
    lp.group.resize(leaves);
    for (uint32_t l = 0; l < leaves; ++l) lp.group[l] = l;
    lp.partition.assign(leaves, 0);
    for (int64_t e = 0; e < E; ++e) ++lp.used_down[lp.leaf_of_endpoint[e]];
    return lp;
  }
  // Rail designs: scalable units of `su` servers; NIC i of every server in a unit goes to rail leaf i.
  const int su = su_request > 0 ? su_request : static_cast<int>(std::min<int64_t>(down, servers));
  lp.su_servers = su;
  const int per_rail = (su + down - 1) / down;  // leaves per rail per SU (1 when the SU fits a leaf)
  lp.group_size = per_rail * nics;
  const int64_t units = (servers + su - 1) / su;
  for (int64_t u = 0; u < units; ++u) {
    const int64_t first = u * su;
    const int64_t count = std::min<int64_t>(su, servers - first);
    const int rails_leaves = static_cast<int>((count + down - 1) / down);
    const uint32_t base = lp.leaves();
    for (int n = 0; n < nics; ++n) {
      for (int k = 0; k < rails_leaves; ++k) {
        lp.used_down.push_back(0);
        lp.group.push_back(static_cast<uint32_t>(u));
        lp.partition.push_back(topo == Topology::RailOnly ? static_cast<uint32_t>(n) : 0);
      }
    }
    for (int64_t j = 0; j < count; ++j) {
      for (int n = 0; n < nics; ++n) {
        const uint32_t leaf = base + static_cast<uint32_t>(n * rails_leaves + j / down);
        lp.leaf_of_endpoint[(first + j) * nics + n] = leaf;
        ++lp.used_down[leaf];
      }
    }
  }
  lp.partitions = topo == Topology::RailOnly ? nics : 1;
  return lp;
}

// Upper tiers of one partition (all leaves, or one rail), in terms of leaf indices.
struct PartitionPlan {
  std::vector<uint32_t> leaves;
  int tiers = 2;
  int spines = 0;            // 2-tier: spines of the partition; 3-tier: spines per pod
  int parallel = 1;          // leaf-to-spine parallel links (2-tier)
  int uplinks = 0;           // used leaf uplinks
  int pod_leaves = 0;        // 3-tier
  int pods = 0;
  int spine_up = 0;          // used spine uplinks (3-tier)
  int cores_per_group = 0;   // 3-tier: cores per spine index
  int core_parallel = 1;
};

int ceil_div(int64_t a, int64_t b) { return static_cast<int>((a + b - 1) / b); }

}  // namespace

namespace detail {
int spread_count(int64_t lowers, int uplinks, int upper_ports) {
  for (int s = 1; s <= uplinks; ++s) {
    if (uplinks % s == 0 && lowers * (uplinks / s) <= upper_ports) return s;
  }
  return 0;
}
}  // namespace detail

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

  if (fs.architecture == Architecture::SwitchScheduled) return detail::build_switch_scheduled(spec, catalog, std::move(f));

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
  const bool bo = spec.optics.breakouts;
  const int leaf_ports_r = ports_at(leaf, r, bo);
  if (leaf_ports_r == 0) {
    throw InputError(fs.switch_where, "fabric.switch",
                     fmt::format("{} has {} Gb/s cages; {} Gb/s host links need a 1:{} breakout it {}", leaf.name, leaf.cage_gbps, r,
                                 r > 0 && leaf.cage_gbps % r == 0 ? leaf.cage_gbps / r : 0,
                                 bo ? fmt::format("does not offer (breakouts: {})", fmt::join(leaf.breakouts, ", ")) : "cannot use (optics.breakouts is false)"));
  }
  if (ports_at(leaf, g, bo) == 0 || ports_at(spine, g, bo) == 0 || ports_at(core, g, bo) == 0) {
    throw InputError(fs.switch_where, "fabric.uplink_gbps", fmt::format("{} Gb/s uplinks do not fit the switches' cages and breakouts", g));
  }
  const int spine_ports = ports_at(spine, g, bo);
  const int core_ports = ports_at(core, g, bo);
  const TierPorts lsplit = split_ports(leaf, r, g, fs.oversubscription_leaf);
  const TierPorts ssplit = split_ports(spine, g, g, fs.oversubscription_spine);
  const int64_t E = f.nic_count();

  LeafPlan lp = assign_leaves(fs.topology, f.servers, f.nics_per_server, lsplit.down, fs.scalable_unit_servers);
  f.scalable_unit_servers = lp.su_servers;
  if (fs.topology != Topology::Clos && fs.scalable_unit_servers > 0 && fs.scalable_unit_servers > lsplit.down) {
    f.explanation.push_back(fmt::format("scalable unit of {} servers exceeds a leaf's {} downlinks: {} leaves per rail per unit",
                                        fs.scalable_unit_servers, lsplit.down, ceil_div(fs.scalable_unit_servers, lsplit.down)));
  }

  // Endpoints of the largest partition (a rail for rail-only) and whether 1, 2, 3 tiers hold it.
  std::vector<std::vector<uint32_t>> part_leaves(static_cast<size_t>(lp.partitions));
  for (uint32_t l = 0; l < lp.leaves(); ++l) part_leaves[lp.partition[l]].push_back(l);
  int64_t part_endpoints = E / lp.partitions;
  uint32_t max_used = 0;
  for (uint32_t u : lp.used_down) max_used = std::max(max_used, u);
  const int uplinks = std::min(lsplit.up, ceil_div(static_cast<int64_t>(max_used) * r, static_cast<int64_t>(std::ceil(fs.oversubscription_leaf * static_cast<double>(g) - 1e-9))));
  const size_t max_part = std::max_element(part_leaves.begin(), part_leaves.end(),
                                           [](auto& a, auto& b) { return a.size() < b.size(); })->size();
  const bool fits1 = part_endpoints <= leaf_ports_r;
  const bool fits2 = detail::spread_count(static_cast<int64_t>(max_part), std::max(uplinks, 1), spine_ports) > 0;
  int pod_leaves = (ssplit.down / lp.group_size) * lp.group_size;
  if (pod_leaves == 0) pod_leaves = ssplit.down;
  pod_leaves = static_cast<int>(std::min<int64_t>(pod_leaves, static_cast<int64_t>(max_part)));
  const int pods = pod_leaves > 0 ? ceil_div(static_cast<int64_t>(max_part), pod_leaves) : 0;
  const int spine_up = std::min(ssplit.up, ceil_div(pod_leaves, static_cast<int>(std::ceil(fs.oversubscription_spine - 1e-9))));
  const bool fits3 = pods > 0 && spine_up > 0 && detail::spread_count(pods, spine_up, core_ports) > 0;

  const int64_t max2 = max_endpoints_per_plane(2, leaf_ports_r, lsplit.down, spine_ports, 0, 0);
  const int64_t max3 = max_endpoints_per_plane(3, leaf_ports_r, lsplit.down, 0, ssplit.down, core_ports);
  const std::string part_word = fs.topology == Topology::RailOnly ? "per rail" : "per plane";

  int tiers = fs.tiers;
  if (tiers == 0) {
    tiers = fits1 ? 1 : fits2 ? 2 : fits3 ? 3 : 0;
    if (tiers == 1) {
      f.explanation.push_back(fmt::format("tiers auto -> 1: {} endpoints {} fit one {} ({} ports at {}G)", part_endpoints, part_word, leaf.name, leaf_ports_r, r));
    } else if (tiers == 2) {
      f.explanation.push_back(fmt::format("tiers auto -> 2: {} endpoints {} exceed one switch ({} ports at {}G) but fit a 2-tier Clos (up to {} with {} down / {} up per leaf)",
                                          part_endpoints, part_word, leaf_ports_r, r, max2, lsplit.down, lsplit.up));
    } else if (tiers == 3) {
      f.explanation.push_back(fmt::format("tiers auto -> 3: {} endpoints {} exceed a 2-tier Clos of this switch (up to {}); a 3-tier Clos holds up to {}",
                                          part_endpoints, part_word, max2, max3));
    }
  }
  auto fix_hint = [&]() {
    std::vector<std::string> hints;
    if (fits3 && tiers < 3) hints.push_back("tiers: 3");
    for (int p : {2, 4, 8}) {
      if (nic_gbps % (p * f.planes) != 0) continue;
      const int64_t rp = nic_gbps / (p * f.planes);
      const int kp = ports_at(leaf, rp, true);
      if (kp == 0 || !std::count(f.nic->breakouts.begin(), f.nic->breakouts.end(), static_cast<int>(nic_gbps / rp))) continue;
      const TierPorts sp = split_ports(leaf, rp, rp, fs.oversubscription_leaf);
      const int64_t cap = tiers == 3 ? max_endpoints_per_plane(3, kp, sp.down, 0, split_ports(spine, rp, rp, fs.oversubscription_spine).down, ports_at(core, rp, true))
                                     : max_endpoints_per_plane(2, kp, sp.down, ports_at(spine, rp, true), 0, 0);
      if (cap >= part_endpoints) {
        hints.push_back(fmt::format("planes: {} ({} x {}G per NIC; {} endpoints per plane in {} tiers)", p * f.planes, p * f.planes, rp, cap, tiers == 3 ? 3 : 2));
        break;
      }
    }
    for (const auto& s : catalog.switches()) {
      if (s.role != SwitchRole::Packet || s.name == leaf.name) continue;
      const int k = ports_at(s, r, bo);
      if (k == 0) continue;
      const TierPorts sp = split_ports(s, r, r, fs.oversubscription_leaf);
      const int64_t cap = max_endpoints_per_plane(tiers == 3 ? 3 : 2, k, sp.down, k, split_ports(s, r, r, fs.oversubscription_spine).down, k);
      if (cap >= part_endpoints) {
        hints.push_back(fmt::format("switch: {} ({} ports at {}G)", s.name, k, r));
        break;
      }
    }
    return hints.empty() ? std::string("no single change fits; split the cluster into planes and use a higher-radix switch")
                         : "fix: " + fmt::format("{}", fmt::join(hints, ", or "));
  };
  if (tiers == 0) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("{} endpoints {} exceed a 3-tier Clos of {} ({} ports at {}G reaches {}); {}", part_endpoints, part_word,
                                 leaf.name, leaf_ports_r, r, max3, fix_hint()));
  }
  if (tiers == 1 && !fits1) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("1 tier needs {} ports {} on one switch; {} has {} at {}G; {}", part_endpoints, part_word, leaf.name, leaf_ports_r, r,
                                 fits2 ? "fix: tiers: 2" : fix_hint()));
  }
  if (tiers == 2 && !fits2) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("2 tiers cannot hold {} leaves {}: a {} spine has {} ports at {}G, so at most {} leaves ({} endpoints); {}",
                                 max_part, part_word, spine.name, spine_ports, g, spine_ports, max2, fix_hint()));
  }
  if (tiers == 3 && !fits3) {
    throw InputError(fs.tiers_where, "fabric.tiers",
                     fmt::format("3 tiers cannot hold {} leaves {}: {} pods of {} leaves exceed the {} core ports of {}; {}", max_part, part_word,
                                 pods, pod_leaves, core_ports, core.name, fix_hint()));
  }
  f.tiers = tiers;

  // Per-partition upper-tier plans (identical sizing across partitions of equal size).
  std::vector<PartitionPlan> plans(part_leaves.size());
  for (size_t p = 0; p < part_leaves.size(); ++p) {
    PartitionPlan& pp = plans[p];
    pp.leaves = part_leaves[p];
    pp.tiers = tiers;
    pp.uplinks = tiers == 1 ? 0 : std::max(uplinks, 1);
    const int64_t L = static_cast<int64_t>(pp.leaves.size());
    if (tiers == 2) {
      pp.spines = detail::spread_count(L, pp.uplinks, spine_ports);
      pp.parallel = pp.uplinks / pp.spines;
    } else if (tiers == 3) {
      pp.pod_leaves = pod_leaves;
      pp.pods = ceil_div(L, pod_leaves);
      pp.spines = pp.uplinks;  // one link from each leaf of a pod to each spine of that pod
      pp.spine_up = spine_up;
      pp.cores_per_group = detail::spread_count(pp.pods, spine_up, core_ports);
      pp.core_parallel = spine_up / pp.cores_per_group;
    }
  }
  const PartitionPlan& p0 = plans[0];

  // Tier designs (per plane).
  f.tier[1] = {tiers == 1 ? NodeRole::Leaf : NodeRole::Leaf, &leaf, r, tiers > 1 ? g : 0, lp.leaves(), lsplit.down, tiers > 1 ? p0.uplinks : 0, p0.parallel};
  if (tiers == 1) f.tier[1].down_ports = leaf_ports_r;
  if (tiers >= 2) {
    int64_t spines_per_plane = 0;
    for (auto& pp : plans) spines_per_plane += tiers == 2 ? pp.spines : static_cast<int64_t>(pp.spines) * pp.pods;
    const int spine_down = tiers == 2 ? static_cast<int>(max_part) * p0.parallel : p0.pod_leaves;
    f.tier[2] = {NodeRole::Spine, &spine, g, tiers == 3 ? g : 0, spines_per_plane, spine_down, tiers == 3 ? p0.spine_up : 0, tiers == 3 ? p0.core_parallel : 1};
  }
  if (tiers == 3) {
    int64_t cores = 0;
    for (auto& pp : plans) cores += static_cast<int64_t>(pp.spines) * pp.cores_per_group;
    f.tier[3] = {NodeRole::Core, &core, g, 0, cores, p0.pods * p0.core_parallel, 0, 1};
    f.pods = p0.pods;
  }
  if (tiers >= 2) {
    const double ratio = static_cast<double>(lsplit.down * r) / static_cast<double>(p0.uplinks * g);
    f.explanation.push_back(fmt::format("leaf {}: {} x {}G down + {} x {}G up ({} ports at {}G in all; {:.2f}:1 down:up)", leaf.name, lsplit.down, r,
                                        p0.uplinks, g, leaf_ports_r, r, ratio));
    if (max_used < static_cast<uint32_t>(lsplit.down)) {
      f.explanation.push_back(fmt::format("at most {} of a leaf's {} downlinks are used ({}); the rest are reported free", max_used, lsplit.down,
                                          fs.topology == Topology::Clos ? "whole servers per leaf" : "servers per scalable unit"));
    }
  }
  if (tiers == 2) {
    f.explanation.push_back(fmt::format("spines: {} leaves {} x {} uplinks = {} uplinks over {}-port spines -> {} spines {}, {} parallel link{} leaf-to-spine",
                                        max_part, part_word, p0.uplinks, max_part * p0.uplinks, spine_ports, p0.spines, part_word,
                                        p0.parallel, p0.parallel > 1 ? "s" : ""));
  } else if (tiers == 3) {
    f.explanation.push_back(fmt::format("pods of {} leaves and {} spines ({} pods {}); each spine {} down + {} up",
                                        p0.pod_leaves, p0.spines, p0.pods, part_word, p0.pod_leaves, p0.spine_up));
    f.explanation.push_back(fmt::format("cores: {} groups (one per spine position) x {} cores, {} parallel link{} spine-to-core; core radix {} >= {} pods",
                                        p0.spines, p0.cores_per_group, p0.core_parallel, p0.core_parallel > 1 ? "s" : "", core_ports, p0.pods));
  }

  // Nodes: NICs, then per plane leaves, spines, cores.
  const int64_t per_plane_switches = f.tier[1].per_plane + (tiers >= 2 ? f.tier[2].per_plane : 0) + (tiers == 3 ? f.tier[3].per_plane : 0);
  f.nodes.reserve(static_cast<size_t>(E + per_plane_switches * f.planes));
  for (int64_t e = 0; e < E; ++e) {
    f.nodes.push_back({NodeRole::Nic, 0, kNoPlane, static_cast<uint32_t>(e), static_cast<uint32_t>(e / f.nics_per_server)});
  }
  f.tier_begin.assign(static_cast<size_t>(f.planes) * (kMaxTiers + 2), 0);
  int64_t links_per_plane = E;
  for (auto& pp : plans) {
    links_per_plane += static_cast<int64_t>(pp.leaves.size()) * pp.uplinks;
    if (tiers == 3) links_per_plane += static_cast<int64_t>(pp.spines) * pp.pods * pp.spine_up;
  }
  f.links.reserve(static_cast<size_t>(links_per_plane * f.planes));

  for (int plane = 0; plane < f.planes; ++plane) {
    const uint16_t pl = static_cast<uint16_t>(plane);
    uint32_t* tb = &f.tier_begin[static_cast<size_t>(plane) * (kMaxTiers + 2)];
    tb[0] = 0;
    tb[1] = static_cast<uint32_t>(f.nodes.size());
    for (uint32_t l = 0; l < lp.leaves(); ++l) f.nodes.push_back({NodeRole::Leaf, 1, pl, l, lp.group[l]});
    tb[2] = static_cast<uint32_t>(f.nodes.size());
    // Spines (and cores) partition by partition; remember each partition's first spine/core.
    std::vector<uint32_t> spine_base(plans.size()), core_base(plans.size());
    uint32_t spine_idx = 0;
    for (size_t p = 0; p < plans.size(); ++p) {
      spine_base[p] = static_cast<uint32_t>(f.nodes.size());
      const int n = tiers == 2 ? plans[p].spines : tiers == 3 ? plans[p].spines * plans[p].pods : 0;
      for (int j = 0; j < n; ++j) {
        const uint32_t pod = tiers == 3 ? static_cast<uint32_t>(j / plans[p].spines) : static_cast<uint32_t>(p);
        f.nodes.push_back({NodeRole::Spine, 2, pl, spine_idx++, pod});
      }
    }
    tb[3] = static_cast<uint32_t>(f.nodes.size());
    uint32_t core_idx = 0;
    for (size_t p = 0; p < plans.size(); ++p) {
      core_base[p] = static_cast<uint32_t>(f.nodes.size());
      if (tiers != 3) continue;
      for (int j = 0; j < plans[p].spines * plans[p].cores_per_group; ++j) {
        f.nodes.push_back({NodeRole::Core, 3, pl, core_idx++, static_cast<uint32_t>(j / plans[p].cores_per_group)});
      }
    }
    tb[4] = static_cast<uint32_t>(f.nodes.size());
    // NIC -> leaf.
    for (int64_t e = 0; e < E; ++e) {
      f.links.push_back({NodeId(static_cast<uint32_t>(e)), NodeId(tb[1] + lp.leaf_of_endpoint[e]), static_cast<uint32_t>(r), 1, pl});
    }
    // Leaf -> spine -> core.
    for (size_t p = 0; p < plans.size(); ++p) {
      const PartitionPlan& pp = plans[p];
      for (size_t i = 0; i < pp.leaves.size(); ++i) {
        const NodeId leaf_id(tb[1] + pp.leaves[i]);
        if (tiers == 2) {
          for (int j = 0; j < pp.spines; ++j) {
            for (int k = 0; k < pp.parallel; ++k) {
              f.links.push_back({leaf_id, NodeId(spine_base[p] + static_cast<uint32_t>(j)), static_cast<uint32_t>(g), 2, pl});
            }
          }
        } else if (tiers == 3) {
          const int pod = static_cast<int>(i) / pp.pod_leaves;
          for (int j = 0; j < pp.spines; ++j) {
            f.links.push_back({leaf_id, NodeId(spine_base[p] + static_cast<uint32_t>(pod * pp.spines + j)), static_cast<uint32_t>(g), 2, pl});
          }
        }
      }
      if (tiers == 3) {
        for (int pod = 0; pod < pp.pods; ++pod) {
          for (int j = 0; j < pp.spines; ++j) {
            const NodeId spine_id(spine_base[p] + static_cast<uint32_t>(pod * pp.spines + j));
            for (int c = 0; c < pp.cores_per_group; ++c) {
              for (int k = 0; k < pp.core_parallel; ++k) {
                f.links.push_back({spine_id, NodeId(core_base[p] + static_cast<uint32_t>(j * pp.cores_per_group + c)), static_cast<uint32_t>(g), 3, pl});
              }
            }
          }
        }
      }
    }
  }
  if (f.planes > 1) {
    f.explanation.push_back(fmt::format("{} planes: each {}G NIC port splits into {} x {}G, one link into each independent plane", f.planes,
                                        nic_gbps, f.planes, r));
  }
  return f;
}

}  // namespace aifabric
