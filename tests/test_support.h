// Helpers shared by the tests: the shipped catalog and specs built from inline YAML.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
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

// 16 DGX servers = 128 NICs at 400G under 4 leaves of 32 down / 32 up, and two spines: 16 links from every leaf to
// each (the fewest switches).
inline constexpr const char* kTwoSpines128 = R"(
cluster: {server: dgx-h100, servers: 16}
fabric: {topology: clos, switch: quantum2-qm9700, tiers: 2}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)";

// The leaf a NIC hangs from in plane 0.
inline uint32_t leaf_of_nic(const Fabric& f, uint32_t nic) {
  for (const Link& l : f.links) {
    if (l.tier == 1 && l.plane == 0 && l.lower.value() == nic) return l.upper.value();
  }
  return ~0u;
}

// What the InputError `f` throws says ("" when it throws none).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The shipped catalog plus the entries of `yaml` (a user catalog file's text), loaded as `--catalog` would.
inline Catalog catalog_with(const std::string& yaml) {
  static int serial = 0;
  const auto path = std::filesystem::temp_directory_path() / ("aifabric-test-catalog-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".yaml");
  std::ofstream(path) << yaml;
  Catalog c = load_catalog({path.string()});
  std::filesystem::remove(path);
  return c;
}

}  // namespace aifabric::testing
