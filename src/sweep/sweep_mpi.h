// A sweep spread over MPI ranks (mpirun -np N aifabric sweep ...): rank 0 checks the grid, hands out points one at a
// time as ranks ask for them (so a few slow points do not idle the rest) and writes every output; the other ranks
// only run points. Rows travel as journal lines (exact numbers), so the output is byte-identical to a threaded run.
#pragma once

#include <string>

#include "catalog/catalog.h"
#include "sweep/sweep_grid.h"
#include "sweep/sweep_run.h"

namespace aifabric {

// The MPI world of this process, initialised only when a launcher (mpirun, srun) started it with more than one rank;
// finalised on destruction. Every MPI call is made on the thread that made it, or under its lock.
class MpiWorld {
 public:
  // True when this process was started by an MPI launcher as one of several ranks (its environment says so).
  static bool launched();
  MpiWorld();
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Rank 0: the helpers a sweep runs beside its own threads (SweepOptions::helpers): the other ranks, each asking for
  // a point, running it and sending its row back. Throws std::runtime_error when a rank fails (its message).
  SweepOptions::HelpersFn helpers();
  // Rank 0, on any way out (the sweep done, or refused before it began): tells every rank still asking that there is
  // no more work, with the status it should exit with, and waits until each has said goodbye. Idempotent.
  void dismiss(int status);

  // Ranks 1..N-1: ask rank 0 for points and run them (options.threads at a time, options.plan_only as rank 0 does)
  // until told to stop; returns the exit status rank 0 gave (0 done, 2 the grid refused, 1 a rank failed).
  int serve(const SweepGrid& grid, const Catalog& catalog, const SweepOptions& options);
  // Ranks 1..N-1 that could not read the grid or its catalog (rank 0 reports the same error, or names this rank's):
  // says goodbye at once with the reason.
  void refuse(const std::string& why);

 private:
  int rank_ = 0, size_ = 1;
  int byes_ = 0;         // rank 0: the ranks that have said goodbye
  bool dismissed_ = false;
  std::string failure_;  // rank 0: the first rank's failure
};

}  // namespace aifabric
