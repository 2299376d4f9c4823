// Text and JSON rendering of a proposal check, with the planner's design of the same intent.
#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include "plan/proposal.h"
#include "report/plan_report.h"

namespace aifabric {

std::string render_proposal_text(const ProposalReport& r) {
  std::string o = fmt::format("aifabric check: {}  ({})\n", r.proposal.name, r.proposal.file);
  if (!r.proposal.source.empty()) o += "source: " + r.proposal.source + "\n";
  int bad = 0;
  for (const auto& f : r.findings) {
    if (f.status == FindingStatus::Inconsistent) ++bad;
    o += fmt::format("  [{}] {}: {}\n", to_string(f.status), f.topic, f.detail);
  }
  o += bad == 0 ? "verdict: the proposal's numbers add up\n"
                : fmt::format("verdict: {} finding{} where the proposal's numbers do not add up\n", bad, bad > 1 ? "s" : "");
  if (r.plan) {
    o += "\n--- the planner's design of the same intent ---\n";
    o += render_plan_text(*r.plan);
  }
  return o;
}


std::string render_proposal_json(const ProposalReport& r) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.check/1";
  j["name"] = r.proposal.name;
  j["source"] = r.proposal.source;
  j["adds_up"] = r.ok();
  nlohmann::ordered_json fs = nlohmann::ordered_json::array();
  for (const auto& f : r.findings) {
    fs.push_back({{"status", f.status == FindingStatus::Consistent ? "ok" : f.status == FindingStatus::Inconsistent ? "inconsistent" : "note"},
                  {"topic", f.topic}, {"detail", f.detail}});
  }
  j["findings"] = fs;
  if (r.plan) j["planned"] = nlohmann::ordered_json::parse(render_plan_json(*r.plan));
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aifabric
