// The cable schedule installers work from: one row per physical cable, its two ends (device, port, module, rack, U),
// part, planned and orderable length, medium, fibres and label; and the orderable bill of cables it adds up to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/device_directory.h"
#include "plan/plan.h"

namespace aifabric {

struct CableEnd {
  uint32_t device = 0;
  std::string port;    // osfp12/2; a port taking several cables names the connector: osfp12/2#1
  std::string module;  // the part in the cage at this end ("" where the cable assembly plugs in itself)
  std::string via;     // a splitter's or breakout's leg: the sub-port of the single end this leg's link uses ("" otherwise)
};

struct CableRow {
  std::string label;       // NL-000001: the link class's ends (N nic, L leaf, S spine, C core, E/F elements, A appliance), then a number
  std::string link_class;  // nic-leaf, leaf-spine, spine-core, appliance-leaf, ...
  CableEnd a;              // the lower end, or a splitter's single end
  std::vector<CableEnd> b; // the far end: one, or every leg of a splitter
  std::string cable;       // the assembly's part name, or the fibre cable ("MPO-12/APC OS2 fibre")
  std::string kind;        // dac, acc, aec, aoc, fibre
  std::string medium;      // copper, om4, os2
  int fibres = 0;          // strands in the cable (0 for copper)
  double length_m = 0;     // planned run with slack (the longest leg of a splitter)
  double order_m = 0;      // the shortest orderable length that covers it
  std::string color;       // jacket colour by medium: black copper, aqua OM4, yellow OS2
};

// Every physical cable of the plan (data-plane links and appliance ports), in link order, from their ends (link_ends).
std::vector<CableRow> cable_schedule(const Plan& plan, const std::vector<LinkEnds>& ends);

// The shortest orderable length at least `m` for a cable of `kind`: copper 0.5-7 m, AOC 1-100 m, fibre 1-500 m in the
// usual catalogue steps; past them whole metres of copper, whole 100 m of fibre.
double orderable_length_m(double m, const std::string& kind);

}  // namespace aifabric
