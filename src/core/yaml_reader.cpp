// Implementation of MapReader: YAML scalars to typed values with located, explanatory errors.
#include "core/yaml_reader.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace aifabric {

SourceLocation location_of_node(const YAML::Node& node, const std::string& file) {
  SourceLocation loc{file, 0, 0};
  if (node.IsDefined()) {
    const YAML::Mark m = node.Mark();
    if (m.line >= 0) {
      loc.line = m.line + 1;
      loc.column = m.column + 1;
    }
  }
  return loc;
}

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) {
      throw InputError({file, 1, 1}, "", "the document is empty; expected a YAML map");
    }
    return root;
  } catch (const YAML::Exception& e) {
    throw InputError({file, e.mark.line + 1, e.mark.column + 1}, "",
                     "malformed YAML: " + e.msg);
  }
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError({path, 0, 0}, "", fmt::format("cannot open {}: {}", what, std::strerror(errno)));
  }
  // At most 64 MiB and one byte: a file that never ends (a device, a pipe that keeps writing) is refused, not read.
  constexpr size_t kLimit = size_t{64} << 20;
  std::string text;
  char buf[1 << 16];
  while (text.size() <= kLimit && in.read(buf, sizeof buf).gcount() > 0) text.append(buf, static_cast<size_t>(in.gcount()));
  if (text.size() > kLimit) throw InputError({path, 0, 0}, "", fmt::format("{} is larger than 64 MiB; refusing to read it", what));
  return text;
}

MapReader::MapReader(const YAML::Node& node, std::string file, std::string path)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    throw InputError(location_of_node(node_, file_), path_.empty() ? "<document>" : path_,
                     "expected a map of fields (key: value)");
  }
}

SourceLocation MapReader::location() const { return location_of_node(node_, file_); }

SourceLocation MapReader::location_of(const std::string& key) const {
  if (node_.IsMap()) {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.Scalar() == key) return location_of_node(it->second, file_);
    }
  }
  return location();
}

void MapReader::fail(const std::string& key, const std::string& message) const {
  throw InputError(location_of(key), field(key), message);
}

void MapReader::fail_here(const std::string& message) const {
  throw InputError(location(), path_.empty() ? "<document>" : path_, message);
}

bool MapReader::has(const std::string& key) const {
  if (!node_.IsMap()) return false;
  const YAML::Node v = node_[key];
  return v.IsDefined() && !v.IsNull();
}

YAML::Node MapReader::raw(const std::string& key) {
  used_.push_back(key);
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return node_[key];
}

namespace {

// Offset of the first byte that is not part of well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF), or npos. yaml-cpp passes such bytes through, and the JSON report cannot encode them.
size_t invalid_utf8_at(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return i;
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string::npos;
}

void require_utf8(const YAML::Node& v, const std::string& file, const std::string& field) {
  const std::string& s = v.Scalar();
  const size_t at = invalid_utf8_at(s);
  if (at != std::string::npos) {
    throw InputError(location_of_node(v, file), field,
                     fmt::format("is not valid UTF-8 text (byte 0x{:02X}); save the file as UTF-8",
                                 static_cast<unsigned char>(s[at])));
  }
}

}  // namespace

YAML::Node MapReader::scalar(const std::string& key) {
  YAML::Node v = raw(key);
  if (v.IsDefined() && !v.IsNull() && !v.IsScalar()) fail(key, "expected a single value, not a list or map");
  if (v.IsDefined() && v.IsScalar()) require_utf8(v, file_, field(key));
  return v;
}

std::string MapReader::string(const std::string& key, const std::string& fallback) {
  YAML::Node v = scalar(key);
  if (!v.IsDefined() || v.IsNull()) return fallback;
  return v.Scalar();
}

std::string MapReader::required_string(const std::string& key) {
  if (!has(key)) fail(key, "is required");
  return string(key, "");
}

std::string MapReader::choice(const std::string& key, const std::string& fallback,
                              const std::vector<std::string>& allowed) {
  const std::string v = string(key, fallback);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    fail(key, fmt::format("'{}' is not valid; expected one of: {}", v, fmt::join(allowed, ", ")));
  }
  return v;
}

namespace {

bool parse_int(const std::string& s, int64_t& out) {
  std::string t;
  for (char c : s) if (c != '_' && c != ',') t.push_back(c);
  if (t.empty()) return false;
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e;
}

bool parse_double(const std::string& s, double& out) {
  std::string t;
  for (char c : s) if (c != '_') t.push_back(c);
  if (t.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(t.c_str(), &end);
  return errno == 0 && end == t.c_str() + t.size() && std::isfinite(out);
}

}  // namespace

int64_t MapReader::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  YAML::Node v = scalar(key);
  if (!v.IsDefined() || v.IsNull()) return fallback;
  int64_t x = 0;
  if (!parse_int(v.Scalar(), x)) {
    fail(key, fmt::format("'{}' is not a whole number; expected an integer from {} to {}", v.Scalar(), min, max));
  }
  if (x < min || x > max) fail(key, fmt::format("{} is out of range; expected {} to {}", x, min, max));
  return x;
}

int64_t MapReader::required_integer(const std::string& key, int64_t min, int64_t max) {
  if (!has(key)) fail(key, fmt::format("is required (an integer from {} to {})", min, max));
  return integer(key, 0, min, max);
}

double MapReader::number(const std::string& key, double fallback, double min, double max) {
  YAML::Node v = scalar(key);
  if (!v.IsDefined() || v.IsNull()) return fallback;
  double x = 0;
  if (!parse_double(v.Scalar(), x)) {
    fail(key, fmt::format("'{}' is not a number; expected {} to {}", v.Scalar(), min, max));
  }
  if (x < min || x > max) fail(key, fmt::format("{} is out of range; expected {} to {}", x, min, max));
  return x;
}

double MapReader::required_number(const std::string& key, double min, double max) {
  if (!has(key)) fail(key, fmt::format("is required (a number from {} to {})", min, max));
  return number(key, 0, min, max);
}

bool MapReader::boolean(const std::string& key, bool fallback) {
  YAML::Node v = scalar(key);
  if (!v.IsDefined() || v.IsNull()) return fallback;
  const std::string s = v.Scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(key, fmt::format("'{}' is not a boolean; expected true or false", s));
}

std::vector<std::string> MapReader::string_list(const std::string& key) {
  YAML::Node v = raw(key);
  std::vector<std::string> out;
  if (!v.IsDefined() || v.IsNull()) return out;
  if (v.IsScalar()) {
    require_utf8(v, file_, field(key));
    return {v.Scalar()};
  }
  if (!v.IsSequence()) fail(key, "expected a list of names");
  for (const auto& item : v) {
    if (!item.IsScalar()) {
      throw InputError(location_of_node(item, file_), field(key), "expected a list of names, found a map or list");
    }
    require_utf8(item, file_, field(key));
    out.push_back(item.Scalar());
  }
  return out;
}

double MapReader::ratio(const std::string& key, double fallback, double min, double max) {
  YAML::Node v = scalar(key);
  if (!v.IsDefined() || v.IsNull()) return fallback;
  const std::string s = v.Scalar();
  double x = 0;
  const auto colon = s.find(':');
  bool ok = false;
  if (colon != std::string::npos) {
    double a = 0, b = 0;
    ok = parse_double(s.substr(0, colon), a) && parse_double(s.substr(colon + 1), b) && b > 0;
    if (ok) x = a / b;
  } else {
    ok = parse_double(s, x);
  }
  if (!ok) fail(key, fmt::format("'{}' is not a ratio; expected e.g. 1:1, 2:1 or 1.5", s));
  auto as_ratio = [](double r) { return r >= 1 ? fmt::format("{:g}:1", r) : fmt::format("1:{:g}", 1 / r); };
  if (x < min || x > max) fail(key, fmt::format("ratio {} is out of range; expected {} to {}", s, as_ratio(min), as_ratio(max)));
  return x;
}

MapReader MapReader::child(const std::string& key) {
  YAML::Node v = raw(key);
  if (v.IsDefined() && !v.IsNull() && !v.IsMap()) fail(key, "expected a map of fields");
  return MapReader(v, file_, field(key));
}

std::vector<MapReader> MapReader::child_list(const std::string& key) {
  YAML::Node v = raw(key);
  std::vector<MapReader> out;
  if (!v.IsDefined() || v.IsNull()) return out;
  if (!v.IsSequence()) fail(key, "expected a list of entries (- name: ...)");
  size_t i = 0;
  for (const auto& item : v) {
    if (!item.IsMap()) {
      throw InputError(location_of_node(item, file_), fmt::format("{}[{}]", field(key), i),
                       "expected a map of fields");
    }
    out.emplace_back(item, file_, fmt::format("{}[{}]", field(key), i));
    ++i;
  }
  return out;
}

void MapReader::finish() {
  if (!node_.IsMap()) return;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (std::find(used_.begin(), used_.end(), k) == used_.end()) {
      std::vector<std::string> valid = used_;
      std::sort(valid.begin(), valid.end());
      valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
      throw InputError(location_of_node(it->first, file_), field(k),
                       fmt::format("unknown field; valid fields here: {}", fmt::join(valid, ", ")));
    }
  }
}

}  // namespace aifabric
