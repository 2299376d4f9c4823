// Seed 001's OSFP vs QSFP-DD decision matrix, applied to this plan's context, with the LPO saving computed.
#include <fmt/format.h>

#include "plan/plan.h"

namespace aifabric {

void advise_form_factor(Plan& plan, const Catalog& catalog) {
  const Fabric& f = plan.fabric;
  const ContextSpec& ctx = plan.spec.context;
  plan.advice.clear();
  int osfp = 0, qsfpdd = 0;
  auto add = [&](std::string factor, std::string rec, std::string why) {
    (rec.rfind("OSFP", 0) == 0 ? osfp : qsfpdd) += 1;
    plan.advice.push_back({std::move(factor), std::move(rec), std::move(why)});
  };
  if (ctx.upgrade_from_qsfp28) add("upgrading from 100G/200G (QSFP28 estate)", "QSFP-DD", "backward compatible with QSFP28 optics; protects the installed base");
  const bool nvidia = f.server->vendor == "nvidia" || f.nic->vendor == "nvidia";
  if (ctx.greenfield && nvidia) add("new NVIDIA GPU cluster", "OSFP", "ConnectX-7/8 and Quantum/Spectrum switches are OSFP; aligns with the NVIDIA roadmap");
  if (ctx.mixed_vendor) add("mixed-vendor environment", "QSFP-DD", "broader multi-vendor ecosystem");
  if (ctx.power_constrained) add("power-constrained deployment", "QSFP-DD LPO", "lowest module power where hosts can drive linear optics");
  if (ctx.needs_zr) add("800G ZR/ZR+ coherent optics needed", "OSFP", "thermal headroom for 25 W+ modules");
  if (ctx.lifetime_years >= 5) add(fmt::format("{}-year infrastructure life", ctx.lifetime_years), "OSFP", "OSFP-XD and 1.6T give a clearer migration path");
  if (!ctx.greenfield || ctx.mixed_vendor) {
    add("maximum port density", "QSFP-DD",
        "36 vs 32 cages per 1U (seed 001 quotes 14.4 Tb/s per RU, which is 36 x 400G; at 800G it is 28.8 Tb/s)");
  }
  plan.advice_summary = osfp == qsfpdd ? "the decision matrix is split for this context"
                                       : fmt::format("{} ({} of {} factors)", osfp > qsfpdd ? "OSFP" : "QSFP-DD", std::max(osfp, qsfpdd), osfp + qsfpdd);
  // What LPO would save on this fabric: the same links with LPO modules where both ends allow.
  if (!plan.spec.optics.lpo) {
    ClusterSpec with_lpo = plan.spec;
    with_lpo.optics.lpo = true;
    // Borrow the big vectors instead of copying them (131K-XPU plans have millions of links).
    Plan alt;
    alt.spec = with_lpo;
    alt.fabric = std::move(plan.fabric);
    alt.racks = plan.racks;
    alt.node_rack = std::move(plan.node_rack);
    alt.link_length_m = std::move(plan.link_length_m);
    alt.appliance_length_m = plan.appliance_length_m;
    choose_media(alt, catalog);
    count_materials(alt);
    plan.fabric = std::move(alt.fabric);
    plan.node_rack = std::move(alt.node_rack);
    plan.link_length_m = std::move(alt.link_length_m);
    const double saved = plan.power.optics_w - alt.power.optics_w;
    if (saved > 0.5) {
      plan.advice.push_back({"LPO where both ends allow", "consider LPO",
                             fmt::format("would cut optics power from {:.1f} kW to {:.1f} kW ({:.0f}%) on this fabric; only on links between one vendor's LPO-capable hosts",
                                         plan.power.optics_w / 1000, alt.power.optics_w / 1000, 100.0 * saved / plan.power.optics_w)});
    } else {
      plan.advice.push_back({"LPO where both ends allow", "no saving here",
                             "no link in this fabric joins two LPO-capable hosts of one vendor with an LPO part in the catalog"});
    }
  }
}

}  // namespace aifabric
