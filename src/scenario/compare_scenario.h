// One workload (a collective, optionally a job's step and packet traffic) on several designs, side by side: what
// `aifabric compare` prints and the Python module's compare() returns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/compare_report.h"
#include "scenario/session.h"

namespace aifabric {

// The options, with the command's defaults.
struct CompareRequest {
  std::vector<std::string> specs;  // cluster spec files, two or more
  std::string collective = "all_reduce", size = "1G", group = "all", algo = "nccl", backend = "flow";
  std::string job;                 // a job spec file: also time one step on every design
  std::vector<std::string> fail;   // failures on every design (--fail syntax, seeded by the session)
  std::string traffic;             // also run this traffic packet by packet, each design with its own LB, transport, PFC
  std::string bytes = "1M";        // per flow of `traffic`
};

// Throws InputError naming the file or option at fault; empty when `stop` became non-zero during a packet run.
std::optional<Comparison> run_compare(const Session& s, const CompareRequest& r, const volatile int* stop = nullptr);

}  // namespace aifabric
