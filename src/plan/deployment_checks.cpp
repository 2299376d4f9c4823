// Deployment checks from seed 001's pre-deployment checklist, made on the planned fabric.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "plan/plan.h"

namespace aifabric {

std::string_view to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Warn: return "warn";
    case CheckStatus::Fail: return "fail";
    case CheckStatus::Manual: return "manual";
  }
  return "?";
}

namespace {

std::string tier_label(const Fabric& f, int tier) {
  return fmt::format("{}-{}", tier == 1 ? "nic" : std::string(to_string(f.tier[tier - 1].role)), to_string(f.tier[tier].role));
}

bool host_has_fec(const CageProfile& h, const std::string& fec) {
  return h.fec && std::find(h.fec->begin(), h.fec->end(), fec) != h.fec->end();
}

// Which tier each choice serves.
std::vector<int> choice_tiers(const Plan& plan) {
  std::vector<int> t(plan.choices.size(), 0);
  for (size_t i = 0; i < plan.fabric.links.size(); ++i) t[plan.link_choice[i]] = plan.fabric.links[i].tier;
  return t;
}

struct Collector {
  std::vector<std::string> fails, warns, passes;
  CheckResult result(std::string id, std::string title) const {
    CheckResult r{std::move(id), CheckStatus::Pass, std::move(title), ""};
    const auto& use = !fails.empty() ? fails : !warns.empty() ? warns : passes;
    r.status = !fails.empty() ? CheckStatus::Fail : !warns.empty() ? CheckStatus::Warn : CheckStatus::Pass;
    r.detail = fmt::format("{}", fmt::join(use, "; "));
    return r;
  }
};

}  // namespace

void run_checks(Plan& plan) {
  const Fabric& f = plan.fabric;
  plan.checks.clear();
  const std::vector<int> tiers = choice_tiers(plan);

  Collector cage, fec, cmis, lpo, breakout, ff, reach;
  std::vector<double> longest(plan.choices.size(), 0.0);
  for (size_t i = 0; i < f.links.size(); ++i) longest[plan.link_choice[i]] = std::max<double>(longest[plan.link_choice[i]], plan.link_length_m[i]);
  for (size_t ci = 0; ci < plan.choices.size(); ++ci) {
    const LinkChoice& c = plan.choices[ci];
    const int t = tiers[ci];
    const CageProfile a = lower_profile(f, t), b = upper_profile(f, t);
    const std::string tl = tier_label(f, t);
    const std::string lbl = c.label();
    // Module supported by cage and ASIC: form factor, lane rate = SerDes rate.
    auto cage_check = [&](const Part& p, const CageProfile& h, const char* end) {
      if (p.form_factor != h.form_factor && p.far_form_factor != h.form_factor) {
        cage.fails.push_back(fmt::format("{}: {} is {} but the {} cage is {}", tl, p.name, to_string(p.form_factor), end, to_string(h.form_factor)));
      } else if (p.lane_gbps() != h.lane_gbps) {
        cage.fails.push_back(fmt::format("{}: {} runs {}G lanes, the {} end's SerDes run {}G", tl, p.name, p.lane_gbps(), end, h.lane_gbps));
      } else {
        cage.passes.push_back(fmt::format("{}: {} in {} {}G cage, {}x{}G lanes match", tl, p.name, to_string(h.form_factor), h.cage_gbps, p.lanes, p.lane_gbps()));
      }
    };
    if (c.cable) {
      cage_check(*c.cable, c.lower_split > 1 ? a : (c.upper_split > 1 ? b : a), "lower");
    } else {
      cage_check(*c.lower, a, "lower");
      cage_check(*c.upper, b, "upper");
    }
    // FEC on both ends.
    const std::string fa = c.cable ? c.cable->fec : c.lower->fec;
    const std::string fb = c.cable ? c.cable->fec : c.upper->fec;
    if (fa != fb) {
      fec.fails.push_back(fmt::format("{}: {} ends disagree ({} vs {})", tl, lbl, fa, fb));
    } else if (!host_has_fec(a, fa) || !host_has_fec(b, fb)) {
      fec.fails.push_back(fmt::format("{}: {} needs {} but {} end does not list it", tl, lbl, fa, !host_has_fec(a, fa) ? "the lower" : "the upper"));
    } else {
      fec.passes.push_back(fmt::format("{}: {} on both ends ({})", tl, fa == "rs544" ? "RS(544,514)" : fa == "rs528" ? "RS(528,514)" : fa, lbl));
    }
    // CMIS.
    for (const Part* p : {c.cable, c.lower, c.upper}) {
      if (!p) continue;
      for (const CageProfile* h : {&a, &b}) {
        if (p->cmis > h->cmis + 1e-9) {
          cmis.fails.push_back(fmt::format("{}: {} needs CMIS {:.1f}, a host there manages {:.1f}", tl, p->name, p->cmis, h->cmis));
        }
      }
      if (p->cmis > 0) cmis.passes.push_back(fmt::format("{}: {} CMIS {:.1f} within hosts' CMIS {:.1f}/{:.1f}", tl, p->name, p->cmis, a.cmis, b.cmis));
    }
    // LPO.
    const bool is_lpo = (c.lower && c.lower->lpo) || (c.upper && c.upper->lpo);
    if (is_lpo) {
      if (a.vendor != b.vendor) lpo.fails.push_back(fmt::format("{}: LPO between {} and {} hosts", tl, a.vendor, b.vendor));
      else lpo.passes.push_back(fmt::format("{}: LPO with {} hosts at both ends", tl, a.vendor));
    }
    // Breakouts.
    const int split = std::max(c.lower_split, c.upper_split);
    if (split > 1) {
      const CageProfile& whole = c.lower_split > 1 ? a : b;
      if (!plan.spec.optics.breakouts) breakout.fails.push_back(fmt::format("{}: 1:{} breakout used though optics.breakouts is false", tl, split));
      else if (!whole.allows_breakout(split)) breakout.fails.push_back(fmt::format("{}: the {}G cage does not support 1:{} breakout", tl, whole.cage_gbps, split));
      else breakout.passes.push_back(fmt::format("{}: {}G cage split 1:{} ({})", tl, whole.cage_gbps, split, lbl));
    }
    // Reach margin.
    const double worst = longest[ci];
    if (worst > 0.9 * c.reach_m) {
      reach.warns.push_back(fmt::format("{}: longest {} link is {:.1f} m of its {:.0f} m reach; check the loss budget", tl, lbl, worst, c.reach_m));
    } else {
      reach.passes.push_back(fmt::format("{}: longest {:.1f} m within {:.0f} m ({})", tl, worst, c.reach_m, lbl));
    }
  }
  plan.checks.push_back(cage.result("module-cage", "Module supported by the switch/NIC cage and SerDes"));
  plan.checks.push_back(fec.result("fec-match", "Matching FEC on both ends of every link"));
  plan.checks.push_back(cmis.result("cmis-version", "CMIS version managed by the hosts"));
  if (breakout.passes.empty() && breakout.fails.empty()) breakout.passes.push_back("no breakouts used");
  plan.checks.push_back(breakout.result("breakouts", "Breakouts only where switch and module allow"));
  if (lpo.passes.empty() && lpo.fails.empty()) {
    lpo.passes.push_back(plan.spec.optics.lpo ? "LPO allowed but no link has one vendor's LPO-capable hosts at both ends" : "no LPO used (optics.lpo is false)");
  }
  plan.checks.push_back(lpo.result("lpo-vendor", "LPO only where both ends are one vendor's hosts"));
  plan.checks.push_back(reach.result("reach-margin", "Every link within its medium's reach, with margin"));

  // Form-factor fit.
  std::set<std::string> ffs;
  for (int t = 1; t <= f.tiers; ++t) ffs.insert(std::string(to_string(f.tier[t].model->form_factor)));
  if (plan.spec.optics.form_factor) {
    const std::string want(to_string(*plan.spec.optics.form_factor));
    std::vector<std::string> off;
    for (int t = 1; t <= f.tiers; ++t) {
      if (f.tier[t].model->form_factor != *plan.spec.optics.form_factor) off.push_back(fmt::format("{} ({})", f.tier[t].model->name, to_string(f.tier[t].model->form_factor)));
    }
    if (off.empty()) ff.passes.push_back(fmt::format("all switch cages are {} as optics.form_factor asks", want));
    else ff.fails.push_back(fmt::format("optics.form_factor is {} but {} {} not", want, fmt::join(off, ", "), off.size() > 1 ? "are" : "is"));
  } else {
    ff.passes.push_back(fmt::format("switch cages: {}; NIC cages: {}", fmt::join(ffs, ", "), to_string(f.nic->form_factor)));
  }
  plan.checks.push_back(ff.result("form-factor", "Form factor fits the cages"));

  // Power and cooling per rack.
  Collector pw;
  double worst_kw = 0;
  for (const auto& r : plan.racks) worst_kw = std::max(worst_kw, r.it_power_w / 1000.0);
  if (!plan.racks_over_power.empty()) {
    pw.fails.push_back(fmt::format("{} racks exceed the {:.0f} kW rack power limit (worst {:.1f} kW)", plan.racks_over_power.size(),
                                   plan.spec.power.rack_power_limit_kw, worst_kw));
  }
  if (!plan.racks_over_cooling.empty()) {
    pw.warns.push_back(fmt::format("{} racks exceed the {:.0f} kW air-cooling limit: plan liquid or rear-door cooling", plan.racks_over_cooling.size(),
                                   plan.spec.power.rack_air_cooling_limit_kw));
  }
  pw.passes.push_back(fmt::format("worst rack {:.1f} kW IT within {:.0f} kW power and {:.0f} kW air-cooling limits", worst_kw,
                                  plan.spec.power.rack_power_limit_kw, plan.spec.power.rack_air_cooling_limit_kw));
  plan.checks.push_back(pw.result("rack-power", "Rack power and thermal capacity"));

  // Rack units: servers, switches and appliances stacked as the elevations draw them (device_directory).
  Collector ru;
  {
    const Fabric& f = plan.fabric;
    std::vector<int> used(plan.racks.size(), 0);
    for (size_t i = 0; i < plan.racks.size(); ++i) used[i] = static_cast<int>(plan.racks[i].servers) * f.server->height_ru;
    for (uint32_t id = static_cast<uint32_t>(f.nic_count()); id < f.nodes.size(); ++id) used[plan.node_rack[id]] += f.tier[f.nodes[id].tier].model->height_ru;
    std::set<std::pair<uint16_t, uint32_t>> appliances;
    for (const ApplianceLink& a : f.appliance_links) {
      if (appliances.emplace(a.appliance, a.unit).second) used[plan.node_rack[a.leaf.value()]] += 1;
    }
    const int limit = plan.spec.layout.rack_units;
    int over = 0, worst = 0;
    for (int u : used) { over += u > limit; worst = std::max(worst, u); }
    if (over > 0) {
      ru.fails.push_back(fmt::format("{} racks need more than their {} U (worst {} U): fewer servers_per_rack or switches_per_network_rack, or taller racks "
                                     "(layout.rack_units)", over, limit, worst));
    }
    ru.passes.push_back(fmt::format("fullest rack {} U of {} U", worst, limit));
  }
  plan.checks.push_back(ru.result("rack-units", "Devices fit their racks' height"));

  // Fibre plant.
  Collector fib;
  if (plan.fibers.strands_mmf > 0 && plan.fibers.strands_smf > 0) {
    fib.warns.push_back(fmt::format("two fibre plants: {} multimode (OM4/OM5) and {} single-mode (OS2) strands", plan.fibers.strands_mmf, plan.fibers.strands_smf));
  }
  fib.passes.push_back(fmt::format("{} single-mode and {} multimode strands; {} MPO and {} LC ends at modules", plan.fibers.strands_smf,
                                   plan.fibers.strands_mmf, plan.fibers.mpo_ends, plan.fibers.lc_ends));
  plan.checks.push_back(fib.result("fiber-plant", "Fibre type, distance and connectors"));

  // Port accounting.
  Collector ports;
  for (const auto& tc : plan.analysis.tiers) {
    ports.passes.push_back(fmt::format("{}: {} switches, {} free ports at the down rate", tc.role, tc.switches, tc.free_ports));
  }
  plan.checks.push_back(ports.result("port-accounting", "Every port used or reported free"));

  // What no program can check.
  for (const auto& [id, what] : std::vector<std::pair<std::string, std::string>>{
           {"lab-interop", "Test interoperability in a lab with the actual switches, NICs and modules"},
           {"warranty", "Confirm warranty and MTBF with the vendor"},
           {"supply", "Verify supply capacity and lead time (seed 001: 12-16 weeks for volume orders)"}}) {
    plan.checks.push_back({id, CheckStatus::Manual, what, "not checkable from the plan"});
  }
}

}  // namespace aifabric
