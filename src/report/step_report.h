// Text and JSON of a training-step result, and the side-by-side of several.
#pragma once

#include <string>
#include <vector>

#include "workload/training_step.h"

namespace aifabric {

std::string render_step_text(const StepResult& r);
std::string render_step_json(const std::vector<StepResult>& rs);
// One row per result (fabric), columns: compute, exposed per parallelism, step, utilisation.
std::string render_step_comparison(const std::vector<StepResult>& rs);

}  // namespace aifabric
