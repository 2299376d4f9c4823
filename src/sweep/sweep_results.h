// A sweep's journal: every finished point appended to a results file as it completes, so that an interrupted sweep
// keeps what it did and a rerun skips it. JSON Lines: a header naming the grid's fingerprint, then one row a line.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "sweep/sweep_grid.h"
#include "sweep/sweep_run.h"

namespace aifabric {

// What a row depends on besides its index: the grid's text, the base spec's, the job's, and the seed (FNV-1a).
uint64_t sweep_fingerprint(const SweepGrid& grid, uint64_t seed);

// One row as a line and back, every number exactly (doubles round-trip, times in picoseconds).
std::string sweep_row_line(const SweepRow& row);
SweepRow sweep_row_from_line(const std::string& line);

class SweepJournal {
 public:
  // Opens `path` for appending, first reading the rows it already holds. Throws InputError naming the file when it
  // holds another grid's results (another fingerprint) or is not a results file; a torn last line (a run killed
  // while writing it) is dropped.
  SweepJournal(const std::string& path, uint64_t fingerprint, int64_t points);
  ~SweepJournal();
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;

  const std::map<int64_t, SweepRow>& done() const { return done_; }
  void append(const SweepRow& row);  // thread-safe; the line is flushed before it returns

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::map<int64_t, SweepRow> done_;
  std::mutex mutex_;
};

}  // namespace aifabric
