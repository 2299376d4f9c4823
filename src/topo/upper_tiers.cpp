// Upper-tier switch counts: the balanced rule (equal parallel links where affordable), the port minimum, one link per pair.
#include "topo/upper_tiers.h"

#include <algorithm>
#include <numeric>

namespace aifabric::detail {

int choose_uppers(const std::vector<int>& uplinks, int upper_ports) {
  if (uplinks.empty()) return 0;
  const int umax = *std::max_element(uplinks.begin(), uplinks.end());
  auto need = [&](int s, bool exact) {
    int64_t n = 0;
    for (int u : uplinks) {
      if (exact && u % s != 0) return int64_t{-1};
      n += (u + s - 1) / s;
    }
    return n;
  };
  int s_min = 0;
  for (int s = 1; s <= umax; ++s) {
    if (need(s, false) <= upper_ports) { s_min = s; break; }
  }
  if (s_min == 0) return 0;
  // Prefer a count that divides every lower's uplinks (equal parallel links, balanced ECMP) unless it
  // costs more than a quarter more upper switches.
  for (int s = s_min; s <= umax && s * 4 <= s_min * 5; ++s) {
    const int64_t n = need(s, true);
    if (n >= 0 && n <= upper_ports) return s;
  }
  return s_min;
}

int64_t port_minimum(const std::vector<int>& uplinks, int upper_ports) {
  if (uplinks.empty() || upper_ports <= 0) return 0;
  const int64_t sum = std::accumulate(uplinks.begin(), uplinks.end(), int64_t{0});
  return (sum + upper_ports - 1) / upper_ports;
}

std::vector<int64_t> deal_uplinks(const std::vector<int>& uplinks, int s) {
  std::vector<int64_t> start(uplinks.size(), 0);
  int64_t k = 0;
  for (size_t i = 0; i < uplinks.size(); ++i) {
    if (uplinks[i] < s) continue;
    start[i] = k % s;
    k += uplinks[i];
  }
  return start;
}

int most_links_on_an_upper(const std::vector<int>& uplinks, int s) {
  if (s <= 0) return 0;
  const std::vector<int64_t> start = deal_uplinks(uplinks, s);
  std::vector<int> load(static_cast<size_t>(s), 0);
  for (size_t i = 0; i < uplinks.size(); ++i) {
    for (int u = 0; u < uplinks[i]; ++u) ++load[static_cast<size_t>((start[i] + u) % s)];
  }
  return *std::max_element(load.begin(), load.end());
}

int upper_count(const std::vector<int>& uplinks, int upper_ports, UpperTierRule rule) {
  if (uplinks.empty()) return 0;
  // Every rule needs each upper to take at most one link from each lower in the worst case of one link per pair:
  // a tier that cannot hold one link from every lower holds nothing.
  if (static_cast<int64_t>(uplinks.size()) > upper_ports) return 0;
  const int umax = *std::max_element(uplinks.begin(), uplinks.end());
  switch (rule) {
    case UpperTierRule::Balanced: return choose_uppers(uplinks, upper_ports);
    // Dealt round-robin over s uppers, each upper takes within one link of sum / s: s = the port minimum, one more
    // where lowers with fewer uplinks than uppers (all starting at upper 0) would overfill the first ones. It stays at
    // most the largest lower's uplinks, where each lower puts at most one link on an upper and there are at most
    // upper_ports lowers, so it always fits there; a full lower reaches every upper.
    case UpperTierRule::Fewest: {
      int s = static_cast<int>(std::max<int64_t>(1, port_minimum(uplinks, upper_ports)));
      while (s < umax && most_links_on_an_upper(uplinks, s) > upper_ports) ++s;
      return s;
    }
    case UpperTierRule::OneLinkPerPair: return umax;
  }
  return 0;
}

}  // namespace aifabric::detail
