// Fuzzes the cluster-spec parser (parse_cluster_spec) and, for specs that parse, the planner and the JSON plan report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/catalog.h"
#include "core/input_error.h"
#include "plan/plan.h"
#include "report/plan_report.h"
#include "spec/cluster_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  static const aifabric::Catalog catalog = aifabric::load_catalog({});
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    aifabric::ClusterSpec spec = aifabric::parse_cluster_spec(text, "fuzz.yaml");
    spec.catalog_files.clear();  // no file access from fuzzed input
    aifabric::PlanOptions options;
    options.limits.max_memory_bytes = 8 << 20;  // keeps inputs small enough to plan well inside the 10 s timeout under ASan
    const aifabric::Plan plan = aifabric::make_plan(spec, catalog, options);
    const std::string json = aifabric::render_plan_json(plan);
    (void)json;
  } catch (const aifabric::InputError&) {
    // Expected for bad input; anything else escaping is a finding.
  }
  return 0;
}
