// Helpers shared by the tests: the shipped catalog and specs built from inline YAML.
#pragma once

#include <string>

#include "catalog/catalog.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace aifabric::testing {

inline const Catalog& shipped_catalog() {
  static const Catalog c = load_catalog({});
  return c;
}

inline ClusterSpec spec_from(const std::string& yaml) { return parse_cluster_spec(yaml, "test.yaml"); }

inline Plan plan_from(const std::string& yaml) { return make_plan(spec_from(yaml), shipped_catalog()); }

inline std::string source_path(const std::string& rel) { return std::string(AIFABRIC_SOURCE_DIR) + "/" + rel; }

}  // namespace aifabric::testing
