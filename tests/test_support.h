// Helpers shared by the tests: the shipped catalog and specs built from inline YAML.
#pragma once

#include <functional>
#include <string>

#include "catalog/catalog.h"
#include "core/input_error.h"
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

// What the InputError `f` throws says ("" when it throws none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace aifabric::testing
