// The planning pipeline: spec + catalog -> fabric -> placement -> media -> materials -> analysis -> checks -> index.
#include "plan/plan.h"

namespace aifabric {

Plan make_plan(const ClusterSpec& spec, const Catalog& catalog, const PlanOptions& options) {
  Plan plan;
  plan.spec = spec;
  plan.fabric = build_fabric(spec, catalog, options.limits);
  place_racks(plan);
  choose_media(plan, catalog);
  count_materials(plan);
  plan_front_end(plan, catalog, options);
  analyse(plan, catalog);
  run_checks(plan);
  advise_form_factor(plan, catalog);
  plan.index = FabricIndex(plan.fabric);  // last: the fabric no longer changes
  return plan;
}

}  // namespace aifabric
