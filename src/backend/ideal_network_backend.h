// The yardstick "what would the step take on a perfect back-end network": a backend that times only what stays inside
// a scale-up domain (NVLink, NVSwitch reductions) on another backend, every transfer between domains (and into an
// in-network reduction) taking no time. A job's step on it is its ideal; the step on a real fabric over that ideal
// is what the network costs it.
#pragma once

#include <memory>
#include <string_view>

#include "backend/collective_backend.h"

namespace aifabric {

class IdealNetworkBackend : public CollectiveBackend {
 public:
  // `domain`: XPUs per scale-up domain (global XPU index / domain names it); `inner` times what stays inside.
  IdealNetworkBackend(std::unique_ptr<CollectiveBackend> inner, int domain);
  std::string_view name() const override { return "ideal-network"; }
  CollectiveResult run(const Schedule& schedule) override;

 private:
  std::unique_ptr<CollectiveBackend> inner_;
  uint32_t domain_;
};

// The schedule's transfers and chain hops that stay inside one domain of `domain` XPUs; phases left empty dropped.
Schedule inside_scale_up(const Schedule& schedule, uint32_t domain);

}  // namespace aifabric
