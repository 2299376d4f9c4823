// A sweep as a page: every point by network cost and performance, the Pareto front marked and tabled, the points
// coloured by one axis's values, each point's settings on hover; and the points that did not run, with why.
#pragma once

#include <string>
#include <vector>

#include "sweep/sweep_grid.h"
#include "sweep/sweep_run.h"

namespace aifabric {

// Per row, whether it is on the Pareto front of the rows that ran: no other costs no more and performs at least as
// well, one of them strictly (performance: bus bandwidth, or with a job its MFU). Ties go to the lower index.
std::vector<bool> sweep_pareto_front(const std::vector<SweepRow>& rows);

// `color_axis` indexes grid.axes.
std::string render_sweep_html(const SweepGrid& grid, const std::vector<SweepRow>& rows, size_t color_axis);

}  // namespace aifabric
