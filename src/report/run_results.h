// What `aifabric run` computed besides the plan: collective sweeps, link utilisation, a training step.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "net/packet_sim.h"
#include "report/perf_table.h"
#include "workload/training_step.h"

namespace aifabric {

struct RunResults {
  bool partial = false;                  // interrupted: what was computed before the stop
  std::string algorithm;                 // of the sweeps
  std::vector<std::pair<std::string, PerfSweep>> sweeps;  // (backend, sweep)
  std::vector<TierUtilisation> utilisation;               // flow backend, largest size
  std::optional<StepResult> step;
  std::string job_source;                // the job file, or how the default job was derived
  std::string timeline_title;            // the packet-level run behind the timeline
  std::vector<TierSample> timeline;      // utilisation and queue depth per tier over time
  // The same packet run with one spine failing part-way: the dip over time, what was lost, what it cost.
  std::string failure_title;
  std::vector<TierSample> failure_timeline;
  std::vector<std::string> failure_findings;
};

std::string render_results_json(const RunResults& r);
std::string render_html_report(const Plan& plan, const RunResults& r);
// CSV tables: name -> content (bom.csv, racks.csv, links.csv, perf.csv, step.csv).
std::vector<std::pair<std::string, std::string>> render_csv_tables(const Plan& plan, const RunResults& r);

}  // namespace aifabric
