// Fuzzes the Chakra trace reader (parse_chakra) and, for traces that parse, the writer and the replay of one rank
// on a small planned fabric (dependency checks, cycles, communication matching).
#include <cstddef>
#include <cstdint>
#include <string>

#include "backend/collective_backend.h"
#include "catalog/catalog.h"
#include "core/input_error.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"
#include "trace/chakra_trace.h"
#include "trace/trace_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aifabric;
  if (size > 256 * 1024) return 0;
  static const Catalog catalog = load_catalog({});
  static const Plan plan = make_plan(parse_cluster_spec("cluster: {server: dgx-h100, servers: 2}\nfabric: {topology: rail-optimized, switch: "
                                                        "quantum2-qm9700, tiers: auto}\nlayout: {servers_per_rack: 4, racks_per_row: 8}\n"
                                                        "power: {rack_power_limit_kw: 45}\n",
                                                        "fuzz.yaml"),
                                     catalog);
  try {
    const RankTrace t = parse_chakra(std::string(reinterpret_cast<const char*>(data), size), "fuzz.et");
    const RankTrace back = parse_chakra(serialize_chakra(t), "fuzz-again.et");
    if (back.nodes.size() != t.nodes.size()) __builtin_trap();  // what the writer writes, the reader must read
    if (t.nodes.size() <= 2000) {
      auto backend = make_backend("analytic", plan, {});
      replay_traces({t}, 2, {}, plan, *backend);
    }
  } catch (const InputError&) {
    // Expected for bad input; anything else escaping is a finding.
  }
  return 0;
}
