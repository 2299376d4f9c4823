// Per-packet wire overhead by link layer.
#include "topo/wire_format.h"

namespace aifabric {

WireFormat wire_format(const SwitchModel& leaf) {
  WireFormat w;
  if (leaf.link_layer == "infiniband") {
    w.overhead_bytes = kInfinibandOverheadBytes;
    w.stack = "InfiniBand";
  } else {
    w.overhead_bytes = kRoceOverheadBytes;
  }
  return w;
}

WireFormat wire_format(const Fabric& f) { return f.tier[1].model ? wire_format(*f.tier[1].model) : WireFormat{}; }

}  // namespace aifabric
