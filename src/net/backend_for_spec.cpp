// Backends by name for a spec: the packet engine configured as the spec says, the others through make_backend.
#include "net/backend_for_spec.h"

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/number_format.h"
#include "flow/failures.h"
#include "net/packet_backend.h"

namespace aifabric {

std::vector<LinkFailure> packet_failures(const Fabric& f, const std::vector<std::string>& specs, uint64_t seed) {
  std::vector<LinkFailure> out;
  for (const std::string& s : specs) {
    const TimedFailureSpec t = split_failure_time(s);
    FailureSet set = resolve_failures(f, {t.spec}, seed);
    out.push_back({t.at_ps, std::move(set.links), set.what.front() + (t.at_ps > 0 ? fmt::format(" at {:.3f} us", static_cast<double>(t.at_ps) * 1e-6) : " from the start")});
  }
  return out;
}

std::unique_ptr<CollectiveBackend> backend_for(const std::string& name, const Plan& plan, const ClusterSpec& spec, uint64_t seed,
                                               const std::vector<std::string>& failures, Execution execution) {
  BackendOptions bo;
  bo.execution = execution;
  bo.mode = path_mode_for(spec.fabric.load_balancing);
  bo.network.seed = seed;
  for (const std::string& f : failures) {
    if (split_failure_time(f).at_ps > 0) {
      throw InputError({}, "--fail", fmt::format("'{}': a failure at a time is for `aifabric packet`; collectives and jobs take failures from the start", f));
    }
  }
  if (!failures.empty()) bo.network.failed_links = resolve_failures(plan.fabric, failures, seed).links;
  if (name == "packet") {
    PacketSimConfig pc = packet_config_for(spec, seed);
    pc.failures = packet_failures(plan.fabric, failures, seed);
    return make_packet_backend(plan, pc, bo);
  }
  return make_backend(name, plan, bo);
}

PacketSimConfig packet_config_for(const ClusterSpec& spec, uint64_t seed, int64_t max_events) {
  PacketSimConfig cfg;
  cfg.lb = spec.fabric.load_balancing;
  cfg.transport = spec.fabric.transport;
  cfg.pfc = spec.fabric.pfc;
  cfg.seed = seed;
  cfg.max_events = max_events;
  return cfg;
}

void check_packet_budget(const std::vector<FlowSpec>& traffic, const Plan& plan, const PacketSimConfig& cfg, const std::string& what) {
  int64_t packets = 0;
  for (const auto& fl : traffic) packets += (fl.bytes + cfg.mtu_bytes - 1) / cfg.mtu_bytes;
  const int64_t estimate = packets * 4 * 2 * plan.fabric.tiers;
  if (estimate > cfg.max_events) {
    throw InputError({}, what, fmt::format("{} flows of {} packets would take about {} events, over the {} limit; "
                                           "use fewer or smaller flows, or raise --max-events",
                                           traffic.size(), packets, with_thousands(estimate), with_thousands(cfg.max_events)));
  }
}

}  // namespace aifabric
