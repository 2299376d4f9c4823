// A collective timed over a range of sizes on a planned fabric, NCCL-tests style, on any backend: what `aifabric perf`
// prints and the Python module's perf() returns.
#pragma once

#include <string>
#include <vector>

#include "report/perf_table.h"
#include "scenario/session.h"

namespace aifabric {

struct PerfRequest {
  std::string collective = "all_reduce", min_size = "8", max_size = "128M", backend = "flow", algo = "nccl", proto, group = "all", lb, execution = "phases";
  double factor = 2;          // size multiplier per row
  int64_t ranks = 0;          // the first N XPUs (overrides group)
  int channels = 0;           // 0: as NCCL's topology search would set them
  std::vector<std::string> fail;  // failures from the start (--fail syntax)
};

// The sweep of `r` on `spec` (named `spec_name` in messages). Throws InputError naming the field at fault.
PerfSweep run_perf(const Session& s, ClusterSpec spec, const std::string& spec_name, const PerfRequest& r);

}  // namespace aifabric
