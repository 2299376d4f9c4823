// What `aifabric run` simulates on a planned fabric (an all-reduce sweep on every backend that stays quick at the
// scale, one training step, a packet-level timeline healthy and with a spine failing part-way), its policy as
// options with documented defaults; the report renders the results (report/run_results.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "report/run_results.h"
#include "scenario/session.h"
#include "workload/job_spec.h"

namespace aifabric {

struct RunOptions {
  int64_t min_size = 8, max_size = int64_t{8} << 30, factor = 4;  // the all-reduce sweep's sizes (bytes per rank)
  // NCCL's per-size algorithm and protocol choice up to this many ranks; above it a hierarchical all-reduce (NCCL's
  // tuner is modelled from its published tables, which stop near 16K ranks).
  int64_t nccl_choice_max_ranks = 16384;
  int64_t packet_sweep_max_ranks = 2048;                 // the packet backend joins the sweep up to this many ranks
  int64_t packet_sweep_max_bytes = int64_t{512} << 20;   // and stops at the first size moving more over the network
  int64_t timeline_max_nics = 2048;                      // the packet timeline (healthy and failed) up to this many NICs
  int64_t timeline_flow_bytes = int64_t{1} << 20;        // its random permutation's flow size
  int64_t timeline_sample_ps = 500'000;                  // its sampling interval
  int64_t failure_at_divisor = 3;                        // one spine fails at 1/N of the healthy timeline's length
  // The cabling files (cabling/: cable schedule, orderable BOM, NetBox CSVs) up to this many links; above it `aifabric
  // cables` writes them (a 131,072-XPU, 8-plane fabric has 2 million links: hundreds of MB of CSV).
  int64_t cabling_max_links = 131072;
};

// `job`: the job to time (empty: a 13B dense job sized to the cluster); `job_file` names it in the results.
// `progress(done, total, what)` after every unit of work; `stop` (may be null) ends early, the results then partial.
RunResults run_scenario(const Session& s, const ClusterSpec& spec, const Plan& plan, const std::optional<JobSpec>& job, const std::string& job_file,
                        const RunOptions& o = {}, const volatile int* stop = nullptr,
                        const std::function<void(int64_t done, int64_t total, const std::string& what)>& progress = {});

}  // namespace aifabric
