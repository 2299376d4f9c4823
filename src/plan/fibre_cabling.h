// How the fibre cables of one optical medium run between its modules' connectors: the one rule the BOM and the cable
// schedule count by.
#pragma once

#include <string>

#include "plan/plan.h"

namespace aifabric {

// Point to point when every link has connectors of its own at both ends (a twin-port 2xDR4 cage serving two 400G
// links has one MPO per link): `per_link` cables per link, one per connector. A splitter when one end has fewer
// connectors than links (an SR8's single MPO-16 fanned out to two SR4s): one cable per connector at `split_end`
// (0 lower, 1 upper) carrying `links_per_cable` links.
struct FibreCabling {
  int per_link = 1;
  int split_end = -1;
  int links_per_cable = 1;
  int fibres = 0;          // strands in one cable
  std::string item;        // "MPO-12/APC OS2 fibre", "MPO-16 to 2x MPO-12 OM4 breakout"
  std::string medium;      // os2, om4
};

// Nothing to cable for a copper or active optical assembly (c.cable): the assembly is the cable.
FibreCabling fibre_cabling(const LinkChoice& c);

}  // namespace aifabric
