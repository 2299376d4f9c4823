// The transports the packet engine can run, by the configuration's name for them.
#pragma once

#include <memory>

#include "net/packet_transport.h"
#include "spec/cluster_spec.h"

namespace aifabric {

struct PacketEngine;
// The configured transport, built once the engine's ports and base RTT are known.
std::unique_ptr<Transport> make_transport(TransportKind kind, PacketEngine& engine);

}  // namespace aifabric
