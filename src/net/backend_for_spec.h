// A backend by the name a command or a sweep gives (analytic, flow, packet, nccl-model), configured from a cluster
// spec's load balancing, transport and flow control, with failures as --fail writes them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "net/packet_sim.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace aifabric {

// --fail SPEC[@TIME] options as the packet engine takes them: one failure per option, each at its time.
std::vector<LinkFailure> packet_failures(const Fabric& f, const std::vector<std::string>& specs, uint64_t seed);
// analytic, flow or packet: the packet engine plugs in behind the same interface.
std::unique_ptr<CollectiveBackend> backend_for(const std::string& name, const Plan& plan, const ClusterSpec& spec, uint64_t seed = 1,
                                               const std::vector<std::string>& failures = {}, Execution execution = Execution::Phases);

}  // namespace aifabric
