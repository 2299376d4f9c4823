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
  s->add_option("--traffic", a.request.traffic, "permutation, incast:N (N senders into NIC 0), alltoall[:N], hotspot[:N] (all-to-all plus 4x to one NIC), uniform, file:PATH (CSV src,dst,bytes,start_ns)")->capture_default_str();
  s->add_option("--bytes", a.request.bytes, "bytes per flow (64K, 4M, ...)")->capture_default_str();
  s->add_option("--lb", a.request.lb, "ecmp, spraying (per-packet entropy hashed at every switch), reps (recycled entropies), flowlet, adaptive, or round-robin (the ideal cycle; default: the spec's)");
  s->add_flag("--lossless", a.request.lossless, "never drop (queues grow without bound)");
  s->add_flag("--pfc", a.request.pfc, "priority flow control on the data priority (lossless by pausing upstream ports); also on if the spec says pfc: true");
  s->add_option("--transport", a.request.transport, "spray (UET-style: out of order, selective retransmit, ECN + delay window) or roce (go-back-N, DCQCN); default: the spec's");
  s->add_flag("--no-ecn", a.no_ecn, "disable ECN marking");
  s->add_option("--ack-every", a.request.ack_every, "spray transport: one (selective) ack per this much payload, and at once on a mark, request or loss "
                                                  "(default 16K, as htsim_uec's receiver; 0: every packet)");
  s->add_option("--link-delay-ns", a.request.link_delay_ns, "propagation per link (default: from the planned cable)");
  s->add_option("--switch-latency-ns", a.request.switch_latency_ns, "per switch (default: the catalog's)");
  s->add_option("--buffer", a.request.buffer, "bytes per output port (default: one bandwidth-delay product)");
  s->add_option("--shared-buffer", a.request.shared_buffer, "bytes of buffer each switch's ports share (0: the catalog's; -1: none, port limits only)");
  s->add_option("--buffer-alpha", a.request.buffer_alpha, "dynamic threshold: a port may hold up to this times the shared buffer still free")->capture_default_str();
  s->add_option("--fail", a.request.fail, "take out of service, from the start or @TIME (50us, 1.5ms): plane:P, switch:NAME, tier:T:FRACTION|COUNT, "
                                         "link:NAME,NAME, links:T:FRACTION|COUNT (repeatable; seeded by --seed); the run is repeated without failures to cost them");
  s->add_flag("--json", a.json, "JSON output (schema aifabric.packet/1)");
  s->add_flag("-q,--quiet", a.quiet, "no progress bar");
  s->add_option("-o,--output", a.out, "write to this file (atomically)");
  return s;
}

int cmd_packet(const Common& c, const PacketArgs& a) {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const ClusterSpec spec = load_cluster_spec(a.spec);
  PacketRequest r = a.request;
  r.ecn = !a.no_ecn;
  Progress progress(1000, !a.quiet && Progress::stderr_is_terminal());
  const PacketRun run = run_packet(c, spec, r, &g_stop_signal_int, [&](const PacketProgress& pp) {
    progress.update(static_cast<int64_t>(pp.delivered_fraction * 1000),
                    fmt::format("simulated {:.1f} us, {} events", pp.now.seconds() * 1e6, with_thousands(pp.events)));
  });
  progress.finish();
  const PacketSimResult* base = run.baseline ? &*run.baseline : nullptr;
  emit(a.out, a.json ? render_packet_json(run.result, run.title, base) : render_packet_text(run.result, run.title, run.nic_goodput_gbps, base));
  if (g_stop_signal) return 128 + static_cast<int>(g_stop_signal);
  return 0;
}

}  // namespace aifabric
