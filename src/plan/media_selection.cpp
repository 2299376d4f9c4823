// Medium by reach: for each link, the catalog cable or module pair that reaches it, by the optics policy.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plan/plan.h"

namespace aifabric {

std::string LinkChoice::label() const {
  if (cable) return cable->name;
  if (lower == upper || (lower && upper && lower->name == upper->name)) return lower->name + " (both ends)";
  return fmt::format("{} <-> {}", lower ? lower->name : "?", upper ? upper->name : "?");
}

namespace {

const std::vector<int> kAllBreakouts = {1, 2, 4, 8};

// A fabric element has no host cages: its fabric links leave in 8-lane cages of fabric_link_gbps lanes.
CageProfile fabric_side_profile(const SwitchModel& s) {
  CageProfile p = cage_profile(s);
  p.cage_gbps = s.fabric_link_gbps * 8;
  p.lane_gbps = s.fabric_link_gbps;
  return p;
}

}  // namespace

CageProfile lower_profile(const Fabric& f, int tier) {
  if (tier == 1) return cage_profile(*f.nic);
  const SwitchModel& s = *f.tier[tier - 1].model;
  return s.role == SwitchRole::LeafElement ? fabric_side_profile(s) : cage_profile(s);
}

CageProfile upper_profile(const Fabric& f, int tier) {
  const SwitchModel& s = *f.tier[tier].model;
  return s.role == SwitchRole::FabricElement ? fabric_side_profile(s) : cage_profile(s);
}

namespace {

bool excluded(const OpticsSpec& o, const Part& p) {
  return std::find(o.exclude.begin(), o.exclude.end(), p.name) != o.exclude.end();
}

// All valid media for links of `gbps` between ends a (lower) and b (upper), best first by policy.
std::vector<LinkChoice> candidates(const Catalog& cat, const OpticsSpec& opt, const CageProfile& a, const CageProfile& b, int64_t gbps) {
  std::vector<LinkChoice> out;
  if (gbps <= 0 || a.cage_gbps % gbps != 0 || b.cage_gbps % gbps != 0) return out;
  const int sa = static_cast<int>(a.cage_gbps / gbps);
  const int sb = static_cast<int>(b.cage_gbps / gbps);
  if (!a.allows_breakout(sa) || !b.allows_breakout(sb)) return out;
  if (!opt.breakouts && (sa > 1 || sb > 1)) return out;
  const bool lpo_ok = opt.lpo && a.lpo && b.lpo && a.vendor == b.vendor;
  for (const Part& p : cat.parts()) {
    if (!is_cable(p.kind) || excluded(opt, p)) continue;
    // The split end of a breakout cable sits in the cage that is broken out.
    const auto fits = [&](const CageProfile& whole, int split, const CageProfile& far) {
      return p.rate_gbps == whole.cage_gbps && p.breakout == split && p.form_factor == whole.form_factor &&
             p.far_form_factor == far.form_factor && far.cage_gbps == gbps && p.lane_gbps() == whole.lane_gbps &&
             p.lane_gbps() == far.lane_gbps;
    };
    if (fits(a, sa, b) || fits(b, sb, a)) {
      LinkChoice c;
      c.cable = &p;
      c.lower_split = sa;
      c.upper_split = sb;
      c.reach_m = p.reach_m;
      c.power_w = p.power_w / p.breakout;
      c.price_usd = p.price_usd / p.breakout;
      c.latency_ns = p.latency_ns;
      c.fibers = 0;
      out.push_back(c);
    }
  }
  for (const Part& pa : cat.parts()) {
    if (pa.kind != PartKind::Transceiver || excluded(opt, pa)) continue;
    if (pa.rate_gbps != a.cage_gbps || !pa.splits_into(sa) || pa.form_factor != a.form_factor || pa.lane_gbps() != a.lane_gbps) continue;
    if (pa.lpo && !lpo_ok) continue;
    for (const Part& pb : cat.parts()) {
      if (pb.kind != PartKind::Transceiver || excluded(opt, pb)) continue;
      if (pb.family != pa.family || pb.fiber != pa.fiber || pb.lpo != pa.lpo) continue;
      if (pb.rate_gbps != b.cage_gbps || !pb.splits_into(sb) || pb.form_factor != b.form_factor || pb.lane_gbps() != b.lane_gbps) continue;
      if (pa.fibers / sa != pb.fibers / sb || pa.lanes / sa != pb.lanes / sb) continue;
      LinkChoice c;
      c.lower = &pa;
      c.upper = &pb;
      c.lower_split = sa;
      c.upper_split = sb;
      c.reach_m = std::min(pa.reach_m, pb.reach_m);
      c.power_w = pa.power_w / sa + pb.power_w / sb;
      c.price_usd = pa.price_usd / sa + pb.price_usd / sb;
      c.latency_ns = pa.latency_ns + pb.latency_ns;
      c.fibers = pa.fibers / sa;
      out.push_back(c);
    }
  }
  const bool by_power = opt.prefer == OpticsPreference::LowestPower;
  std::stable_sort(out.begin(), out.end(), [&](const LinkChoice& x, const LinkChoice& y) {
    const double xk1 = by_power ? x.power_w : x.price_usd, yk1 = by_power ? y.power_w : y.price_usd;
    if (std::abs(xk1 - yk1) > 1e-9) return xk1 < yk1;
    const double xk2 = by_power ? x.price_usd : x.power_w, yk2 = by_power ? y.price_usd : y.power_w;
    if (std::abs(xk2 - yk2) > 1e-9) return xk2 < yk2;
    return x.label() < y.label();
  });
  return out;
}

std::string tier_name(const Fabric& f, int tier) {
  return fmt::format("{}-{}", tier == 1 ? "nic" : std::string(to_string(f.tier[tier - 1].role)), to_string(f.tier[tier].role));
}

}  // namespace

void choose_media(Plan& plan, const Catalog& catalog) {
  const Fabric& f = plan.fabric;
  const OpticsSpec& opt = plan.spec.optics;
  plan.choices.clear();
  plan.link_choice.assign(f.links.size(), 0);
  // Candidate lists per (tier, rate): links of one tier share their end profiles.
  struct Key { int tier; uint32_t gbps; std::vector<LinkChoice> list; std::vector<int> index; };
  std::vector<Key> lists;
  auto list_for = [&](int tier, uint32_t gbps) -> Key& {
    for (auto& k : lists) if (k.tier == tier && k.gbps == gbps) return k;
    Key k{tier, gbps, candidates(catalog, opt, lower_profile(f, tier), upper_profile(f, tier), gbps), {}};
    k.index.assign(k.list.size(), -1);
    if (k.list.empty()) {
      const CageProfile a = lower_profile(f, tier), b = upper_profile(f, tier);
      throw InputError(opt.where, "optics",
                       fmt::format("no catalog part joins {} links at {}G ({} {}G cage, {}G lanes <-> {} {}G cage, {}G lanes){}{}; "
                                   "add one in a user catalog (--catalog) or change the switch, NIC or link rate",
                                   tier_name(f, tier), gbps, to_string(a.form_factor), a.cage_gbps, a.lane_gbps,
                                   to_string(b.form_factor), b.cage_gbps, b.lane_gbps,
                                   opt.breakouts ? "" : " with breakouts disallowed", opt.exclude.empty() ? "" : " after optics.exclude"));
    }
    lists.push_back(std::move(k));
    return lists.back();
  };
  // Links that share a broken-out cage share its module, and a fan-out joins them to the cages at the far
  // end: each connected group of shared cages gets one medium, chosen to reach its longest link.
  std::vector<uint32_t> parent(f.links.size());
  for (uint32_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  {
    // Next free sub-port per node, as the lower end and as the upper end of a link; the first link of
    // the cage currently being filled.
    std::vector<uint32_t> slot_lo(f.nodes.size(), 0), slot_up(f.nodes.size(), 0);
    std::vector<uint32_t> cage_lo(f.nodes.size(), 0), cage_up(f.nodes.size(), 0);
    for (uint32_t i = 0; i < f.links.size(); ++i) {
      const Link& l = f.links[i];
      const CageProfile a = lower_profile(f, l.tier), b = upper_profile(f, l.tier);
      const uint32_t sa = static_cast<uint32_t>(a.cage_gbps / l.gbps), sb = static_cast<uint32_t>(b.cage_gbps / l.gbps);
      auto join = [&](uint32_t split, uint32_t node, std::vector<uint32_t>& slot, std::vector<uint32_t>& first) {
        if (split <= 1) return;
        if (slot[node] % split == 0) first[node] = i;
        else parent[find(i)] = find(first[node]);
        ++slot[node];
      };
      join(sa, l.lower.value(), slot_lo, cage_lo);
      join(sb, l.upper.value(), slot_up, cage_up);
    }
  }
  std::vector<float> group_len(f.links.size(), 0.0f);
  for (uint32_t i = 0; i < f.links.size(); ++i) {
    const uint32_t r = find(i);
    group_len[r] = std::max(group_len[r], plan.link_length_m[i]);
  }
  for (size_t i = 0; i < f.links.size(); ++i) {
    const Link& l = f.links[i];
    Key& k = list_for(l.tier, l.gbps);
    const double len = group_len[find(static_cast<uint32_t>(i))];
    size_t pick = k.list.size();
    for (size_t c = 0; c < k.list.size(); ++c) {
      if (k.list[c].reach_m + 1e-9 >= len) { pick = c; break; }
    }
    if (pick == k.list.size()) {
      double longest = 0;
      std::string longest_name;
      for (const auto& c : k.list) if (c.reach_m > longest) { longest = c.reach_m; longest_name = c.label(); }
      throw InputError(plan.spec.layout.where, "layout",
                       fmt::format("link {} - {} ({}) is {:.1f} m{}; no catalog part for {}G {} links reaches it (longest: {} at {} m); "
                                   "shorten the layout (racks_per_row, row_pitch_m, network_racks) or add a longer-reach part",
                                   f.node_name(l.lower), f.node_name(l.upper), tier_name(f, l.tier), plan.link_length_m[i],
                                   len > plan.link_length_m[i] + 1e-6 ? fmt::format(" (its breakout group's longest link is {:.1f} m)", len) : "",
                                   l.gbps, tier_name(f, l.tier), longest_name, longest));
    }
    if (k.index[pick] < 0) {
      k.index[pick] = static_cast<int>(plan.choices.size());
      plan.choices.push_back(k.list[pick]);
    }
    plan.link_choice[i] = static_cast<uint16_t>(k.index[pick]);
  }
  // An appliance port takes the medium of its leaf's NIC links (it plugs into the same kind of cage, often the same
  // breakout module as a server's link): appliances are planned with the servers' NIC.
  std::vector<int32_t> leaf_choice(f.nodes.size(), -1);
  for (size_t i = 0; i < f.links.size(); ++i) if (f.links[i].tier == 1) leaf_choice[f.links[i].upper.value()] = plan.link_choice[i];
  plan.appliance_choice.assign(f.appliance_links.size(), 0);
  for (size_t i = 0; i < f.appliance_links.size(); ++i) {
    const ApplianceLink& a = f.appliance_links[i];
    int32_t ci = leaf_choice[a.leaf.value()];
    if (ci < 0) ci = f.links.empty() ? 0 : plan.link_choice[0];  // a leaf with appliance ports only: the first NIC link's medium
    if (plan.choices.empty() || plan.choices[static_cast<size_t>(ci)].reach_m + 1e-9 < plan.appliance_length_m[i]) {
      throw InputError(plan.spec.fabric.appliances[a.appliance].where, "fabric.appliances",
                       fmt::format("{}'s link to {} is {:.1f} m; its leaf's medium does not reach it", f.appliance_names[a.appliance],
                                   f.node_name(a.leaf), plan.appliance_length_m[i]));
    }
    plan.appliance_choice[i] = static_cast<uint16_t>(ci);
  }
  // Notes where a chosen part's reach is disputed by another public source.
  for (const LinkChoice& c : plan.choices) {
    for (const Part* p : {c.cable, c.lower, c.upper}) {
      if (p && p->alt_reach_m > 0) {
        const std::string note = fmt::format("{}: planned with {} m reach ({}); {} says {} m", p->name, p->reach_m, p->source, p->alt_reach_source, p->alt_reach_m);
        if (std::find(plan.notes.begin(), plan.notes.end(), note) == plan.notes.end()) plan.notes.push_back(note);
      }
    }
  }
}

}  // namespace aifabric
