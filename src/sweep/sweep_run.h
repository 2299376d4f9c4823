// Running a sweep: every point planned and its workload simulated, on a pool of threads, the rows in grid order
// whatever the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "net/packet_sim.h"
#include "plan/plan.h"
#include "report/compare_report.h"
#include "sweep/sweep_grid.h"
#include "workload/job_spec.h"


namespace aifabric {

struct SweepRow {
  int64_t index = 0;
  std::vector<std::string> labels;  // per axis, the point's value
  bool built = false;               // planned (the design's columns hold)
  std::string reason;               // why the planner, the workload or the job refused the point ("" = it ran)
  DesignResult design;              // cost, power, switches, optics, bisection; the collective's time and busbw;
                                    // with traffic, its packet run (design.packet: FCTs, drops, retransmits)
  std::optional<double> mfu, tflops_per_xpu;  // with a job: its step (design.step_ms, design.utilisation too)
  // With a job: its step on an ideal back-end network (ideal_network_backend.h; the scale-up domain on the analytic
  // backend), what the step is measured against ("step_ms<=1.05*ideal"); and the share of the step the network costs.
  std::optional<double> ideal_step_ms;
  std::optional<double> network_loss() const {
    return design.step_ms && ideal_step_ms && *ideal_step_ms > 0 ? std::optional<double>(*design.step_ms / *ideal_step_ms - 1) : std::nullopt;
  }
};

struct SweepOptions {
  using HelpersFn = std::function<void(const std::function<int64_t()>& take, const std::function<void(SweepRow&&)>& deliver)>;
  int threads = 1;
  int64_t max_points = 10000;  // a bigger grid is refused before anything runs
  int64_t max_events = PacketSimConfig{}.max_events;  // a point's traffic estimated to need more is not run (its row says so)
  uint64_t seed = 1;
  PlanOptions plan;
  // Called from the worker threads after each point (serialised by the caller's own means if it prints).
  std::function<void(int64_t done, int64_t total)> progress;
  // Resuming (sweep_results.h): a journal file, opened once the grid is checked; the points it holds are taken from
  // it, every point run is appended to it. "" = none.
  std::string results;
  // Set (by a signal handler) to stop taking new points; the points running finish and are journalled.
  const volatile int* stop = nullptr;
  bool plan_only = false;  // plan every point, time nothing (what optimize orders its candidates by)
  bool run_traffic = true;  // run the workload's traffic, if it has one (optimize's bounding pass does not)
  // Other hands (sweep_mpi.h: the other MPI ranks), run on the calling thread beside `threads` local threads once the
  // grid is checked: they take point indices with `take` (-1: none left, or stopped) and hand every row they took to
  // `deliver`, returning when every point they took is delivered. Empty = the local threads alone.
  HelpersFn helpers;
};

// Checks the grid before anything runs (its size against max_points; every axis value alone against the spec reader
// and the planner: a value the swept field itself refuses is the grid's error, located at the value) and runs every
// point. Throws InputError for a bad grid. When stopped, the rows of the points not run have index -1.
std::vector<SweepRow> run_sweep(const SweepGrid& grid, const Catalog& catalog, const SweepOptions& options);

// One point: planned and, unless `plan_only`, its workload (and `job`) timed on `backend`. Never throws for what the
// point's own combination refuses: the row says why.
SweepRow sweep_one_point(const SweepGrid& grid, int64_t index, const Catalog& catalog, const SweepOptions& options, const std::optional<JobSpec>& job,
                         const std::string& backend, bool plan_only);

}  // namespace aifabric
