// Fuzzes the CSV flow-file parser of the packet engine (src,dst,bytes,start_ns per line).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/input_error.h"
#include "net/traffic.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto flows = aifabric::parse_flow_csv(text, "fuzz.csv", 1024);
    for (const auto& f : flows) {
      if (f.src >= 1024 || f.dst >= 1024 || f.src == f.dst || f.bytes < 1) __builtin_trap();  // the parser promised these
    }
  } catch (const aifabric::InputError&) {
  }
  return 0;
}
