// The transport the configuration names, built for the engine (one line per transport).
#include "net/packet_transport.h"

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
