// Switch-scheduled fabric builder: leaf elements (host ports + cell fabric links) fully meshed to fabric elements.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "topo/build_fabric.h"

namespace aifabric::detail {

namespace {
const SwitchModel& element(const Catalog& c, const std::string& name, SwitchRole role, const SourceLocation& where, const char* field) {
  const SwitchModel* s = c.find_switch(name);
  if (!s) throw InputError(where, field, fmt::format("unknown switch element '{}'", name));
  if (s->role != role) {
    throw InputError(where, field, fmt::format("'{}' is a {} switch; {} must be a {}", name, to_string(s->role), field, to_string(role)));
  }
  return *s;
}
}  // namespace

Fabric build_switch_scheduled(const ClusterSpec& spec, const Catalog& catalog, Fabric f) {
  const FabricSpec& fs = spec.fabric;
  const SwitchModel& le = element(catalog, fs.leaf_element, SwitchRole::LeafElement, fs.switch_where, "fabric.leaf_element");
  const SwitchModel& fe = element(catalog, fs.fabric_element, SwitchRole::FabricElement, fs.switch_where, "fabric.fabric_element");
  const int64_t r = f.host_link_gbps;
  const int host_ports = (spec.optics.breakouts || r == le.cage_gbps) ? le.ports_at(r) : 0;
  if (host_ports == 0) {
    throw InputError(fs.link_where, "fabric.link_gbps", fmt::format("{} host cages ({}G) cannot carry {}G links", le.name, le.cage_gbps, r));
  }
  const int N = f.nics_per_server;
  const int d = host_ports >= N ? (host_ports / N) * N : host_ports;
  const int64_t E = f.nic_count();
  const int64_t les = (E + d - 1) / d;
  const int F = le.fabric_links;
  const int R = fe.fabric_links;
  const int64_t flink = le.fabric_link_gbps;
  const int64_t cage = flink * 8;  // fabric links leave in 8-lane cages
  // Fabric elements: the fewest that divide each leaf element's links evenly into cable-able bundles.
  int fes = 0, bundle = 0, parallel = 1;
  int64_t bundle_gbps = 0;
  for (int c = 1; c <= F; ++c) {
    if (F % c != 0 || les * (F / c) > R) continue;
    const int64_t b = static_cast<int64_t>(F / c) * flink;
    if (b >= cage ? b % cage == 0 : (cage % b == 0 && le.allows_breakout(static_cast<int>(cage / b)))) {
      fes = c;
      bundle = F / c;
      bundle_gbps = b >= cage ? cage : b;
      parallel = b >= cage ? static_cast<int>(b / cage) : 1;
      break;
    }
  }
  if (fes == 0) {
    throw InputError(spec.servers_where, "cluster",
                     fmt::format("{} leaf elements exceed what one stage of {} fabric elements joins ({} links each): a 2-stage cell fabric "
                                 "of these parts reaches {} endpoints per plane; fix: planes, or fewer endpoints per plane",
                                 les, fe.name, R, static_cast<int64_t>(R) * d));
  }
  f.tiers = 2;
  // Port minima: host ports alone need ceil(E / host ports) leaf elements; every leaf element's fabric links need
  // ceil(les x F / R) fabric elements.
  const int64_t fe_minimum = (les * F + R - 1) / R;
  f.tier[1] = {NodeRole::LeafElement, &le, r, bundle_gbps, les, d, F / bundle * parallel, parallel, (E + host_ports - 1) / host_ports};
  f.tier[2] = {NodeRole::FabricElement, &fe, bundle_gbps, 0, fes, static_cast<int>(les * parallel), 0, 1, fe_minimum};
  const double speedup = static_cast<double>(F * flink) / static_cast<double>(d * r);
  f.explanation.push_back(fmt::format("leaf element {}: {} host ports at {}G ({} used per element), {} fabric links at {}G: fabric speed-up {:.2f}",
                                      le.name, host_ports, r, d, F, flink, speedup));
  f.explanation.push_back(fmt::format("{} leaf elements x {} fabric links over {}-link fabric elements -> {} fabric elements; {} links per pair, cabled as {} x {}G; {}",
                                      les, F, R, fes, bundle, parallel, bundle_gbps,
                                      fes == fe_minimum ? fmt::format("{} is the port minimum", fes)
                                                        : fmt::format("the port minimum is {} (every leaf element's links split evenly over the elements needs {})", fe_minimum, fes)));

  f.nodes.reserve(static_cast<size_t>(E + (les + fes) * f.planes));
  for (int64_t e = 0; e < E; ++e) f.nodes.push_back({NodeRole::Nic, 0, kNoPlane, static_cast<uint32_t>(e), static_cast<uint32_t>(e / N)});
  f.tier_begin.assign(static_cast<size_t>(f.planes) * (kMaxTiers + 2), 0);
  f.links.reserve(static_cast<size_t>((E + les * fes * parallel) * f.planes));
  for (int plane = 0; plane < f.planes; ++plane) {
    const uint16_t pl = static_cast<uint16_t>(plane);
    uint32_t* tb = &f.tier_begin[static_cast<size_t>(plane) * (kMaxTiers + 2)];
    tb[1] = static_cast<uint32_t>(f.nodes.size());
    for (int64_t l = 0; l < les; ++l) f.nodes.push_back({NodeRole::LeafElement, 1, pl, static_cast<uint32_t>(l), static_cast<uint32_t>(l)});
    tb[2] = static_cast<uint32_t>(f.nodes.size());
    for (int j = 0; j < fes; ++j) f.nodes.push_back({NodeRole::FabricElement, 2, pl, static_cast<uint32_t>(j), 0});
    tb[3] = tb[4] = static_cast<uint32_t>(f.nodes.size());
    for (int64_t e = 0; e < E; ++e) {
      f.links.push_back({NodeId(static_cast<uint32_t>(e)), NodeId(tb[1] + static_cast<uint32_t>(e / d)), static_cast<uint32_t>(r), 1, pl});
    }
    for (int64_t l = 0; l < les; ++l) {
      for (int j = 0; j < fes; ++j) {
        for (int k = 0; k < parallel; ++k) {
          f.links.push_back({NodeId(tb[1] + static_cast<uint32_t>(l)), NodeId(tb[2] + static_cast<uint32_t>(j)), static_cast<uint32_t>(bundle_gbps), 2, pl});
        }
      }
    }
  }
  return f;
}

}  // namespace aifabric::detail
