// Side-by-side comparison of designs running the same workload: plan, collective, training step.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "net/packet_sim.h"
#include "plan/plan.h"
#include "workload/training_step.h"

namespace aifabric {

// What a packet-level run of the same traffic did on one design: tails, the hot spot, loss, queues, evenness.
struct PacketRunSummary {
  std::string settings;                        // load balancing, transport, flow control
  double fct_p50_us = 0, fct_p99_us = 0, fct_max_us = 0;
  double jain = 0;                             // of all flows' goodputs
  double hot_max_us = -1, hot_jain = -1;       // flows into the busiest receiver, when the traffic has one
  double victims_p99_us = -1, victims_max_us = -1;
  int64_t drops = 0, retransmits = 0, pauses = 0;
  double paused_fraction = 0;                  // of port time, the most paused tier
  int64_t queue_p99_bytes = 0, queue_max_bytes = 0;  // the deepest tier
  double busiest_link = 0, utilisation_spread = 0;   // the fabric's switch-to-switch tiers (host links in a 1-tier design)
  bool conserved = false;
};
PacketRunSummary summarise_packet_run(const PacketSimResult& r, std::string settings);

struct DesignResult {
  std::string name, description;
  int64_t xpus = 0, switches = 0, optical_modules = 0;
  int64_t fibre_strands = 0;  // in structured cabling, single- and multi-mode
  double network_kw = 0, network_cost_usd = 0, bisection_tbps = 0;
  double busbw_gbs = 0;
  Picoseconds collective_time;
  int64_t unreachable = 0;
  std::optional<double> utilisation;
  std::optional<double> step_ms;
  std::optional<PacketRunSummary> packet;
};

struct Comparison {
  std::string workload;  // what ran on every design
  std::string packet_workload;  // the packet-level traffic, if any
  std::vector<DesignResult> designs;
};

DesignResult summarise_design(const Plan& plan);
std::string render_comparison_text(const Comparison& c);
std::string render_comparison_json(const Comparison& c);
// One self-contained HTML page: the designs side by side in bar charts and a table.
std::string render_comparison_html(const Comparison& c);

}  // namespace aifabric
