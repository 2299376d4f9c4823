// Fuzzes the catalog loader (Catalog::load_yaml) and its cross-reference check (Catalog::validate).
#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/catalog.h"
#include "core/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    aifabric::Catalog c;
    c.load_yaml(text, "fuzz.yaml");
    c.validate();
  } catch (const aifabric::InputError&) {
    // Expected for bad input; anything else escaping is a finding.
  }
  return 0;
}
