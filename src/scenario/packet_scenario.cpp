// The packet scenario: the engine configured from the spec and the request, the traffic, the run and its healthy twin.
#include "scenario/packet_scenario.h"

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/number_format.h"
#include "net/backend_for_spec.h"
#include "net/traffic.h"
#include "report/perf_table.h"
#include "topo/wire_format.h"

namespace aifabric {

namespace {

void set_engine_options(PacketSimConfig& cfg, const PacketRequest& a) {
  cfg.lossless = a.lossless;
  cfg.ecn = a.ecn;
  cfg.link_delay_ps = a.link_delay_ns >= 0 ? a.link_delay_ns * 1000 : -1;
  cfg.switch_latency_ps = a.switch_latency_ns >= 0 ? a.switch_latency_ns * 1000 : -1;
  if (a.link_delay_ns > 1'000'000) throw InputError({}, "--link-delay-ns", fmt::format("{} is out of range; expected 0 to 1000000 (1 ms)", a.link_delay_ns));
  if (a.switch_latency_ns > 1'000'000) throw InputError({}, "--switch-latency-ns", fmt::format("{} is out of range; expected 0 to 1000000 (1 ms)", a.switch_latency_ns));
  if (a.buffer < 0) throw InputError({}, "--buffer", fmt::format("{} is negative; expected bytes per port, or 0 for one bandwidth-delay product", a.buffer));
  if (a.shared_buffer < -1) throw InputError({}, "--shared-buffer", fmt::format("{} is not valid; expected bytes per switch, 0 for the catalog's buffer or -1 for none", a.shared_buffer));
  if (!(a.buffer_alpha > 0 && a.buffer_alpha <= 64)) throw InputError({}, "--buffer-alpha", fmt::format("{} is out of range; expected more than 0 and at most 64", a.buffer_alpha));
  cfg.port_buffer_bytes = a.buffer;
  cfg.shared_buffer_bytes = a.shared_buffer;
  cfg.buffer_alpha = a.buffer_alpha;
  cfg.pfc = cfg.pfc || a.pfc;
  if (!a.ack_every.empty()) {
    const int64_t every = parse_size(a.ack_every);
    if (every < 0 || every > (1 << 20)) throw InputError({}, "--ack-every", fmt::format("'{}' is not valid; expected bytes of payload per ack up to 1M (16K), or 0 for every packet", a.ack_every));
    cfg.ack_coalesce_bytes = every;
  }
  if (a.transport == "roce") cfg.transport = TransportKind::RoceDcqcn;
  else if (a.transport == "spray") cfg.transport = TransportKind::Spray;
  else if (!a.transport.empty()) throw InputError({}, "--transport", fmt::format("'{}' is not valid; expected spray or roce", a.transport));
}

}  // namespace

PacketRun run_packet(const Session& s, const ClusterSpec& spec, const PacketRequest& r, const volatile int* stop,
                     const std::function<void(const PacketProgress&)>& progress) {
  PacketSimConfig cfg = packet_config_for(spec, s.seed, s.max_events);
  if (!r.lb.empty()) cfg.lb = load_balancing_or_fail(r.lb);
  const int64_t bytes = parse_size(r.bytes);
  if (bytes <= 0) throw InputError({}, "--bytes", fmt::format("'{}' is not a size; expected e.g. 64K, 4M", r.bytes));
  set_engine_options(cfg, r);
  PacketRun run;
  const Plan plan = plan_spec(s, spec);
  const auto traffic = make_traffic(r.traffic, plan.fabric.nic_count(), bytes, s.seed);
  check_packet_budget(traffic, plan, cfg);
  cfg.failures = packet_failures(plan.fabric, r.fail, s.seed);
  PacketSim sim(plan, cfg);
  for (const auto& fl : traffic) sim.add_flow(fl);
  run.result = sim.run(stop, progress);
  // With failures, the same run without them says what the failures cost.
  if (!cfg.failures.empty() && !(stop && *stop)) {
    PacketSimConfig healthy = cfg;
    healthy.failures.clear();
    PacketSim again(plan, healthy);
    for (const auto& fl : traffic) again.add_flow(fl);
    run.baseline = again.run(stop);
  }
  // A flow file sets each flow's size itself.
  const std::string workload = r.traffic.rfind("file:", 0) == 0 ? fmt::format("{} ({} flows)", r.traffic, with_thousands(static_cast<int64_t>(traffic.size())))
                                                               : fmt::format("{} of {} B flows", r.traffic, bytes);
  run.title = fmt::format("{} on {} ({} NICs, {}){}", workload, spec.name, plan.fabric.nic_count(), packet_settings(plan, cfg),
                          run.result.stopped_early ? "; interrupted: partial results" : "");
  run.nic_goodput_gbps = static_cast<double>(plan.fabric.host_link_gbps * plan.fabric.planes) * wire_format(plan.fabric).goodput();
  return run;
}

}  // namespace aifabric
