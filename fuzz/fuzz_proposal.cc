// Fuzzes the proposal parser (parse_proposal) and the proposal checker (check_proposal) against the shipped catalog.
#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/catalog.h"
#include "core/input_error.h"
#include "plan/proposal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  static const aifabric::Catalog catalog = aifabric::load_catalog({});
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    aifabric::Proposal p = aifabric::parse_proposal(text, "fuzz.yaml");
    p.compare_with.clear();  // no file access (and no planning) from fuzzed input
    const aifabric::ProposalReport report = aifabric::check_proposal(p, catalog, {});
    (void)report;
  } catch (const aifabric::InputError&) {
    // Expected for bad input; anything else escaping is a finding.
  }
  return 0;
}
