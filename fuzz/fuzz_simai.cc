// Fuzzes the SimAI workload reader (parse_simai) and, for workloads that parse, the writer (what it writes must read
// back the same) and, for small ones, the replay of one step on a 16-GPU fabric.
#include <cstddef>
#include <cstdint>
#include <string>

#include "backend/collective_backend.h"
#include "core/input_error.h"
#include "fuzz_plan.h"
#include "trace/simai_workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aifabric;
  if (size > 64 * 1024) return 0;
  const Plan& plan = fuzz_plan();
  try {
    const SimaiWorkload w = parse_simai(std::string(reinterpret_cast<const char*>(data), size), "fuzz.txt");
    if (serialize_simai(parse_simai(serialize_simai(w), "again.txt")) != serialize_simai(w)) __builtin_trap();
    if (w.all_gpus <= 16 && w.layers.size() <= 64) {
      auto backend = make_backend("analytic", plan, {});
      replay_traces(simai_traces(w), w.all_gpus, simai_groups(w), plan, *backend);
    }
  } catch (const InputError&) {
    // Expected for bad input; anything else escaping is a finding.
  }
  return 0;
}
