// Human-readable numbers for reports: thousands separators, fixed decimals (locale-independent, deterministic).
#pragma once

#include <cstdint>
#include <string>

namespace aifabric {

// 1234567 -> "1,234,567".
std::string with_thousands(int64_t v);
// 1234.5 -> "1,234.5"; whole numbers print without decimals.
std::string with_thousands(double v);
// "$1,234".
std::string usd(double v);

}  // namespace aifabric
