// Failure specs to failed links: whole planes, named switches, or a seeded share of a tier.
#include "flow/failures.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include <fmt/format.h>

#include "core/input_error.h"
#include "sim/simulator.h"

namespace aifabric {

namespace {
[[noreturn]] void bad(const std::string& spec, const std::string& why) {
  throw InputError({}, "--fail", fmt::format("'{}': {}; expected plane:P, switch:NAME (as the plan names them, e.g. spine3 or p1.leaf0) or tier:T:FRACTION|COUNT", spec, why));
}
int64_t whole(const std::string& spec, const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) bad(spec, "'" + s + "' is not a whole number");
  return v;
}
}  // namespace

FailureSet resolve_failures(const Fabric& f, const std::vector<std::string>& specs, uint64_t seed) {
  FailureSet out;
  std::vector<uint8_t> dead_node(f.nodes.size(), 0);
  std::vector<uint8_t> dead_plane(static_cast<size_t>(f.planes), 0);
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
      uint32_t found = 0xffffffffu;
      for (uint32_t i = 0; i < f.nodes.size(); ++i) {
        if (f.nodes[i].role != NodeRole::Nic && f.node_name(NodeId(i)) == arg) { found = i; break; }
      }
      if (found == 0xffffffffu) bad(spec, fmt::format("no switch is named '{}'", arg));
      dead_node[found] = 1;
      out.what.push_back(fmt::format("switch {}", arg));
    } else if (kind == "tier") {
      const auto c2 = arg.find(':');
      if (c2 == std::string::npos) bad(spec, "tier needs T:FRACTION or T:COUNT");
      const int64_t t = whole(spec, arg.substr(0, c2));
      if (t < 1 || t > f.tiers) bad(spec, fmt::format("tier {} does not exist (1 to {})", t, f.tiers));
      std::vector<uint32_t> members;
      for (uint32_t i = 0; i < f.nodes.size(); ++i) if (f.nodes[i].role != NodeRole::Nic && f.nodes[i].tier == t) members.push_back(i);
      const std::string amount = arg.substr(c2 + 1);
      int64_t n = 0;
      if (amount.find('.') != std::string::npos) {
        double frac = 0;
        try { frac = std::stod(amount); } catch (const std::exception&) { bad(spec, "'" + amount + "' is not a fraction"); }
        if (!(frac > 0 && frac <= 1)) bad(spec, "the fraction must lie in (0, 1]");
        n = std::max<int64_t>(1, static_cast<int64_t>(frac * static_cast<double>(members.size()) + 0.5));
      } else {
        n = whole(spec, amount);
      }
      if (n < 1 || n > static_cast<int64_t>(members.size())) bad(spec, fmt::format("tier {} has {} switches", t, members.size()));
      for (size_t i = members.size() - 1; i > 0; --i) std::swap(members[i], members[rng.below(static_cast<uint32_t>(i + 1))]);
      for (int64_t k = 0; k < n; ++k) dead_node[members[static_cast<size_t>(k)]] = 1;
      out.what.push_back(fmt::format("{} of {} tier-{} switches (seed {})", n, members.size(), t, seed));
    } else {
      bad(spec, fmt::format("unknown kind '{}'", kind));
    }
  }
  for (uint32_t i = 0; i < f.links.size(); ++i) {
    const Link& l = f.links[i];
    if (dead_plane[l.plane] || dead_node[l.lower.value()] || dead_node[l.upper.value()]) out.links.push_back(i);
  }
  return out;
}

}  // namespace aifabric
