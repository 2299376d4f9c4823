// An explicit design proposal (switch counts, ports, modules, claims) and the checker that re-does its arithmetic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "plan/plan.h"

namespace aifabric {

struct ProposalPorts {
  int64_t ports = 0;
  int64_t gbps = 0;
};

struct ProposalTier {
  std::string role;             // leaf, spine, core
  int64_t switches = 0;
  std::string model;            // optional catalog switch
  ProposalPorts down, up;
  SourceLocation where;
};

struct ProposalModules {
  std::string part;             // catalog part name
  int64_t count = 0;
  std::string at;               // "nic", "<role>-down", "<role>-up"
  SourceLocation where;
};

// A claimed number, or a claimed range.
struct Claim {
  double lo = 0, hi = 0;
  bool present = false;
  bool at_least = false;        // "over 28,000"
};

struct PowerExample {
  std::string name;
  int64_t switches = 0;
  double switch_w_lo = 0, switch_w_hi = 0;
  int64_t modules = 0;
  double module_w = 0;
  double pue = 1.3;
  Claim optics_w, it_w, facility_w;
};

struct Proposal {
  std::string file, name, source;
  int64_t servers = 0;
  int xpus_per_server = 0;
  int servers_per_rack = 0;
  std::string server_model;     // optional: the catalog model the proposal names
  int nics_per_server = 0;      // 0 = one per XPU
  Claim xpus, compute_racks, xpus_per_rack;
  std::vector<ProposalTier> tiers;
  std::vector<ProposalModules> modules;
  Claim modules_total, aggregate_tbps, fibers;
  std::vector<PowerExample> power_examples;
  std::string compare_with;     // a cluster spec of the same intent, planned for comparison
  SourceLocation where;
};

enum class FindingStatus : uint8_t { Consistent, Inconsistent, Note };
std::string_view to_string(FindingStatus s);

struct Finding {
  FindingStatus status = FindingStatus::Consistent;
  std::string topic;
  std::string detail;
  double value = 0;  // the number the checker computed for this topic (upper end of a range)
};

struct ProposalReport {
  Proposal proposal;
  std::vector<Finding> findings;
  std::optional<Plan> plan;     // the planner's design of the same intent
  bool ok() const;
};

Proposal load_proposal(const std::string& path);
Proposal parse_proposal(const std::string& text, const std::string& file);
ProposalReport check_proposal(const Proposal& p, const Catalog& catalog, const PlanOptions& options);

}  // namespace aifabric
