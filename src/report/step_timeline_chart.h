// A training step as lanes over time: every pipeline rank's forwards and backwards in Megatron-LM's order, the
// data-parallel reduction and the optimizer, for the HTML report.
#pragma once

#include <string>

#include "workload/training_step.h"

namespace aifabric {

struct StepTimelineChart {
  std::string svg;
  std::string caption;  // what is drawn, and the drawn step's length beside the step model's
};

// At most 16 pipeline ranks are drawn (the first, the last and evenly between); nothing when the step has no
// micro-batches.
StepTimelineChart step_timeline_chart(const StepResult& s);

}  // namespace aifabric
