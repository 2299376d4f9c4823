// Cable schedule rows from the plan's links, their ends' ports and media, by the fibre rule the BOM counts with.
#include "plan/cable_schedule.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "plan/fibre_cabling.h"

namespace aifabric {

namespace {

const std::vector<double> kCopperM = {0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7};
const std::vector<double> kAocM = {1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 50, 70, 100};
const std::vector<double> kFibreM = {1, 2, 3, 5, 7, 10, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80, 90, 100, 120, 150, 200, 250, 300, 400, 500};

char role_letter(std::string_view role) {
  if (role == "nic") return 'N';
  if (role == "leaf") return 'L';
  if (role == "spine") return 'S';
  if (role == "core") return 'C';
  if (role == "leaf-element") return 'E';
  if (role == "fabric-element") return 'F';
  return 'A';
}

// A cable assembly's kind as its part says it; between modules, fibre.
std::string kind_name(PartKind k) { return k == PartKind::Transceiver ? "fibre" : std::string(to_string(k)); }

std::string color_of(const std::string& medium) { return medium == "copper" ? "black" : medium == "om4" ? "aqua" : "yellow"; }

// The port at a cage as a whole (a splitter's or breakout assembly's single end): osfp12/2 -> osfp12.
std::string whole_port(const std::string& port) {
  const auto slash = port.find('/');
  return slash == std::string::npos ? port : port.substr(0, slash);
}

}  // namespace

double orderable_length_m(double m, const std::string& kind) {
  const std::vector<double>& steps = kind == "fibre" ? kFibreM : kind == "aoc" ? kAocM : kCopperM;
  for (double s : steps) if (s + 1e-9 >= m) return s;
  // Past the usual steps (media selection has already checked the part's reach): whole 100 m of fibre, whole metres of copper.
  return kind == "fibre" || kind == "aoc" ? std::ceil(m / 100.0 - 1e-9) * 100.0 : std::ceil(m - 1e-9);
}

std::vector<CableRow> cable_schedule(const Plan& plan, const std::vector<LinkEnds>& ends) {
  const Fabric& f = plan.fabric;
  std::vector<CableRow> rows;
  rows.reserve(ends.size());
  std::vector<FibreCabling> cabling(plan.choices.size());
  for (size_t ci = 0; ci < plan.choices.size(); ++ci) cabling[ci] = fibre_cabling(plan.choices[ci]);
  std::map<std::tuple<uint32_t, uint32_t, int, uint16_t>, size_t> group_row;  // (device, cage, connector, choice) -> row
  // Link classes by tier (index 0: appliance ports), their label prefixes and how many cables each has so far.
  std::vector<std::string> classes(static_cast<size_t>(f.tiers) + 1), prefixes(classes.size());
  std::vector<int64_t> serial(classes.size(), 0);
  for (int t = 0; t <= f.tiers; ++t) {
    const std::string lo = t == 0 ? "appliance" : t == 1 ? "nic" : std::string(to_string(f.tier[t - 1].role));
    const std::string up(to_string(f.tier[std::max(t, 1)].role));
    classes[t] = fmt::format("{}-{}", lo, up);
    prefixes[t] = fmt::format("{}{}", role_letter(lo), role_letter(up));
  }
  const size_t data_links = f.links.size();
  for (size_t i = 0; i < ends.size(); ++i) {
    const bool appliance = i >= data_links;
    const uint16_t ci = appliance ? plan.appliance_choice[i - data_links] : plan.link_choice[i];
    const double len = appliance ? plan.appliance_length_m[i - data_links] : plan.link_length_m[i];
    const LinkChoice& c = plan.choices[ci];
    const LinkEnds& e = ends[i];
    const size_t cls = appliance ? 0 : f.links[i].tier;
    auto new_row = [&](CableEnd a, std::string cable, std::string kind, std::string medium, int fibres) {
      CableRow r;
      r.label = fmt::format("{}-{:06}", prefixes[cls], ++serial[cls]);
      r.link_class = classes[cls];
      r.a = std::move(a);
      r.cable = std::move(cable);
      r.kind = std::move(kind);
      r.medium = std::move(medium);
      r.fibres = fibres;
      r.color = color_of(r.medium);
      rows.push_back(std::move(r));
      return rows.size() - 1;
    };
    auto add_leg = [&](size_t row, CableEnd b) {
      CableRow& r = rows[row];
      r.b.push_back(std::move(b));
      r.length_m = std::max(r.length_m, len);
      r.order_m = orderable_length_m(r.length_m, r.kind);
    };
    const std::string lo_module = c.lower ? c.lower->name : "", up_module = c.upper ? c.upper->name : "";
    if (c.cable) {
      const std::string kind = kind_name(c.cable->kind);
      const std::string medium = c.cable->kind == PartKind::ActiveOpticalCable ? (c.cable->fiber == FiberType::Singlemode ? "os2" : "om4") : "copper";
      const int split = std::max(c.lower_split, c.upper_split);
      if (split == 1) {
        add_leg(new_row({e.lower.device, e.lower.port, "", ""}, c.cable->name, kind, medium, c.cable->fibers), {e.upper.device, e.upper.port, "", ""});
        continue;
      }
      // A breakout assembly: one cable from the whole cage to its legs.
      const bool lower_whole = c.lower_split > 1;
      const PortRef& whole = lower_whole ? e.lower : e.upper;
      const PortRef& leg = lower_whole ? e.upper : e.lower;
      const auto key = std::make_tuple(whole.device, whole.cage, 0, ci);
      auto it = group_row.find(key);
      if (it == group_row.end()) it = group_row.emplace(key, new_row({whole.device, whole_port(whole.port), "", ""}, c.cable->name, kind, medium, c.cable->fibers)).first;
      add_leg(it->second, {leg.device, leg.port, "", whole.port});
      continue;
    }
    const FibreCabling& fc = cabling[ci];
    if (fc.split_end < 0) {
      for (int k = 0; k < fc.per_link; ++k) {
        const std::string suffix = fc.per_link > 1 ? fmt::format("#{}", k + 1) : "";
        add_leg(new_row({e.lower.device, e.lower.port + suffix, lo_module, ""}, fc.item, "fibre", fc.medium, fc.fibres),
                {e.upper.device, e.upper.port + suffix, up_module, ""});
      }
      continue;
    }
    // A splitter: one cable per connector at the whole end, its legs to the far modules.
    const bool lower_whole = fc.split_end == 0;
    const PortRef& whole = lower_whole ? e.lower : e.upper;
    const PortRef& leg = lower_whole ? e.upper : e.lower;
    const int connector = whole.sub > 0 ? static_cast<int>(whole.sub - 1) / fc.links_per_cable : 0;
    const auto key = std::make_tuple(whole.device, whole.cage, connector, ci);
    auto it = group_row.find(key);
    if (it == group_row.end()) {
      const std::string port = whole_port(whole.port) + (fc.links_per_cable < std::max(c.lower_split, c.upper_split) ? fmt::format("#{}", connector + 1) : "");
      it = group_row.emplace(key, new_row({whole.device, port, lower_whole ? lo_module : up_module, ""}, fc.item, "fibre", fc.medium, fc.fibres)).first;
    }
    add_leg(it->second, {leg.device, leg.port, lower_whole ? up_module : lo_module, whole.port});
  }
  return rows;
}

}  // namespace aifabric
