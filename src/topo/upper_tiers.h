// How many switches an upper tier (spines, cores) gets for the uplinks of the switches below it, by rule.
#pragma once

#include <cstdint>
#include <vector>

#include "spec/cluster_spec.h"

namespace aifabric::detail {

// Fewest upper switches s such that lower i's uplinks dealt round-robin (ceil(u_i / s) per upper at most)
// fit `upper_ports` per upper; prefers an s dividing every u_i (equal parallel links) unless it costs more
// than 25% more uppers. 0 if even one link per upper does not fit.
int choose_uppers(const std::vector<int>& uplinks, int upper_ports);

// The port minimum: the fewest `upper_ports`-port switches the uplinks' ports alone need, ceil(sum u_i / ports).
int64_t port_minimum(const std::vector<int>& uplinks, int upper_ports);

// Where each lower's uplinks go among s uppers: link u of lower i to upper (start[i] + u) % s. Lowers with at least s
// uplinks continue one round robin, so the uppers' loads stay within a link of each other; lowers with fewer (a partial
// leaf, a partial pod's spine) all start at upper 0, so any two of them share an upper and a path between them exists.
std::vector<int64_t> deal_uplinks(const std::vector<int>& uplinks, int s);

// The most links any upper takes when `uplinks` are dealt over s uppers.
int most_links_on_an_upper(const std::vector<int>& uplinks, int s);

// The upper switches `rule` builds for these uplinks (0 when they do not fit one tier).
int upper_count(const std::vector<int>& uplinks, int upper_ports, UpperTierRule rule);

}  // namespace aifabric::detail
