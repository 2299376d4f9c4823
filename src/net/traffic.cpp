// Traffic patterns and the CSV flow-file reader.
#include "net/traffic.h"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "core/rng.h"
#include "core/yaml_reader.h"
#include "sim/simulator.h"

namespace aifabric {

namespace {

int64_t count_arg(const std::string& pattern, size_t colon, int64_t fallback, int64_t lo, int64_t hi) {
  if (colon == std::string::npos) return fallback;
  int64_t v = 0;
  const std::string s = pattern.substr(colon + 1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) {
    throw InputError({}, "--traffic", fmt::format("'{}': the count must be a whole number from {} to {}", pattern, lo, hi));
  }
  return v;
}

}  // namespace

std::vector<FlowSpec> parse_flow_csv(const std::string& text, const std::string& path, int64_t nics) {
  std::vector<FlowSpec> out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#' || line.rfind("src", 0) == 0) continue;
    int64_t v[4] = {0, 0, 0, 0};
    size_t pos = 0;
    for (int k = 0; k < 4; ++k) {
      const size_t end = k < 3 ? line.find(',', pos) : line.size();
      const char* names[] = {"src", "dst", "bytes", "start_ns"};
      if (end == std::string::npos) throw InputError({path, lineno, static_cast<int>(pos) + 1}, names[k], "expected 4 comma-separated fields: src,dst,bytes,start_ns");
      std::string field = line.substr(pos, end - pos);
      while (!field.empty() && (field.back() == ' ' || field.back() == '\r')) field.pop_back();
      while (!field.empty() && field.front() == ' ') field.erase(field.begin());
      auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v[k]);
      if (ec != std::errc() || p != field.data() + field.size()) {
        throw InputError({path, lineno, static_cast<int>(pos) + 1}, names[k], fmt::format("'{}' is not a whole number", field));
      }
      const int64_t hi = k < 2 ? nics - 1 : k == 2 ? (int64_t{1} << 40) : (int64_t{1} << 50);
      const int64_t lo = k == 2 ? 1 : 0;
      if (v[k] < lo || v[k] > hi) throw InputError({path, lineno, static_cast<int>(pos) + 1}, names[k], fmt::format("{} is out of range; expected {} to {}", v[k], lo, hi));
      pos = end + 1;
    }
    if (v[0] == v[1]) throw InputError({path, lineno, 1}, "dst", "a flow needs two different NICs");
    out.push_back({static_cast<uint32_t>(v[0]), static_cast<uint32_t>(v[1]), v[2], ns(v[3])});
  }
  if (out.empty()) throw InputError({path, 0, 0}, "", "the flow file holds no flows");
  return out;
}

std::vector<FlowSpec> make_traffic(const std::string& pattern, int64_t nics, int64_t bytes, uint64_t seed) {
  if (nics < 2) throw InputError({}, "--traffic", "traffic needs at least 2 NICs");
  Rng rng(seed);
  std::vector<FlowSpec> out;
  const size_t colon = pattern.find(':');
  const std::string kind = pattern.substr(0, colon);
  if (kind == "permutation") {
    // A random derangement: every NIC sends to one other and receives from one other.
    std::vector<uint32_t> p(static_cast<size_t>(nics));
    std::iota(p.begin(), p.end(), 0u);
    for (size_t i = p.size() - 1; i > 0; --i) std::swap(p[i], p[rng.below(static_cast<uint32_t>(i + 1))]);
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] == i) std::swap(p[i], p[(i + 1) % p.size()]);
    }
    for (size_t i = 0; i < p.size(); ++i) out.push_back({static_cast<uint32_t>(i), p[i], bytes, Picoseconds(0)});
  } else if (kind == "incast") {
    // N senders spread evenly over the other NICs (so they cross the fabric), all into NIC 0.
    const int64_t n = count_arg(pattern, colon, std::min<int64_t>(nics - 1, 8), 1, nics - 1);
    for (int64_t i = 0; i < n; ++i) out.push_back({static_cast<uint32_t>(1 + i * (nics - 1) / n), 0u, bytes, Picoseconds(0)});
  } else if (kind == "hotspot") {
    // All-to-all among N NICs spread evenly over the fabric, and every one of them also sends four times as
    // much to the first (the hot spot): flows to the others are the victims of whatever the hot spot causes.
    const int64_t n = count_arg(pattern, colon, std::min<int64_t>(nics, 16), 3, std::min<int64_t>(nics, 4096));
    auto nic = [&](int64_t k) { return static_cast<uint32_t>(k * nics / n); };
    for (int64_t a = 0; a < n; ++a)
      for (int64_t b = 0; b < n; ++b)
        if (a != b) out.push_back({nic(a), nic(b), b == 0 ? 4 * bytes : bytes, Picoseconds(0)});
  } else if (kind == "alltoall") {
    const int64_t n = count_arg(pattern, colon, std::min<int64_t>(nics, 64), 2, std::min<int64_t>(nics, 4096));
    for (int64_t a = 0; a < n; ++a)
      for (int64_t b = 0; b < n; ++b)
        if (a != b) out.push_back({static_cast<uint32_t>(a), static_cast<uint32_t>(b), bytes, Picoseconds(0)});
  } else if (kind == "uniform") {
    for (int64_t a = 0; a < nics; ++a) {
      uint32_t b = rng.below(static_cast<uint32_t>(nics - 1));
      if (b >= a) ++b;
      out.push_back({static_cast<uint32_t>(a), b, bytes, Picoseconds(0)});
    }
  } else if (kind == "file") {
    if (colon == std::string::npos) throw InputError({}, "--traffic", "file:PATH needs a path");
    const std::string path = pattern.substr(colon + 1);
    return parse_flow_csv(read_text_file(path, "flow file"), path, nics);
  } else {
    throw InputError({}, "--traffic", fmt::format("'{}' is not a pattern; expected permutation, incast:N, alltoall[:N], hotspot[:N], uniform or file:PATH", pattern));
  }
  return out;
}

}  // namespace aifabric
