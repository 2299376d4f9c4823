// Proposal checking: redo every count and sum a written design states, and say where it does not add up.
#include "plan/proposal.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "core/number_format.h"
#include "core/yaml_reader.h"

namespace aifabric {

std::string_view to_string(FindingStatus s) {
  switch (s) {
    case FindingStatus::Consistent: return "ok";
    case FindingStatus::Inconsistent: return "DOES NOT ADD UP";
    case FindingStatus::Note: return "note";
  }
  return "?";
}

bool ProposalReport::ok() const {
  return std::none_of(findings.begin(), findings.end(), [](const Finding& f) { return f.status == FindingStatus::Inconsistent; });
}

namespace {

Claim read_claim(MapReader& m, const std::string& key) {
  Claim c;
  if (!m.has(key)) return c;
  YAML::Node n = m.raw(key);
  c.present = true;
  auto num = [&](const YAML::Node& x) {
    double v = 0;
    try {
      v = x.as<double>();
    } catch (const YAML::Exception&) {
      throw InputError(location_of_node(x, m.file()), m.field(key), "expected a number, [low, high] or {at_least: N}");
    }
    // yaml-cpp reads .nan and .inf; a claim is a finite quantity (and the report cannot print the others).
    if (!std::isfinite(v)) throw InputError(location_of_node(x, m.file()), m.field(key), "expected a finite number, not NaN or infinity");
    return v;
  };
  if (n.IsSequence() && n.size() == 2) {
    c.lo = num(n[0]);
    c.hi = num(n[1]);
    if (c.hi < c.lo) m.fail(key, "range is [low, high] with low <= high");
  } else if (n.IsMap() && n["at_least"]) {
    c.lo = c.hi = num(n["at_least"]);
    c.at_least = true;
  } else if (n.IsScalar()) {
    c.lo = c.hi = num(n);
  } else {
    m.fail(key, "expected a number, [low, high] or {at_least: N}");
  }
  if (c.lo < 0) m.fail(key, "a claimed quantity cannot be negative");
  return c;
}

ProposalPorts read_ports(MapReader& m, const std::string& key) {
  ProposalPorts p;
  if (!m.has(key)) return p;
  MapReader c = m.child(key);
  p.ports = c.required_integer("ports", 0, 1'000'000);
  p.gbps = c.required_integer("gbps", 1, 3200);
  c.finish();
  return p;
}

std::string th(double v) { return with_thousands(v); }
std::string plural(const std::string& role) { return role == "leaf" ? "leaves" : role + "s"; }

bool claim_matches(const Claim& c, double v, double tol = 0.005) {
  if (c.at_least) return v + 1e-9 >= c.lo;
  const double lo = c.lo * (1 - tol), hi = c.hi * (1 + tol);
  return v + 1e-9 >= lo && v - 1e-9 <= hi;
}

std::string claim_text(const Claim& c) {
  if (c.at_least) return "over " + th(c.lo);
  if (c.lo == c.hi) return th(c.lo);
  return th(c.lo) + "-" + th(c.hi);
}

}  // namespace

Proposal parse_proposal(const std::string& text, const std::string& file) {
  const YAML::Node root = parse_yaml(text, file);
  MapReader doc(root, file, "");
  Proposal p;
  p.file = file;
  p.where = doc.location();
  p.name = doc.string("name", std::filesystem::path(file).stem().string());
  p.source = doc.string("source", "");
  MapReader s = doc.child("servers");
  if (!doc.has("servers")) doc.fail_here("needs a 'servers' section (count, xpus_per_server)");
  p.servers = s.required_integer("count", 1, 10'000'000);
  p.xpus_per_server = static_cast<int>(s.required_integer("xpus_per_server", 1, 1024));
  p.servers_per_rack = static_cast<int>(s.integer("per_rack", 0, 0, 1024));
  p.server_model = s.string("model", "");
  p.nics_per_server = static_cast<int>(s.integer("nics_per_server", 0, 0, 1024));
  s.finish();
  MapReader cl = doc.child("claims");
  p.xpus = read_claim(cl, "xpus");
  p.compute_racks = read_claim(cl, "compute_racks");
  p.xpus_per_rack = read_claim(cl, "xpus_per_rack");
  p.modules_total = read_claim(cl, "modules_total");
  p.aggregate_tbps = read_claim(cl, "aggregate_tbps");
  p.fibers = read_claim(cl, "fibers");
  cl.finish();
  for (auto& t : doc.child_list("tiers")) {
    ProposalTier pt;
    pt.where = t.location();
    pt.role = t.choice("role", "leaf", {"leaf", "spine", "core"});
    pt.switches = t.required_integer("switches", 1, 10'000'000);
    pt.model = t.string("model", "");
    pt.down = read_ports(t, "down");
    pt.up = read_ports(t, "up");
    if (pt.down.ports == 0) t.fail("down", "each tier needs its downlink ports (ports, gbps)");
    t.finish();
    p.tiers.push_back(pt);
  }
  if (p.tiers.empty()) doc.fail("tiers", "a proposal needs at least one tier of switches");
  for (auto& m : doc.child_list("modules")) {
    ProposalModules pm;
    pm.where = m.location();
    pm.part = m.required_string("part");
    pm.count = m.required_integer("count", 0, 100'000'000);
    pm.at = m.required_string("at");
    m.finish();
    p.modules.push_back(pm);
  }
  for (auto& e : doc.child_list("power_examples")) {
    PowerExample pe;
    pe.name = e.string("name", "power example");
    pe.switches = e.integer("switches", 1, 0, 1'000'000);
    if (e.has("switch_w")) {
      Claim c = read_claim(e, "switch_w");
      pe.switch_w_lo = c.lo;
      pe.switch_w_hi = c.hi;
    }
    pe.modules = e.integer("modules", 0, 0, 100'000'000);
    pe.module_w = e.number("module_w", 0, 0, 1000);
    pe.pue = e.number("pue", 1.3, 1.0, 3.0);
    pe.optics_w = read_claim(e, "claimed_optics_w");
    pe.it_w = read_claim(e, "claimed_it_w");
    pe.facility_w = read_claim(e, "claimed_facility_w");
    e.finish();
    p.power_examples.push_back(pe);
  }
  p.compare_with = doc.string("compare_with", "");
  if (!p.compare_with.empty() && std::filesystem::path(p.compare_with).is_relative()) {
    p.compare_with = (std::filesystem::path(file).parent_path() / p.compare_with).string();
  }
  doc.finish();
  // Module locations must name a tier of the proposal (or nic).
  for (const auto& m : p.modules) {
    bool ok = m.at == "nic";
    for (const auto& t : p.tiers) ok = ok || m.at == t.role + "-down" || m.at == t.role + "-up";
    if (!ok) {
      std::vector<std::string> valid{"nic"};
      for (const auto& t : p.tiers) { valid.push_back(t.role + "-down"); if (t.up.ports) valid.push_back(t.role + "-up"); }
      throw InputError(m.where, "modules.at", fmt::format("'{}' is not a port group of this proposal; valid: {}", m.at, fmt::join(valid, ", ")));
    }
  }
  return p;
}

Proposal load_proposal(const std::string& path) { return parse_proposal(read_text_file(path, "proposal"), path); }

ProposalReport check_proposal(const Proposal& p, const Catalog& cat, const PlanOptions& options) {
  ProposalReport r;
  r.proposal = p;
  auto add = [&](FindingStatus s, std::string topic, std::string detail, double value = 0) {
    r.findings.push_back({s, std::move(topic), std::move(detail), value});
  };
  const double xpus = static_cast<double>(p.servers) * p.xpus_per_server;
  const int nics_per_server = p.nics_per_server > 0 ? p.nics_per_server : p.xpus_per_server;
  const int64_t host_links = p.servers * nics_per_server;

  // Servers, XPUs, racks.
  if (p.xpus.present) {
    add(claim_matches(p.xpus, xpus) ? FindingStatus::Consistent : FindingStatus::Inconsistent, "XPU count",
        fmt::format("{} servers x {} XPUs = {} XPUs; the proposal says {}", th(p.servers), p.xpus_per_server, th(xpus), claim_text(p.xpus)));
  }
  if (!p.server_model.empty()) {
    const ServerModel* sm = cat.find_server(p.server_model);
    if (!sm) {
      add(FindingStatus::Note, "server model", fmt::format("'{}' is not in the catalog; not compared", p.server_model));
    } else if (sm->xpus != p.xpus_per_server) {
      add(FindingStatus::Inconsistent, "server model",
          fmt::format("a {} has {} XPUs ({}), not {}: {} XPUs need {} of them, not {}", sm->name, sm->xpus, sm->source, p.xpus_per_server, th(xpus),
                      th(std::ceil(xpus / sm->xpus)), th(p.servers)));
    } else {
      add(FindingStatus::Consistent, "server model", fmt::format("{} has {} XPUs as stated", sm->name, sm->xpus));
    }
  }
  if (p.servers_per_rack > 0) {
    const double racks = std::ceil(static_cast<double>(p.servers) / p.servers_per_rack);
    if (p.compute_racks.present) {
      add(claim_matches(p.compute_racks, racks) ? FindingStatus::Consistent : FindingStatus::Inconsistent, "compute racks",
          fmt::format("{} servers / {} per rack = {} racks; the proposal says {}", th(p.servers), p.servers_per_rack, th(racks), claim_text(p.compute_racks)));
    }
    if (p.xpus_per_rack.present) {
      const double per_rack = static_cast<double>(p.servers_per_rack) * p.xpus_per_server;
      add(claim_matches(p.xpus_per_rack, per_rack) ? FindingStatus::Consistent : FindingStatus::Inconsistent, "XPUs per rack",
          fmt::format("{} servers x {} XPUs = {} per rack; the proposal says {}", p.servers_per_rack, p.xpus_per_server, th(per_rack), claim_text(p.xpus_per_rack)));
    }
  }

  // Port arithmetic, tier by tier.
  const ProposalTier& leaf = p.tiers.front();
  const int64_t leaf_down = leaf.switches * leaf.down.ports;
  add(leaf_down == host_links ? FindingStatus::Consistent : FindingStatus::Inconsistent, "host links",
      fmt::format("{} servers x {} NICs = {} host links; {} {} x {} downlinks = {} ports{}", th(p.servers), nics_per_server, th(host_links),
                  th(leaf.switches), plural(leaf.role), leaf.down.ports, th(leaf_down),
                  leaf_down > host_links ? fmt::format(" ({} idle)", th(leaf_down - host_links))
                  : leaf_down < host_links ? fmt::format(" ({} NICs unconnected)", th(host_links - leaf_down)) : ""));
  for (size_t i = 0; i < p.tiers.size(); ++i) {
    const ProposalTier& t = p.tiers[i];
    const double down_t = static_cast<double>(t.down.ports * t.down.gbps) / 1000.0;
    const double up_t = static_cast<double>(t.up.ports * t.up.gbps) / 1000.0;
    if (t.up.ports > 0) {
      const double ratio = down_t / up_t;
      add(std::abs(ratio - 1.0) < 1e-9 ? FindingStatus::Consistent : FindingStatus::Note, t.role + " oversubscription",
          fmt::format("each {}: {} x {}G down = {} Tb/s, {} x {}G up = {} Tb/s -> {}:1{}", t.role, t.down.ports, t.down.gbps, th(down_t), t.up.ports,
                      t.up.gbps, th(up_t), th(ratio), std::abs(ratio - 1.0) < 1e-9 ? " (non-blocking)" : " oversubscribed (the proposal does not say so)"));
    }
    if (!t.model.empty()) {
      const SwitchModel* sm = cat.find_switch(t.model);
      if (!sm) {
        add(FindingStatus::Note, t.role + " switch", fmt::format("'{}' not in the catalog; port fit not checked", t.model));
      } else {
        const double need = static_cast<double>(t.down.ports * t.down.gbps + t.up.ports * t.up.gbps);
        const double cages = static_cast<double>(t.down.ports * t.down.gbps) / static_cast<double>(sm->cage_gbps) +
                             static_cast<double>(t.up.ports * t.up.gbps) / static_cast<double>(sm->cage_gbps);
        add(need <= static_cast<double>(sm->capacity_gbps()) + 1e-9 ? FindingStatus::Consistent : FindingStatus::Inconsistent, t.role + " switch fit",
            fmt::format("{}: {} Tb/s of ports on a {} Tb/s switch ({} of {} {}G cages{})", sm->name, th(need / 1000), th(sm->capacity_gbps() / 1000.0),
                        th(cages), sm->cages, sm->cage_gbps, cages < sm->cages ? fmt::format(", {} free", th(sm->cages - cages)) : ""));
      }
    }
    if (i + 1 < p.tiers.size()) {
      const ProposalTier& u = p.tiers[i + 1];
      const int64_t ups = t.switches * t.up.ports;
      const int64_t downs = u.switches * u.down.ports;
      if (t.up.gbps != u.down.gbps) {
        add(FindingStatus::Inconsistent, t.role + "-" + u.role + " rate",
            fmt::format("{} uplinks run {}G but {} downlinks run {}G", t.role, t.up.gbps, u.role, u.down.gbps));
      }
      if (ups == downs) {
        add(FindingStatus::Consistent, t.role + "-" + u.role + " ports",
            fmt::format("{} x {} {} uplinks = {} x {} {} ports = {}", th(t.switches), t.up.ports, t.role, th(u.switches), u.down.ports, u.role, th(ups)));
      } else {
        add(FindingStatus::Inconsistent, t.role + "-" + u.role + " ports",
            fmt::format("{} {} x {} uplinks = {} links, but {} {} x {} ports = {}: {}", th(t.switches), plural(t.role), t.up.ports, th(ups), th(u.switches), plural(u.role),
                        u.down.ports, th(downs),
                        ups < downs ? fmt::format("{} {} ports ({:.0f}%) stay idle, or {} {} would do", th(downs - ups), u.role,
                                                  100.0 * static_cast<double>(downs - ups) / static_cast<double>(downs),
                                                  th(std::ceil(static_cast<double>(ups) / static_cast<double>(u.down.ports))), plural(u.role))
                                    : fmt::format("{} uplinks have nowhere to go", th(ups - downs))));
      }
    }
  }

  // Modules: every optical link needs a module at both ends.
  std::map<std::string, int64_t> modules_at;
  int64_t modules_sum = 0, fiber_positions = 0;
  double module_tbps_all = 0;
  std::vector<std::pair<std::string, double>> module_rates;  // for the aggregate-bandwidth claim
  for (const auto& m : p.modules) {
    modules_at[m.at] += m.count;
    modules_sum += m.count;
    const Part* part = cat.find_part(m.part);
    if (!part) throw InputError(m.where, "modules.part", fmt::format("unknown part '{}'; see 'aifabric catalog'", m.part));
    fiber_positions += m.count * part->fibers;
    module_tbps_all += static_cast<double>(m.count * part->rate_gbps) / 1000.0;
    module_rates.emplace_back(fmt::format("{} x {}G ({})", th(static_cast<double>(m.count)), part->rate_gbps, m.at), static_cast<double>(m.count * part->rate_gbps) / 1000.0);
    // The module's rate and lanes against the port group it sits in.
    const ProposalTier* t = nullptr;
    bool up = false;
    for (const auto& x : p.tiers) {
      if (m.at == x.role + "-down") t = &x;
      if (m.at == x.role + "-up") { t = &x; up = true; }
    }
    if (t) {
      const ProposalPorts& pp = up ? t->up : t->down;
      if (part->sub_link_gbps() != pp.gbps && part->rate_gbps != pp.gbps) {
        add(FindingStatus::Inconsistent, "module rate", fmt::format("{} ({}G) sits in {}G ports at {}", part->name, part->rate_gbps, pp.gbps, m.at));
      }
      if (!t->model.empty()) {
        if (const SwitchModel* sm = cat.find_switch(t->model); sm && part->lane_gbps() != sm->lane_gbps) {
          add(FindingStatus::Inconsistent, "module lanes",
              fmt::format("{} runs {} x {}G lanes but {} has {}G SerDes: the module does not work in that cage without a gearbox", part->name, part->lanes,
                          part->lane_gbps(), sm->name, sm->lane_gbps));
        }
      }
    }
  }
  // One switch has one SerDes generation: modules of different lane rates in one tier cannot share an ASIC.
  for (const auto& t : p.tiers) {
    std::map<int64_t, std::string> lanes;
    for (const auto& m : p.modules) {
      if (m.at != t.role + "-down" && m.at != t.role + "-up") continue;
      if (const Part* part = cat.find_part(m.part)) lanes.emplace(part->lane_gbps(), fmt::format("{} ({} x {}G lanes)", part->name, part->lanes, part->lane_gbps()));
    }
    if (lanes.size() > 1) {
      std::vector<std::string> v;
      for (const auto& [g, d] : lanes) v.push_back(d);
      add(FindingStatus::Inconsistent, t.role + " SerDes",
          fmt::format("one {} carries {}: a switch ASIC runs one SerDes rate, so these modules cannot all plug into the same switch without gearboxes",
                      t.role, fmt::join(v, " and ")));
    }
  }
  // Link ends per tier boundary versus modules listed for them.
  auto ends_check = [&](const std::string& a, const std::string& b, int64_t links, const std::string& what) {
    const int64_t listed = (modules_at.count(a) ? modules_at[a] : 0) + (modules_at.count(b) ? modules_at[b] : 0);
    const int64_t a_cnt = modules_at.count(a) ? modules_at[a] : 0;
    const int64_t b_cnt = modules_at.count(b) ? modules_at[b] : 0;
    if (listed == 2 * links && a_cnt == links && b_cnt == links) {
      add(FindingStatus::Consistent, what + " modules", fmt::format("{} links x 2 ends = {} modules, as listed", th(links), th(2 * links)));
    } else {
      add(FindingStatus::Inconsistent, what + " modules",
          fmt::format("{} links need a module at each end: {} at {} and {} at {} ({} in all); the proposal lists {} and {}", th(links), th(links), a, th(links), b,
                      th(2 * links), th(a_cnt), th(b_cnt)));
    }
  };
  ends_check("nic", leaf.role + "-down", host_links, "host-link");
  for (size_t i = 0; i + 1 < p.tiers.size(); ++i) {
    const ProposalTier& t = p.tiers[i];
    const ProposalTier& u = p.tiers[i + 1];
    ends_check(t.role + "-up", u.role + "-down", std::min(t.switches * t.up.ports, u.switches * u.down.ports), t.role + "-" + u.role);
  }
  if (p.modules_total.present) {
    add(claim_matches(p.modules_total, static_cast<double>(modules_sum)) ? FindingStatus::Consistent : FindingStatus::Inconsistent, "module total",
        fmt::format("the listed modules sum to {}; the proposal says {}", th(static_cast<double>(modules_sum)), claim_text(p.modules_total)),
        static_cast<double>(modules_sum));
  }
  if (p.aggregate_tbps.present) {
    // Which subset of the module lines gives the claimed figure?
    std::string explained;
    const size_t n = module_rates.size();
    for (uint32_t mask = 1; n < 16 && mask < (1u << n); ++mask) {
      double sum = 0;
      std::vector<std::string> parts;
      for (size_t i = 0; i < n; ++i) if (mask & (1u << i)) { sum += module_rates[i].second; parts.push_back(module_rates[i].first); }
      if (claim_matches(p.aggregate_tbps, sum, 0.01)) { explained = fmt::format("{} = {} Tb/s", fmt::join(parts, " + "), th(sum)); break; }
    }
    const double host_tbps = static_cast<double>(host_links * leaf.down.gbps) / 1000.0;
    double fabric_tbps = 0;
    for (size_t i = 0; i + 1 < p.tiers.size(); ++i) {
      fabric_tbps += static_cast<double>(std::min(p.tiers[i].switches * p.tiers[i].up.ports, p.tiers[i + 1].switches * p.tiers[i + 1].down.ports) *
                                         p.tiers[i].up.gbps) / 1000.0;
    }
    const bool plain = claim_matches(p.aggregate_tbps, host_tbps + fabric_tbps, 0.01) || claim_matches(p.aggregate_tbps, module_tbps_all, 0.01);
    add(plain ? FindingStatus::Consistent : FindingStatus::Inconsistent, "aggregate bandwidth",
        fmt::format("the links carry {} Tb/s host-facing + {} Tb/s between tiers = {} Tb/s (one direction); all listed modules sum to {} Tb/s; "
                    "the proposal's {} Tb/s {}",
                    th(host_tbps), th(fabric_tbps), th(host_tbps + fabric_tbps), th(module_tbps_all), claim_text(p.aggregate_tbps),
                    explained.empty() ? "matches no consistent sum" : "is " + explained + ", which mixes port counts that do not correspond to links"));
  }
  if (p.fibers.present) {
    const double strands = static_cast<double>(fiber_positions) / 2.0;
    add(claim_matches(p.fibers, static_cast<double>(fiber_positions)) ? FindingStatus::Consistent : FindingStatus::Inconsistent, "fibres",
        fmt::format("{} modules' fibre counts sum to {} fibre positions; as module-to-module links each strand joins two positions, that is {} strands; "
                    "the proposal says {}",
                    th(static_cast<double>(modules_sum)), th(static_cast<double>(fiber_positions)), th(strands), claim_text(p.fibers)),
        static_cast<double>(fiber_positions));
  }

  // Power examples.
  for (const auto& e : p.power_examples) {
    const double optics = static_cast<double>(e.modules) * e.module_w;
    const double it_lo = optics + static_cast<double>(e.switches) * e.switch_w_lo;
    const double it_hi = optics + static_cast<double>(e.switches) * e.switch_w_hi;
    auto range = [&](double lo, double hi) { return std::abs(hi - lo) < 1e-9 ? th(lo) : th(lo) + "-" + th(hi); };
    if (e.optics_w.present) {
      add(claim_matches(e.optics_w, optics) ? FindingStatus::Consistent : FindingStatus::Inconsistent, e.name + ": optics power",
          fmt::format("{} x {} W = {} W; claimed {} W", th(static_cast<double>(e.modules)), th(e.module_w), th(optics), claim_text(e.optics_w)), optics);
    }
    if (e.it_w.present) {
      const bool ok = claim_matches(e.it_w, it_lo, 0.02) && claim_matches(e.it_w, it_hi, 0.02);
      add(ok ? FindingStatus::Consistent : FindingStatus::Inconsistent, e.name + ": IT power",
          fmt::format("{} W optics + {} x {} W switch = {} W; claimed {} W", th(optics), th(static_cast<double>(e.switches)),
                      range(e.switch_w_lo, e.switch_w_hi), range(it_lo, it_hi), claim_text(e.it_w)), it_hi);
    }
    if (e.facility_w.present) {
      const double f_lo = it_lo * e.pue, f_hi = it_hi * e.pue;
      const bool ok = claim_matches(e.facility_w, f_lo, 0.02) && claim_matches(e.facility_w, f_hi, 0.02);
      add(ok ? FindingStatus::Consistent : FindingStatus::Inconsistent, e.name + ": with cooling",
          fmt::format("{} W x PUE {} = {} W; claimed {} W", range(it_lo, it_hi), th(e.pue), range(f_lo, f_hi), claim_text(e.facility_w)), f_hi);
    }
  }

  // What the planner derives for the same intent.
  if (!p.compare_with.empty()) {
    const ClusterSpec spec = load_cluster_spec(p.compare_with);
    auto own = std::make_shared<Catalog>(cat);  // the compared spec's own catalog files layer on top
    for (const auto& file : spec.catalog_files) own->load_yaml(read_text_file(file, "catalog file"), file);
    own->validate();
    r.plan = make_plan(spec, *own, options);
    r.plan->owned_catalog = own;
    const Plan& pl = *r.plan;
    std::vector<std::string> parts;
    for (int t = 1; t <= pl.fabric.tiers; ++t) parts.push_back(fmt::format("{} {}", pl.fabric.switch_count(t), plural(std::string(to_string(pl.fabric.tier[t].role)))));
    add(FindingStatus::Note, "planner's design of the same intent",
        fmt::format("{} ({}): {}; {} optical modules, {} fibre positions ({} strands), {:.1f} kW network IT power", spec.name, p.compare_with,
                    fmt::join(parts, " + "), pl.fibers.optical_modules, pl.fibers.module_fiber_positions, pl.fibers.strands_smf + pl.fibers.strands_mmf,
                    (pl.power.switches_w + pl.power.optics_w) / 1000.0));
  }
  return r;
}

}  // namespace aifabric
