// One training step of a job as per-rank Chakra traces (what ASTRA-sim or `aifabric trace` can replay): each rank's
// 1F1B order of forwards and backwards, every layer's compute and tensor-parallel collectives, the pipeline sends
// (posted without waiting, as Megatron batches them) and receives (waited for), and the data-parallel gradient
// reduction at the end.
#pragma once

#include <vector>

#include "plan/plan.h"
#include "trace/chakra_trace.h"
#include "trace/trace_replay.h"
#include "workload/job_spec.h"

namespace aifabric {

inline constexpr int64_t kMaxStepTraceRanks = 4096;  // one file per rank

struct StepTraces {
  std::vector<RankTrace> ranks;  // rank = (stage x dp + data-parallel index) x tp + tensor-parallel index
  CommGroups groups;             // "tp.S.D" and "dp.S.T"
};

// Throws InputError for what it does not write yet (interleaved stages, expert parallelism) and for more than
// kMaxStepTraceRanks ranks. Compute durations are whole microseconds, as Chakra stores them.
StepTraces step_traces(const JobSpec& job, const Plan& plan);

}  // namespace aifabric
