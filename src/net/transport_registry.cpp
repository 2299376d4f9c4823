// The transport the configuration names, built for the engine: the one place that lists them (a line each).
#include "net/transport_registry.h"

#include "net/roce_transport.h"
#include "net/spray_transport.h"

namespace aifabric {

std::unique_ptr<Transport> make_transport(TransportKind kind, PacketEngine& engine) {
  switch (kind) {
    case TransportKind::RoceDcqcn: return std::make_unique<RoceTransport>(engine);
    case TransportKind::Spray: break;
  }
  return std::make_unique<SprayTransport>(engine);
}

}  // namespace aifabric
