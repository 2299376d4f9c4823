// One CSV field as RFC 4180 writes it: quoted, quotes doubled, when it holds a comma, a quote or a line break.
#pragma once

#include <string>

namespace aifabric {

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  o += '"';
  return o;
}

}  // namespace aifabric
