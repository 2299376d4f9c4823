// The cheapest design of a grid that meets a target, without simulating the whole grid: every point planned (the
// planner's refusals cost nothing), candidates taken in order of the objective, each first bounded by the analytic
// backend (no execution beats the load bound, so a candidate whose bound misses the target is dropped) and then
// confirmed on the grid's backend; the first that meets the target wins, the next ones are the runners-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sweep/sweep_grid.h"
#include "sweep/sweep_run.h"

namespace aifabric {

// A target such as "busbw>=300": metric busbw (GB/s), time_ms (the collective), step_ms (or step_time), mfu,
// utilisation or network_loss (all three in %; the last is the step over its ideal, less one), an operator >= or <=,
// a number; for step_ms also a multiple of the ideal, "step_ms<=1.05*ideal" (the step on an ideal back-end network,
// SweepRow::ideal_step_ms). Throws InputError naming --target.
struct OptimizeTarget {
  std::string metric;
  bool at_least = true;  // >= (else <=)
  double value = 0;
  bool of_ideal = false;  // value is a multiple of the point's ideal step (metric step_ms)
  std::string text;
};
OptimizeTarget parse_optimize_target(const std::string& text);

enum class Objective : uint8_t { Cost, Power, Switches };
std::optional<Objective> parse_objective(const std::string& s);

struct OptimizeVerdict {
  SweepRow row;
  std::string why;  // for a candidate that failed: the bound's or the backend's figure against the target
};

// The final few on a finer backend: the `finalists` best designs the grid's backend passed (the winner first) run
// again on `backend` (the packet engine, say), each with its verdict; the answer is the first that meets the target
// there too. finalists 0 = no confirmation.
struct OptimizeConfirm {
  std::string backend;
  int finalists = 0;
};

struct OptimizeResult {
  std::optional<SweepRow> winner;
  std::vector<SweepRow> runners_up;
  std::vector<OptimizeVerdict> cheaper_failed;  // every candidate cheaper than the winner, in objective order
  int64_t points = 0, not_built = 0, bounded = 0, simulated = 0;
  // With a confirmation: every finalist on its backend (why "" = it meets the target there), and the answer.
  std::string confirm_backend;
  std::vector<OptimizeVerdict> confirmed;
  std::optional<SweepRow> confirmed_winner;
};

OptimizeResult optimize_sweep(const SweepGrid& grid, const Catalog& catalog, const SweepOptions& options, const OptimizeTarget& target,
                              Objective objective, int runners_up = 2, const OptimizeConfirm& confirm = {});

std::string render_optimize_text(const SweepGrid& grid, const OptimizeTarget& target, Objective objective, const OptimizeResult& r);

}  // namespace aifabric
