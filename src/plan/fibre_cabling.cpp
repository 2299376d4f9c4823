// Fibre cables of an optical medium from its modules' connectors, splits and strands.
#include "plan/fibre_cabling.h"

#include <algorithm>

#include <fmt/format.h>

namespace aifabric {

namespace {

// A module's connectors as used split `split` ways: its catalog connector, or the alternative it names ("MPO-16 (or 2x
// MPO-12/APC)") when that gives each sub-link a connector of its own, as twin-port modules for breakouts are sold.
struct Connectors { int count; std::string type; };
Connectors connectors_for(const Part& p, int split) {
  Connectors c{p.connectors(), p.connector_type()};
  const auto alt = p.connector.find("(or ");
  if (split > c.count && alt != std::string::npos) {
    Part other;
    other.connector = p.connector.substr(alt + 4, p.connector.find(')', alt) - alt - 4);
    if (other.connectors() >= split) c = {other.connectors(), other.connector_type()};
  }
  return c;
}

}  // namespace

FibreCabling fibre_cabling(const LinkChoice& c) {
  FibreCabling fc;
  if (c.cable || !c.lower || !c.upper) return fc;
  const Part& lo = *c.lower;
  const Part& up = *c.upper;
  const int ls = std::max(1, c.lower_split), us = std::max(1, c.upper_split);
  const Connectors kl = connectors_for(lo, ls), ku = connectors_for(up, us);
  const int cl = kl.count, cu = ku.count;
  fc.medium = lo.fiber == FiberType::Multimode ? "om4" : "os2";
  const std::string glass = lo.fiber == FiberType::Multimode ? "OM4" : "OS2";
  if (cl >= ls && cu >= us) {
    fc.per_link = std::max(cl / ls, cu / us);
    fc.fibres = std::max(1, lo.fibers / ls / fc.per_link);
    fc.item = kl.type == ku.type ? fmt::format("{} {} fibre", kl.type, glass) : fmt::format("{} to {} {} fibre", kl.type, ku.type, glass);
    return fc;
  }
  const bool lower_splits = cl < ls;
  const Part& whole = lower_splits ? lo : up;
  fc.split_end = lower_splits ? 0 : 1;
  fc.links_per_cable = lower_splits ? ls / cl : us / cu;
  fc.fibres = std::max(1, whole.fibers / (lower_splits ? cl : cu));
  fc.item = fmt::format("{} to {}x {} {} breakout", (lower_splits ? kl : ku).type, fc.links_per_cable, (lower_splits ? ku : kl).type, glass);
  return fc;
}

}  // namespace aifabric
