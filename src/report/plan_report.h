// Renders a plan: readable text, JSON (one documented schema, stable keys) and Graphviz DOT.
#pragma once

#include <string>

#include "plan/plan.h"
#include "plan/proposal.h"

namespace aifabric {

std::string render_plan_text(const Plan& plan);
std::string render_plan_json(const Plan& plan);
// Topology by tier and plane, aggregated: one node per (plane, tier, group) beyond `max_nodes` switches.
std::string render_plan_dot(const Plan& plan, int max_nodes = 200);

std::string render_proposal_text(const ProposalReport& r);
std::string render_proposal_json(const ProposalReport& r);

}  // namespace aifabric
