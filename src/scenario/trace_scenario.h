// Execution traces replayed on a planned fabric: Chakra traces (PREFIX.0.et, PREFIX.1.et, ...) or one step of a SimAI
// workload file; what `aifabric trace` prints and the Python module's trace() returns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/session.h"
#include "trace/trace_replay.h"

namespace aifabric {

// The options, with the command's defaults.
struct TraceRequest {
  std::string prefix;           // PREFIX of PREFIX.N.et for every rank N from 0, or a SimAI / AICB workload file
  std::string backend = "flow";  // analytic, flow or packet
  std::string comm_groups;      // a JSON file of process groups by pg_name; empty: every collective spans all ranks
  int64_t world = 0;            // ranks in the job when only some have traces; 0: one per trace file
};

// The traces found, read and checked, with the job's size and its process groups.
struct TraceSet {
  std::vector<RankTrace> traces;
  int64_t world = 0;
  CommGroups groups;
};

struct TraceRun {
  TraceReplayResult result;
  std::string title;  // the traces, the job's size, the design and the backend, in a line
};

// Both throw InputError naming the file or option at fault; the traces are read first, so a missing one is named
// before anything is planned.
TraceSet load_traces(const TraceRequest& r);
TraceRun run_trace(const Session& s, const ClusterSpec& spec, const TraceRequest& r, const TraceSet& traces);

}  // namespace aifabric
