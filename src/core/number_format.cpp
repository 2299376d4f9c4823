// Thousands separators without locales, so the same input prints the same bytes everywhere.
#include "core/number_format.h"

#include <cmath>

#include <fmt/format.h>

namespace aifabric {

namespace {
std::string group(const std::string& digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const size_t left = n - 1 - i;
    if (left > 0 && left % 3 == 0) out.push_back(',');
  }
  return out;
}
}  // namespace

std::string with_thousands(int64_t v) {
  std::string out;
  if (v < 0) out.push_back('-');
  out.append(group(std::to_string(v < 0 ? -static_cast<uint64_t>(v) : static_cast<uint64_t>(v))));
  return out;
}

std::string with_thousands(double v) {
  const double a = std::abs(v);
  const bool whole = std::abs(a - std::round(a)) < 1e-9;
  std::string out;
  if (v < 0 && a > 1e-12) out.push_back('-');
  if (whole) {
    out.append(group(fmt::format("{:.0f}", a)));
  } else {
    const std::string s = fmt::format("{:.1f}", a);
    const size_t dot = s.find('.');
    out.append(group(s.substr(0, dot)));
    out.append(s.substr(dot));
  }
  return out;
}

std::string usd(double v) {
  std::string out(1, '$');
  out.append(with_thousands(static_cast<int64_t>(std::llround(v))));
  return out;
}

}  // namespace aifabric
