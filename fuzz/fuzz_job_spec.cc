// Fuzzes the training-job spec parser (parse_job_spec).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/input_error.h"
#include "workload/job_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const aifabric::JobSpec job = aifabric::parse_job_spec(text, "fuzz.yaml");
    (void)job;
  } catch (const aifabric::InputError&) {
    // Expected for bad input; anything else escaping is a finding.
  }
  return 0;
}
