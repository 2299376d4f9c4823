// Hop latencies: NCCL's endpoint constants plus the fabric's zero-load path, summed along a chain.
#include "backend/collective_latency.h"

#include <algorithm>
#include <cmath>

namespace aifabric {

namespace {
Picoseconds us(double v) { return Picoseconds(static_cast<int64_t>(std::llround(v * 1e6))); }
}  // namespace

Picoseconds CollectiveLatency::hop(const ProtocolConstants& c, uint32_t src, uint32_t dst) const {
  const Fabric& f = plan_.fabric;
  const uint32_t domain = f.scale_up_domain();
  if (src / domain == dst / domain) return us(c.nvlink_hop_us);
  const Picoseconds endpoints = std::max(Picoseconds(0), us(c.net_hop_us) - kNcclReferencePath);
  return endpoints + fabric_.between_xpus(src, dst);
}

Picoseconds CollectiveLatency::transit(const ProtocolConstants& c, const Transfer& t) const {
  switch (t.via) {
    case Via::Peer: return t.src == t.dst ? Picoseconds(0) : hop(c, t.src, t.dst);
    case Via::ToSwitch:
    case Via::ToNetwork: return Picoseconds(0);
    case Via::FromSwitch: return us(c.nvlink_hop_us);
    case Via::FromNetwork: {
      const Fabric& f = plan_.fabric;
      const auto xpus = static_cast<uint32_t>(f.xpus()), domain = f.scale_up_domain();
      return xpus > domain ? hop(c, t.dst, (t.dst + domain) % xpus) : Picoseconds(0);
    }
  }
  return Picoseconds(0);
}

Picoseconds CollectiveLatency::phase(const Schedule& s, const Phase& ph) const {
  Picoseconds total(0);
  if (!ph.chain.empty()) {
    for (const Hop& h : ph.chain) total += hop(s.constants, h.src, h.dst);
    return total;
  }
  Picoseconds slowest(0);
  for (const Transfer& t : ph.transfers) {
    if (t.via != Via::Peer || t.src == t.dst) continue;  // scale-up and network reductions: the chain says their latency
    slowest = std::max(slowest, hop(s.constants, t.src, t.dst));
  }
  return slowest * ph.repeat;
}

Picoseconds CollectiveLatency::base(const Schedule& s) const { return us(s.constants.base_us); }

}  // namespace aifabric
