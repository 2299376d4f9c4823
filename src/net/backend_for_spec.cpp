// Backends by name for a spec: the packet engine configured as the spec says, the others through make_backend.
#include "net/backend_for_spec.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

std::string packet_settings(const Plan& plan, const PacketSimConfig& cfg) {
  const bool cells = plan.fabric.architecture == Architecture::SwitchScheduled;
  std::string buffers;
  if (!cells && !cfg.pfc && !cfg.lossless && cfg.shared_buffer_bytes == 0) {
    std::vector<std::string> unknown;
    for (int t = 1; t <= plan.fabric.tiers; ++t) {
      const SwitchModel* m = plan.fabric.tier[t].model;
      if (m && m->buffer_bytes() <= 0 && std::find(unknown.begin(), unknown.end(), m->name) == unknown.end()) unknown.push_back(m->name);
    }
    if (!unknown.empty()) buffers = fmt::format("; {} publish{} no buffer size: per-port limits, no shared pool (--shared-buffer sets one)",
                                                fmt::join(unknown, ", "), unknown.size() == 1 ? "es" : "");
  }
  const std::string acks = cells || cfg.transport != TransportKind::Spray ? ""
                           : cfg.ack_coalesce_bytes > cfg.mtu_bytes ? fmt::format(" (an ack per {} B, selective)", with_thousands(cfg.ack_coalesce_bytes))
                                                                    : " (an ack per packet)";
  std::string pfc = "PFC";
  if (cfg.pfc && !cells) {  // where each switch's thresholds come from
    std::vector<std::string> parts, seen;
    for (int t = 1; t <= plan.fabric.tiers; ++t) {
      const SwitchModel* m = plan.fabric.tier[t].model;
      if (!m || std::find(seen.begin(), seen.end(), m->name) != seen.end()) continue;
      seen.push_back(m->name);
      const PfcThresholds th = pfc_thresholds(m, cfg, 0, 0);
      parts.push_back(cfg.pfc_xoff_bytes > 0 ? fmt::format("{}: XOFF {} B as configured", m->name, with_thousands(cfg.pfc_xoff_bytes))
                      : th.from_catalog    ? fmt::format("{}: XOFF {} B, XON {} B, from the catalog", m->name, with_thousands(th.xoff), with_thousands(th.xon))
                                           : fmt::format("{}: no published thresholds, XOFF half the port buffer, XON two packets below", m->name));
    }
    pfc = fmt::format("PFC ({}; headroom per ingress from its link)", fmt::join(parts, "; "));
  }
  return fmt::format("{}, {} transport{}, {}{}", cells ? "switch-scheduled cells" : to_string(cfg.lb), to_string(cfg.transport), acks,
                     cells ? "lossless by credits" : cfg.pfc ? pfc : cfg.lossless ? "lossless" : "lossy", buffers);
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
