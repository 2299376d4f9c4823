// A sweep's rows as text, CSV and JSON (schema aifabric.sweep/1): one row per point, the axes' values first.
#pragma once

#include <string>
#include <vector>

#include "sweep/sweep_grid.h"
#include "sweep/sweep_run.h"

namespace aifabric {

std::string render_sweep_text(const SweepGrid& grid, const std::vector<SweepRow>& rows);
std::string render_sweep_csv(const SweepGrid& grid, const std::vector<SweepRow>& rows);
std::string render_sweep_json(const SweepGrid& grid, const std::vector<SweepRow>& rows);

}  // namespace aifabric
