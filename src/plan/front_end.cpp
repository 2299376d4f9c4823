// The separate front-end network: the same servers' front-end NICs on their own tapered Clos.
#include <fmt/format.h>

#include "plan/plan.h"

namespace aifabric {

void plan_front_end(Plan& plan, const Catalog& catalog, const PlanOptions& options) {
  const FrontEndSpec& fe = plan.spec.front_end;
  if (!fe.enabled) return;
  const ServerModel& sm = *plan.fabric.server;
  const std::string nic = fe.nic.empty() ? sm.frontend_nic : fe.nic;
  if (nic.empty()) {
    throw InputError(fe.where, "front_end.nic", fmt::format("server '{}' names no front-end NIC; give one (e.g. bf3-400g-qsfp112)", sm.name));
  }
  if (!catalog.find_nic(nic)) throw InputError(fe.where, "front_end.nic", fmt::format("unknown NIC '{}'", nic));
  const int ports = fe.ports_per_server > 0 ? fe.ports_per_server : std::max(1, sm.frontend_nics);

  // A derived server whose "back-end" NICs are the front-end ones; it draws no power here (counted once).
  auto derived = std::make_shared<Catalog>(catalog);
  ServerModel front = sm;
  front.name = sm.name + "+front-end";
  front.nic = nic;
  front.backend_nics = ports;
  front.power_w = 0;
  front.price_usd = 0;
  derived->add_server(front);

  ClusterSpec spec = plan.spec;
  spec.name = plan.spec.name + " (front-end)";
  spec.server_model = front.name;
  spec.servers = plan.fabric.servers;
  spec.fabric = FabricSpec{};
  spec.fabric.leaf_switch = spec.fabric.spine_switch = spec.fabric.core_switch = fe.switch_model;
  spec.fabric.switch_where = fe.where;
  spec.fabric.tiers_where = spec.fabric.planes_where = spec.fabric.link_where = fe.where;
  spec.fabric.oversubscription_leaf = fe.oversubscription;
  spec.front_end.enabled = false;
  spec.power.include_servers = false;

  auto front_plan = std::make_shared<Plan>(make_plan(spec, *derived, options));
  front_plan->owned_catalog = derived;

  // Server racks come first in both plans, in the same order: add the front-end NIC-end optics to ours.
  for (size_t i = 0; i < plan.racks.size() && i < front_plan->racks.size(); ++i) {
    if (plan.racks[i].kind != RackKind::Server || front_plan->racks[i].kind != RackKind::Server) break;
    plan.racks[i].it_power_w += front_plan->racks[i].optics_power_w;
    plan.racks[i].optics_power_w += front_plan->racks[i].optics_power_w;
  }
  flag_racks(plan);
  plan.power.front_end_w = front_plan->power.switches_w + front_plan->power.optics_w;
  plan.front_end = std::move(front_plan);
}

}  // namespace aifabric
