// `aifabric packet --spec S --traffic T`: its options and its run.
#include "cli/packet_command.h"

#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/number_format.h"
#include "core/progress.h"
#include "net/traffic.h"
#include "plan/plan.h"
#include "report/packet_report.h"
#include "report/perf_table.h"
#include "spec/cluster_spec.h"
#include "topo/wire_format.h"

namespace aifabric {

CLI::App* add_packet_command(CLI::App& app, PacketArgs& a) {
  auto* s = app.add_subcommand("packet", "packet-level simulation of a traffic pattern on a planned fabric");
  s->add_option("--spec", a.spec, "cluster spec (YAML)")->required();
  s->add_option("--traffic", a.traffic, "permutation, incast:N (N senders into NIC 0), alltoall[:N], hotspot[:N] (all-to-all plus 4x to one NIC), uniform, file:PATH (CSV src,dst,bytes,start_ns)")->capture_default_str();
  s->add_option("--bytes", a.bytes, "bytes per flow (64K, 4M, ...)")->capture_default_str();
  s->add_option("--lb", a.lb, "ecmp, spraying (per-packet entropy hashed at every switch), reps (recycled entropies), flowlet, adaptive, or round-robin (the ideal cycle; default: the spec's)");
  s->add_flag("--lossless", a.lossless, "never drop (queues grow without bound)");
  s->add_flag("--pfc", a.pfc, "priority flow control on the data priority (lossless by pausing upstream ports); also on if the spec says pfc: true");
  s->add_option("--transport", a.transport, "spray (UET-style: out of order, selective retransmit, ECN + delay window) or roce (go-back-N, DCQCN); default: the spec's");
  s->add_flag("--no-ecn", a.no_ecn, "disable ECN marking");
  s->add_option("--ack-every", a.ack_every, "spray transport: one (selective) ack per this much payload, and at once on a mark, request or loss "
                                                  "(default 16K, as htsim_uec's receiver; 0: every packet)");
  s->add_option("--link-delay-ns", a.link_delay_ns, "propagation per link (default: from the planned cable)");
  s->add_option("--switch-latency-ns", a.switch_latency_ns, "per switch (default: the catalog's)");
  s->add_option("--buffer", a.buffer, "bytes per output port (default: one bandwidth-delay product)");
  s->add_option("--shared-buffer", a.shared_buffer, "bytes of buffer each switch's ports share (0: the catalog's; -1: none, port limits only)");
  s->add_option("--buffer-alpha", a.buffer_alpha, "dynamic threshold: a port may hold up to this times the shared buffer still free")->capture_default_str();
  s->add_option("--fail", a.fail, "take out of service, from the start or @TIME (50us, 1.5ms): plane:P, switch:NAME, tier:T:FRACTION|COUNT, "
                                         "link:NAME,NAME, links:T:FRACTION|COUNT (repeatable; seeded by --seed); the run is repeated without failures to cost them");
  s->add_flag("--json", a.json, "JSON output (schema aifabric.packet/1)");
  s->add_flag("-q,--quiet", a.quiet, "no progress bar");
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  return s;
}

int cmd_packet(const Common& c, const PacketArgs& a) {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  ClusterSpec spec = load_cluster_spec(a.spec);
  PacketSimConfig cfg = packet_config(spec, c);
  if (!a.lb.empty()) {
    const std::optional<LoadBalancing> lb = load_balancing_from(a.lb);
    if (!lb) throw InputError({}, "--lb", fmt::format("'{}' is not valid; expected {}", a.lb, kLoadBalancingNames));
    cfg.lb = *lb;
  }
  const int64_t bytes = parse_size(a.bytes);
  if (bytes <= 0) throw InputError({}, "--bytes", fmt::format("'{}' is not a size; expected e.g. 64K, 4M", a.bytes));
  cfg.lossless = a.lossless;
  cfg.ecn = !a.no_ecn;
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
  const Catalog cat = catalog_for(c, &spec);
  const Plan plan = make_plan(spec, cat, options_for(c));
  const auto traffic = make_traffic(a.traffic, plan.fabric.nic_count(), bytes, c.seed);
  check_packet_budget(traffic, plan, cfg);
  cfg.failures = packet_failures(plan.fabric, a.fail, c.seed);
  PacketSim sim(plan, cfg);
  for (const auto& fl : traffic) sim.add_flow(fl);
  Progress progress(1000, !a.quiet && Progress::stderr_is_terminal());
  const PacketSimResult r = sim.run(&g_stop_signal_int, [&](const PacketProgress& pp) {
    progress.update(static_cast<int64_t>(pp.delivered_fraction * 1000),
                    fmt::format("simulated {:.1f} us, {} events", pp.now.seconds() * 1e6, with_thousands(pp.events)));
  });
  progress.finish();
  // With failures, the same run without them says what the failures cost.
  std::optional<PacketSimResult> baseline;
  if (!cfg.failures.empty() && !g_stop_signal) {
    PacketSimConfig healthy = cfg;
    healthy.failures.clear();
    PacketSim again(plan, healthy);
    for (const auto& fl : traffic) again.add_flow(fl);
    baseline = again.run(&g_stop_signal_int);
  }
  // A flow file sets each flow's size itself.
  const std::string workload = a.traffic.rfind("file:", 0) == 0 ? fmt::format("{} ({} flows)", a.traffic, with_thousands(static_cast<int64_t>(traffic.size())))
                                                               : fmt::format("{} of {} B flows", a.traffic, bytes);
  const std::string title = fmt::format("{} on {} ({} NICs, {}){}", workload, spec.name, plan.fabric.nic_count(),
                                        packet_settings(plan, cfg), r.stopped_early ? "; interrupted: partial results" : "");
  const PacketSimResult* base = baseline ? &*baseline : nullptr;
  emit(a.out, a.json ? render_packet_json(r, title, base)
                     : render_packet_text(r, title, static_cast<double>(plan.fabric.host_link_gbps * plan.fabric.planes) * wire_format(plan.fabric).goodput(), base));
  if (g_stop_signal) return 128 + static_cast<int>(g_stop_signal);
  return 0;
}

}  // namespace aifabric
