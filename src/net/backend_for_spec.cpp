// Backends by name for a spec: the packet engine configured as the spec says, the others through make_backend.
#include "net/backend_for_spec.h"

#include <fmt/format.h>

#include "core/input_error.h"
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
    PacketSimConfig pc;
    pc.lb = spec.fabric.load_balancing;
    pc.transport = spec.fabric.transport;
    pc.pfc = spec.fabric.pfc;
    pc.seed = seed;
    pc.failures = packet_failures(plan.fabric, failures, seed);
    return make_packet_backend(plan, pc, bo);
  }
  return make_backend(name, plan, bo);
}

}  // namespace aifabric
