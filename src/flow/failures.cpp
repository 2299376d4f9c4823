// Failure specs to failed links: whole planes, named switches, or a seeded share of a tier.
#include "flow/failures.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/rng.h"
#include "sim/simulator.h"

namespace aifabric {

namespace {
[[noreturn]] void bad(const std::string& spec, const std::string& why) {
  throw InputError({}, "--fail", fmt::format("'{}': {}; expected plane:P, switch:NAME (as the plan names them, e.g. spine3 or p1.leaf0), "
                                             "tier:T:FRACTION|COUNT, link:NAME,NAME or links:T:FRACTION|COUNT, optionally @TIME (e.g. @50us)", spec, why));
}
int64_t whole(const std::string& spec, const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) bad(spec, "'" + s + "' is not a whole number");
  return v;
}
uint32_t switch_named(const Fabric& f, const std::string& spec, const std::string& name) {
  for (uint32_t i = 0; i < f.nodes.size(); ++i) {
    if (f.nodes[i].role != NodeRole::Nic && f.node_name(NodeId(i)) == name) return i;
  }
  bad(spec, fmt::format("no switch is named '{}'", name));
}
// "FRACTION" (with a point, of `of`) or "COUNT".
int64_t amount_of(const std::string& spec, const std::string& amount, size_t of) {
  int64_t n = 0;
  if (amount.find('.') != std::string::npos) {
    double frac = 0;
    try { frac = std::stod(amount); } catch (const std::exception&) { bad(spec, "'" + amount + "' is not a fraction"); }
    if (!(frac > 0 && frac <= 1)) bad(spec, "the fraction must lie in (0, 1]");
    n = std::max<int64_t>(1, static_cast<int64_t>(frac * static_cast<double>(of) + 0.5));
  } else {
    n = whole(spec, amount);
  }
  if (n < 1 || n > static_cast<int64_t>(of)) bad(spec, fmt::format("there are {} to choose from", of));
  return n;
}
}  // namespace

TimedFailureSpec split_failure_time(const std::string& s) {
  const size_t at = s.find('@');
  if (at == std::string::npos) return {s, 0};
  const std::string t = s.substr(at + 1);
  size_t used = 0;
  double v = -1;
  try { v = std::stod(t, &used); } catch (const std::exception&) { used = 0; }
  const std::string unit = t.substr(used);
  const double scale = unit == "ns" ? 1e3 : unit == "us" ? 1e6 : unit == "ms" ? 1e9 : unit == "s" ? 1e12 : -1;
  if (used == 0 || scale < 0 || !(v >= 0) || v * scale > 1e18) bad(s, fmt::format("'{}' is not a time; expected e.g. @50us, @1.5ms, @2000ns", t));
  return {s.substr(0, at), static_cast<int64_t>(v * scale + 0.5)};
}

FailureSet resolve_failures(const Fabric& f, const std::vector<std::string>& specs, uint64_t seed) {
  FailureSet out;
  std::vector<uint8_t> dead_node(f.nodes.size(), 0);
  std::vector<uint8_t> dead_plane(static_cast<size_t>(f.planes), 0);
  std::vector<uint32_t> dead_link;
  Rng rng(seed ^ 0xfa11u);
  for (const std::string& spec : specs) {
    const auto c1 = spec.find(':');
    if (c1 == std::string::npos) bad(spec, "missing ':'");
    const std::string kind = spec.substr(0, c1), arg = spec.substr(c1 + 1);
    if (kind == "plane") {
      const int64_t p = whole(spec, arg);
      if (p < 0 || p >= f.planes) bad(spec, fmt::format("plane {} does not exist (0 to {})", p, f.planes - 1));
      dead_plane[static_cast<size_t>(p)] = 1;
      out.what.push_back(fmt::format("plane {} of {}", p, f.planes));
    } else if (kind == "switch") {
      dead_node[switch_named(f, spec, arg)] = 1;
      out.what.push_back(fmt::format("switch {}", arg));
    } else if (kind == "tier") {
      const auto c2 = arg.find(':');
      if (c2 == std::string::npos) bad(spec, "tier needs T:FRACTION or T:COUNT");
      const int64_t t = whole(spec, arg.substr(0, c2));
      if (t < 1 || t > f.tiers) bad(spec, fmt::format("tier {} does not exist (1 to {})", t, f.tiers));
      std::vector<uint32_t> members;
      for (uint32_t i = 0; i < f.nodes.size(); ++i) if (f.nodes[i].role != NodeRole::Nic && f.nodes[i].tier == t) members.push_back(i);
      const int64_t n = amount_of(spec, arg.substr(c2 + 1), members.size());
      for (size_t i = members.size() - 1; i > 0; --i) std::swap(members[i], members[rng.below(static_cast<uint32_t>(i + 1))]);
      for (int64_t k = 0; k < n; ++k) dead_node[members[static_cast<size_t>(k)]] = 1;
      out.what.push_back(fmt::format("{} of {} tier-{} switches (seed {})", n, members.size(), t, seed));
    } else if (kind == "link") {
      const auto comma = arg.find(',');
      if (comma == std::string::npos) bad(spec, "link needs two switch names, NAME,NAME");
      const uint32_t a = switch_named(f, spec, arg.substr(0, comma)), b = switch_named(f, spec, arg.substr(comma + 1));
      int64_t n = 0;
      for (uint32_t i = 0; i < f.links.size(); ++i) {
        const Link& l = f.links[i];
        if ((l.lower.value() == a && l.upper.value() == b) || (l.lower.value() == b && l.upper.value() == a)) {
          dead_link.push_back(i);
          ++n;
        }
      }
      if (n == 0) bad(spec, "no link joins these two switches");
      out.what.push_back(fmt::format("{} link{} {}", n, n == 1 ? "" : "s", arg));
    } else if (kind == "links") {
      const auto c2 = arg.find(':');
      if (c2 == std::string::npos) bad(spec, "links needs T:FRACTION or T:COUNT");
      const int64_t t = whole(spec, arg.substr(0, c2));
      if (t < 2 || t > f.tiers) bad(spec, fmt::format("tier {} has no switch-to-switch links (2 to {})", t, f.tiers));
      std::vector<uint32_t> members;
      for (uint32_t i = 0; i < f.links.size(); ++i) if (f.links[i].tier == t) members.push_back(i);
      const int64_t n = amount_of(spec, arg.substr(c2 + 1), members.size());
      for (size_t i = members.size() - 1; i > 0; --i) std::swap(members[i], members[rng.below(static_cast<uint32_t>(i + 1))]);
      dead_link.insert(dead_link.end(), members.begin(), members.begin() + n);
      out.what.push_back(fmt::format("{} of {} tier-{} links (seed {})", n, members.size(), t, seed));
    } else {
      bad(spec, fmt::format("unknown kind '{}'", kind));
    }
  }
  for (uint32_t i = 0; i < f.links.size(); ++i) {
    const Link& l = f.links[i];
    if (dead_plane[l.plane] || dead_node[l.lower.value()] || dead_node[l.upper.value()]) dead_link.push_back(i);
  }
  std::sort(dead_link.begin(), dead_link.end());
  dead_link.erase(std::unique(dead_link.begin(), dead_link.end()), dead_link.end());
  out.links = std::move(dead_link);
  return out;
}

}  // namespace aifabric
