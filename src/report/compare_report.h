// Side-by-side comparison of designs running the same workload: plan, collective, training step.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "workload/training_step.h"

namespace aifabric {

struct DesignResult {
  std::string name, description;
  int64_t xpus = 0, switches = 0, optical_modules = 0;
  double network_kw = 0, network_cost_usd = 0, bisection_tbps = 0;
  double busbw_gbs = 0;
  Picoseconds collective_time;
  int64_t unreachable = 0;
  std::optional<double> utilisation;
  std::optional<double> step_ms;
};

struct Comparison {
  std::string workload;  // what ran on every design
  std::vector<DesignResult> designs;
};

DesignResult summarise_design(const Plan& plan);
std::string render_comparison_text(const Comparison& c);
std::string render_comparison_json(const Comparison& c);
// One self-contained HTML page: the designs side by side in bar charts and a table.
std::string render_comparison_html(const Comparison& c);

}  // namespace aifabric
