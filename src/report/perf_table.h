// NCCL-tests-style output of a size sweep: the same columns as all_reduce_perf and friends.
#pragma once

#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "collective/schedule.h"

namespace aifabric {

struct PerfRow {
  int64_t bytes = 0;
  Picoseconds time;
  double algbw_gbs = 0;  // GB/s (1e9 bytes per second), as NCCL-tests prints
  double busbw_gbs = 0;
};

struct PerfSweep {
  std::string title;     // one line describing fabric, ranks, algorithm, backend
  CollectiveKind kind = CollectiveKind::AllReduce;
  int64_t ranks = 0;
  int64_t nodes = 0;
  std::vector<std::string> choices;  // what ran from which size on (algorithm, protocol, channels, and why)
  std::vector<PerfRow> rows;
  std::vector<PerfRow> healthy;  // with --fail: the same sizes with nothing failed, to say what the failures cost
};

PerfRow perf_row(CollectiveKind kind, int64_t ranks, int64_t bytes, Picoseconds time);
std::string render_perf_table(const PerfSweep& sweep);
std::string render_perf_json(const PerfSweep& sweep);

// "8", "64K", "8G" (binary multiples, as NCCL-tests reads -b/-e); -1 on a bad size.
int64_t parse_size(const std::string& s);

}  // namespace aifabric
