// Rack elevations for the report: servers, switches and appliances at their rack units, power per rack (SVG).
#pragma once

#include <cstddef>
#include <string>

#include "plan/device_directory.h"
#include "plan/plan.h"

namespace aifabric {

// Elevations of a sample of the plan's racks (the first server racks and the first network racks, at most
// `max_racks`), each with its name, IT power and used height against layout.rack_units; devices carry class "mark".
// `shown` receives how many racks are drawn.
std::string rack_elevation_svg(const Plan& plan, const DeviceDirectory& dir, size_t max_racks, size_t* shown);

}  // namespace aifabric
