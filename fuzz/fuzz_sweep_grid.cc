// Fuzzes the sweep grid reader (parse_sweep_grid) and the expansion of its points into specs (sweep_point,
// point_spec), with every base spec read as one fixed in-memory spec: the fuzzer never reads a file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/input_error.h"
#include "sweep/sweep_grid.h"

namespace {

constexpr const char* kBase = R"(name: fuzz-base
cluster: {server: dgx-h100, servers: 32}
fabric: {topology: rail-optimized, switch: quantum2-qm9700, load_balancing: adaptive, oversubscription: {leaf: "1:1"}}
layout: {servers_per_rack: 4}
optics: {prefer: lowest-power}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const aifabric::SweepGrid g = aifabric::parse_sweep_grid(text, "fuzz.yaml", [](const std::string&) { return std::string(kBase); });
    const int64_t n = g.points();
    // The first, the last and a middle point: each a spec the spec reader takes or refuses with an InputError.
    for (const int64_t i : {int64_t{0}, n / 2, n - 1}) {
      if (i < 0 || i >= n) continue;
      try {
        (void)aifabric::point_spec(g, aifabric::sweep_point(g, i));
      } catch (const aifabric::InputError&) {
      }
    }
  } catch (const aifabric::InputError&) {
    // Expected for bad input; anything else escaping is a finding.
  }
  return 0;
}
