// The ideal back-end network: a schedule cut down to its scale-up transfers, timed by the wrapped backend.
#include "backend/ideal_network_backend.h"

#include <algorithm>

namespace aifabric {

Schedule inside_scale_up(const Schedule& s, uint32_t domain) {
  Schedule out = s;
  out.phases.clear();
  for (const Phase& p : s.phases) {
    Phase q = p;
    q.transfers.clear();
    q.chain.clear();
    for (const Transfer& t : p.transfers) {
      const bool network = t.via == Via::ToNetwork || t.via == Via::FromNetwork;
      if (!network && t.src / domain == t.dst / domain) q.transfers.push_back(t);
    }
    for (const Hop& h : p.chain) {
      if (h.src / domain == h.dst / domain) q.chain.push_back(h);
    }
    if (!q.transfers.empty()) out.phases.push_back(std::move(q));
  }
  return out;
}

IdealNetworkBackend::IdealNetworkBackend(std::unique_ptr<CollectiveBackend> inner, int domain)
    : inner_(std::move(inner)), domain_(static_cast<uint32_t>(std::max(1, domain))) {}

CollectiveResult IdealNetworkBackend::run(const Schedule& schedule) {
  const Schedule inside = inside_scale_up(schedule, domain_);
  CollectiveResult r;
  if (!inside.phases.empty()) r = inner_->run(inside);
  r.backend = std::string(name());
  return r;
}

}  // namespace aifabric
