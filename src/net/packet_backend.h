// The packet-level engine behind the collective-backend interface: each phase's network transfers run as
// flows in a packet simulation; transfers inside a scale-up domain move at the scale-up rate.
#pragma once

#include <memory>

#include "backend/collective_backend.h"
#include "net/packet_sim.h"

namespace aifabric {

std::unique_ptr<CollectiveBackend> make_packet_backend(const Plan& plan, const PacketSimConfig& config, const BackendOptions& options);
std::unique_ptr<CollectiveBackend> make_packet_backend(Plan&&, const PacketSimConfig&, const BackendOptions&) = delete;  // the plan must outlive it

}  // namespace aifabric
