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
// The packet engine as a spec configures it: its load balancing, transport and PFC, the seed, the event limit.
PacketSimConfig packet_config_for(const ClusterSpec& spec, uint64_t seed, int64_t max_events = PacketSimConfig{}.max_events);
// A line saying how the engine runs on this plan: load balancing, transport and acks, flow control and where its
// thresholds come from, buffers.
std::string packet_settings(const Plan& plan, const PacketSimConfig& cfg);
// Refuses (InputError naming `what`) traffic that would not finish in a sane time, before anything is built: about
// 4 events per packet per hop (arrival and transmission, data and ack), 2 x tiers hops each way.
void check_packet_budget(const std::vector<FlowSpec>& traffic, const Plan& plan, const PacketSimConfig& cfg, const std::string& what = "--traffic");
// analytic, flow or packet: the packet engine plugs in behind the same interface.
std::unique_ptr<CollectiveBackend> backend_for(const std::string& name, const Plan& plan, const ClusterSpec& spec, uint64_t seed = 1,
                                               const std::vector<std::string>& failures = {}, Execution execution = Execution::Phases);
std::unique_ptr<CollectiveBackend> backend_for(const std::string&, Plan&&, const ClusterSpec&, uint64_t = 1, const std::vector<std::string>& = {},
                                               Execution = Execution::Phases) = delete;  // the plan must outlive the backend

}  // namespace aifabric
