// The planning pipeline: spec + catalog -> fabric -> placement -> media -> materials -> analysis -> checks -> index.
#include "plan/plan.h"

#include <memory>

#include "plan/device_directory.h"

namespace aifabric {

Plan make_plan(const ClusterSpec& spec, const Catalog& catalog, const PlanOptions& options) {
  return make_plan(spec, std::make_shared<const Catalog>(catalog), options);
}

Plan make_plan(const ClusterSpec& spec, std::shared_ptr<const Catalog> owned, const PlanOptions& options) {
  const Catalog& catalog = *owned;
  Plan plan;
  plan.catalog = std::move(owned);
  plan.spec = spec;
  plan.fabric = build_fabric(spec, catalog, options.limits);
  place_racks(plan);
  if (spec.names.any()) DeviceDirectory(plan).check_unique(spec.names);  // a template naming two devices alike fails here, not in a report
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
