// Fuzzes the Chakra trace reader (parse_chakra) and, for traces that parse, the writer and the replay of one rank
// on a small planned fabric (dependency checks, cycles, communication matching).
#include <cstddef>
#include <cstdint>
#include <string>

#include "backend/collective_backend.h"
#include "core/input_error.h"
#include "fuzz_plan.h"
#include "trace/chakra_trace.h"
#include "trace/trace_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aifabric;
  if (size > 256 * 1024) return 0;
  const Plan& plan = fuzz_plan();
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
