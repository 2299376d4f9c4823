// The aifabric command: plan, check, run, perf, job, packet, compare, trace, sweep, optimize, catalog. Bad input -> one-line error and exit 2.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catalog/catalog.h"
#include "core/atomic_file.h"
#include "core/number_format.h"
#include "core/progress.h"
#include "core/input_error.h"
#include "plan/plan.h"
#include "plan/proposal.h"
#include "backend/collective_backend.h"
#include "collective/nccl_system.h"
#include "collective/schedule.h"
#include "report/perf_table.h"
#include "flow/failures.h"
#include "net/packet_backend.h"
#include "net/packet_sim.h"
#include "net/traffic.h"
#include "report/compare_report.h"
#include "report/packet_report.h"
#include "report/plan_report.h"
#include "report/run_results.h"
#include "report/step_report.h"
#include "workload/job_spec.h"
#include "trace/chakra_trace.h"
#include "workload/step_trace.h"
#include "workload/training_step.h"
#include "spec/cluster_spec.h"
#include "topo/wire_format.h"
#include "cli/cli_common.h"
#include "cli/sweep_command.h"
#include "cli/trace_command.h"

namespace {

using namespace aifabric;

constexpr int kExitInput = 2;
constexpr int kExitDoesNotAddUp = 3;  // `check`: the proposal's numbers do not add up

int cmd_plan(const Common& c, const std::string& spec_path, bool json, bool dot, const std::string& out) {
  const ClusterSpec spec = load_cluster_spec(spec_path);
  const Catalog cat = catalog_for(c, &spec);
  const Plan plan = make_plan(spec, cat, options_for(c));
  emit(out, json ? render_plan_json(plan) : dot ? render_plan_dot(plan) : render_plan_text(plan));
  return 0;
}

struct RunArgs {
  std::string spec, job, out_dir = "out";
  bool quiet = false, no_sim = false;
};

int cmd_run(const Common& c, const RunArgs& a) {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const ClusterSpec spec = load_cluster_spec(a.spec);
  const Catalog cat = catalog_for(c, &spec);
  std::optional<JobSpec> job_file;
  if (!a.job.empty()) job_file = load_job_spec(a.job);
  const Plan plan = make_plan(spec, cat, options_for(c));
  RunResults res;
  if (!a.no_sim) {
    // An all-reduce sweep over every XPU on both backends, then one training step.
    const Communicator comm = make_communicator(plan.fabric, "all", a.spec);
    const Algorithm algo = comm.size() <= 16384 ? Algorithm::Nccl : Algorithm::Hierarchical;
    res.algorithm = algo == Algorithm::Nccl ? "NCCL-chosen (algorithm and protocol per size)" : std::string(to_string(algo));
    std::vector<int64_t> sizes;
    for (int64_t b = 8; b <= (int64_t{8} << 30); b *= 4) sizes.push_back(b);
    Progress progress(static_cast<int64_t>(3 * sizes.size() + 1), !a.quiet && Progress::stderr_is_terminal());
    int64_t done = 0;
    const bool packet_too = comm.size() <= 2048;  // the packet engine on the sizes where it stays quick
    std::vector<std::string> backends = {"analytic", "flow"};
    if (packet_too) backends.push_back("packet");
    for (const std::string& name : backends) {
      auto backend = backend_for(name, plan, spec, c.seed);
      PerfSweep sweep;
      sweep.kind = CollectiveKind::AllReduce;
      sweep.ranks = comm.size();
      sweep.title = fmt::format("{} on {}, {} ranks, {} backend, {}", res.algorithm, spec.name, comm.size(), name, to_string(spec.fabric.load_balancing));
      for (int64_t bytes : sizes) {
        if (g_stop_signal) break;
        const Schedule sched = build_schedule(CollectiveKind::AllReduce, algo, comm, bytes, plan.fabric);
        // The packet engine simulates every phase once: stop where that is more than 512 MiB of packets.
        if (name == "packet" && sched.network_bytes(plan.fabric.scale_up_domain()) > (int64_t{512} << 20)) break;
        const CollectiveResult cr = backend->run(sched);
        const std::string desc = fmt::format("{} {}", to_string(sched.algorithm), to_string(sched.protocol));
        if (sweep.choices.empty() || sweep.choices.back().find(desc + ";") == std::string::npos) {
          sweep.choices.push_back(fmt::format("from {} B: {}; {}", bytes, desc, sched.choice));
        }
        sweep.rows.push_back(perf_row(CollectiveKind::AllReduce, comm.size(), bytes, cr.time));
        if (name == "flow") res.utilisation = cr.utilisation;
        progress.update(++done, fmt::format("{} all-reduce {} B", name, bytes));
      }
      res.sweeps.emplace_back(name, std::move(sweep));
    }
    if (!g_stop_signal) {
      const JobSpec job = job_file ? *job_file : default_job_for(plan.fabric);
      res.job_source = job_file ? a.job : fmt::format("derived: 13B dense, tp {}, dp {}, {} sequences per step", job.tp, job.dp, job.global_batch);
      auto backend = backend_for("flow", plan, spec, c.seed);
      res.step = simulate_step(job, plan, *backend);
      progress.update(++done, "training step");
    }
    // A packet-level permutation of 1 MiB flows, sampled every half microsecond: the fabric over time.
    if (!g_stop_signal && plan.fabric.nic_count() <= 2048) {
      PacketSimConfig pc;
      pc.lb = spec.fabric.load_balancing;
      pc.seed = c.seed;
      pc.sample_interval_ps = 500'000;
      PacketSim sim(plan, pc);
      const auto traffic = make_traffic("permutation", plan.fabric.nic_count(), 1 << 20, c.seed);
      for (const auto& fl : traffic) sim.add_flow(fl);
      PacketSimResult healthy = sim.run(&g_stop_signal_int);
      res.timeline = std::move(healthy.samples);
      res.timeline_title = fmt::format("A random permutation of 1 MiB flows between all {} NICs, {}, spray transport, sampled every 0.5 us.",
                                       plan.fabric.nic_count(), to_string(pc.lb));
      // The same run with one spine (chosen with the seed) failing a third of the way through.
      Picoseconds healthy_last;
      for (const auto& fl : healthy.flows) healthy_last = std::max(healthy_last, fl.finish);
      if (!g_stop_signal && plan.fabric.tiers >= 2 && healthy.all_done) {
        PacketSimConfig fc = pc;
        fc.failures = packet_failures(plan.fabric, {fmt::format("tier:2:1@{}ns", healthy_last.count() / 3000)}, c.seed);
        PacketSim hurt(plan, fc);
        for (const auto& fl : traffic) hurt.add_flow(fl);
        PacketSimResult r2 = hurt.run(&g_stop_signal_int);
        const FailureImpact& fi = r2.failures.front();
        Picoseconds last;
        size_t unfinished = 0;
        for (const auto& fl : r2.flows) {
          last = std::max(last, fl.finish);
          unfinished += fl.done ? 0 : 1;
        }
        res.failure_timeline = std::move(r2.samples);
        res.failure_title = fmt::format("The same permutation with {}: link utilisation by tier over time.", fi.what);
        res.failure_findings.push_back(fmt::format("{} packets ({} data bytes) of {} flows were lost with its {} links.", with_thousands(fi.packets_lost),
                                                   with_thousands(fi.data_bytes_lost), with_thousands(fi.flows_hit), fi.links));
        if (fi.recovered_ps >= 0) {
          res.failure_findings.push_back(fmt::format("The last lost byte was delivered again {:.2f} us after the failure.", (fi.recovered_ps - fi.at_ps) * 1e-6));
        }
        res.failure_findings.push_back(r2.all_done ? fmt::format("The last flow finished at {:.2f} us instead of {:.2f} us ({:+.1f}%).", last.seconds() * 1e6,
                                                                 healthy_last.seconds() * 1e6, 100 * (last.seconds() / healthy_last.seconds() - 1))
                                                   : fmt::format("{} of {} flows did not finish.", unfinished, r2.flows.size()));
      }
    }
    progress.finish();
    res.partial = g_stop_signal != 0;
  }
  namespace fs = std::filesystem;
  // Render everything first, then write each file atomically (temp + rename): old or new, never half.
  std::vector<std::pair<std::string, std::string>> files = {
      {"plan.txt", render_plan_text(plan)}, {"plan.json", render_plan_json(plan)}, {"topology.dot", render_plan_dot(plan)},
      {"results.json", render_results_json(res)}, {"report.html", render_html_report(plan, res)}};
  for (auto& t : render_csv_tables(plan, res)) files.push_back(std::move(t));
  for (const auto& [name, text] : files) emit((fs::path(a.out_dir) / name).string(), text);
  if (!a.quiet) {
    const std::string& text = files.front().second;
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (res.step) std::fputs(render_step_text(*res.step).c_str(), stdout);
  }
  std::fflush(stdout);
  std::fprintf(stderr, "aifabric: report written to %s (plus plan.txt, plan.json, results.json, topology.dot and CSV tables)%s\n",
               (fs::path(a.out_dir) / "report.html").c_str(), res.partial ? "; interrupted: results are partial" : "");
  if (g_stop_signal) return 128 + static_cast<int>(g_stop_signal);
  return 0;
}

int cmd_check(const Common& c, const std::string& path, bool json, const std::string& out) {
  const Proposal prop = load_proposal(path);
  const Catalog cat = catalog_for(c, nullptr);
  const ProposalReport rep = check_proposal(prop, cat, options_for(c));
  emit(out, json ? render_proposal_json(rep) : render_proposal_text(rep));
  return rep.ok() ? 0 : kExitDoesNotAddUp;
}

CollectiveKind collective_or_fail(const std::string& name, const char* option) {
  const auto kind = parse_collective(name);
  if (!kind) {
    throw InputError({}, option, fmt::format("'{}' is not a collective; expected all_reduce, reduce_scatter, all_gather, broadcast, reduce, alltoall or sendrecv", name));
  }
  return *kind;
}

Algorithm algorithm_or_fail(const std::string& name) {
  const auto algo = parse_algorithm(name);
  if (!algo) throw InputError({}, "--algo", fmt::format("'{}' is not an algorithm; expected {}", name, kAlgorithmNames));
  return *algo;
}

// --proto as NCCL_PROTO: LL, LL128 or Simple; empty = NCCL's choice.
std::optional<Protocol> protocol_or_fail(const std::string& name) {
  if (name.empty() || name == "nccl" || name == "auto") return std::nullopt;
  const auto p = parse_protocol(name);
  if (!p) throw InputError({}, "--proto", fmt::format("'{}' is not a protocol; expected LL, LL128 or Simple (or nccl for NCCL's choice)", name));
  return p;
}

struct PerfArgs {
  std::string collective, spec, min_size = "8", max_size = "128M", backend = "flow", algo = "nccl", proto, group = "all", lb, execution = "phases";
  double factor = 2;
  int64_t ranks = 0;
  int channels = 0;
  bool json = false;
  std::string out;
  std::vector<std::string> fail;
};

int cmd_perf(const Common& c, const PerfArgs& a) {
  const std::optional<CollectiveKind> kind = collective_or_fail(a.collective, "collective");
  const std::optional<Algorithm> algo = algorithm_or_fail(a.algo);
  const int64_t lo = parse_size(a.min_size), hi = parse_size(a.max_size);
  if (lo <= 0) throw InputError({}, "-b", fmt::format("'{}' is not a size; expected e.g. 8, 64K, 1M, 8G", a.min_size));
  if (hi < lo) throw InputError({}, "-e", fmt::format("'{}' is not a size at least -b", a.max_size));
  if (a.factor < 1.0 + 1e-9) throw InputError({}, "-f", "the step factor must exceed 1");
  ClusterSpec spec = load_cluster_spec(a.spec);
  if (!a.lb.empty()) {
    const std::optional<LoadBalancing> lb = load_balancing_from(a.lb);
    if (!lb) throw InputError({}, "--lb", fmt::format("'{}' is not valid; expected {}", a.lb, kLoadBalancingNames));
    spec.fabric.load_balancing = *lb;
  }
  const Catalog cat = catalog_for(c, &spec);
  const Plan plan = make_plan(spec, cat, options_for(c));
  const std::string group = a.ranks > 0 ? fmt::format("first:{}", a.ranks) : a.group;
  const Communicator comm = make_communicator(plan.fabric, group, a.spec);
  if (a.execution != "phases" && a.execution != "graph") {
    throw InputError({}, "--execution", fmt::format("'{}' is not valid; expected phases or graph", a.execution));
  }
  const Execution execution = a.execution == "graph" ? Execution::Graph : Execution::Phases;
  auto backend = backend_for(a.backend, plan, spec, c.seed, a.fail, execution);
  std::unique_ptr<CollectiveBackend> healthy;  // with failures: the same sweep on the whole fabric, to cost them
  if (!a.fail.empty()) healthy = backend_for(a.backend, plan, spec, c.seed, {}, execution);
  ScheduleOptions so;
  so.channels = a.channels;
  so.protocol = protocol_or_fail(a.proto);
  PerfSweep sweep;
  sweep.kind = *kind;
  sweep.ranks = comm.size();
  sweep.nodes = nccl_system(plan.fabric, comm).nodes;
  std::string algo_desc;
  for (double b = static_cast<double>(lo); b <= static_cast<double>(hi) * (1 + 1e-12); b *= a.factor) {
    const int64_t bytes = static_cast<int64_t>(b);
    Schedule sched;
    try {
      sched = build_schedule(*kind, *algo, comm, bytes, plan.fabric, so);
    } catch (const std::invalid_argument& e) {
      throw InputError({}, "--algo", e.what());
    }
    const std::string desc = fmt::format("{} {}{}", to_string(sched.algorithm), to_string(sched.protocol),
                                         sched.channels > 1 ? fmt::format(" ({} channels)", sched.channels) : "");
    if (desc != algo_desc) sweep.choices.push_back(fmt::format("from {} B: {}; {}", bytes, desc, sched.choice));
    algo_desc = desc;
    const CollectiveResult cr = backend->run(sched);
    if (cr.unreachable > 0) {
      throw InputError({}, "--fail", fmt::format("{} transfers of a step have no path left; the collective cannot complete on this fabric", cr.unreachable));
    }
    sweep.rows.push_back(perf_row(*kind, comm.size(), bytes, cr.time));
    if (healthy) sweep.healthy.push_back(perf_row(*kind, comm.size(), bytes, healthy->run(sched).time));
  }
  sweep.title = fmt::format("aifabric perf {}: {} ranks ({}, {} nodes), algorithm {}, backend {}{}, {} on {} ({}, {} tiers, {} planes){}", to_string(*kind),
                            comm.size(), group, sweep.nodes, *algo == Algorithm::Nccl ? "nccl (per size, below)" : std::string(to_string(*algo)), backend->name(),
                            execution == Execution::Graph ? " on the dependency graph of chunk transfers (NCCL's loops and forwarding units)" : "",
                            to_string(spec.fabric.load_balancing), spec.name,
                            to_string(plan.fabric.topology), plan.fabric.tiers, plan.fabric.planes,
                            a.fail.empty() ? "" : fmt::format(", failed: {}", fmt::join(resolve_failures(plan.fabric, a.fail, c.seed).what, "; ")));
  emit(a.out, a.json ? render_perf_json(sweep) : render_perf_table(sweep));
  return 0;
}

struct JobArgs {
  std::vector<std::string> specs;
  std::string job, backend = "flow", out, chakra_out;
  bool json = false;
};

// The same job on each spec's fabric; several specs print side by side.
int cmd_job(const Common& c, const JobArgs& a) {
  const JobSpec job = load_job_spec(a.job);
  std::vector<StepResult> results;
  std::string text;
  for (const auto& path : a.specs) {
    const ClusterSpec spec = load_cluster_spec(path);
    const Catalog cat = catalog_for(c, &spec);
    const Plan plan = make_plan(spec, cat, options_for(c));
    auto backend = backend_for(a.backend, plan, spec);
    results.push_back(simulate_step(job, plan, *backend));
    text += render_step_text(results.back()) + "\n";
    if (!a.chakra_out.empty()) {  // the same step as per-rank Chakra traces, for ASTRA-sim or `aifabric trace`
      if (a.specs.size() != 1) throw InputError({}, "--chakra-out", "writes the traces of one fabric's step; give one --spec");
      const StepTraces st = step_traces(job, plan);
      for (size_t r = 0; r < st.ranks.size(); ++r) emit(fmt::format("{}.{}.et", a.chakra_out, r), serialize_chakra(st.ranks[r]));
      emit(a.chakra_out + ".groups.json", render_comm_groups(st.groups));
      text += fmt::format("  wrote {} Chakra traces: {}.0.et ... {}.{}.et, and their process groups in {}.groups.json\n", st.ranks.size(), a.chakra_out,
                          a.chakra_out, st.ranks.size() - 1, a.chakra_out);
    }
  }
  if (results.size() > 1) text += render_step_comparison(results);
  emit(a.out, a.json ? render_step_json(results) : text);
  return 0;
}

// The packet engine's settings for a spec (its load balancing, transport and flow control) and this run.
PacketSimConfig packet_config(const ClusterSpec& spec, const Common& c) { return packet_config_for(spec, c.seed, c.max_events); }

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

struct PacketArgs {
  std::string spec, traffic = "permutation", bytes = "4M", lb, out, transport, ack_every;
  std::vector<std::string> fail;
  bool json = false, lossless = false, no_ecn = false, pfc = false, quiet = false;
  int64_t link_delay_ns = -1, switch_latency_ns = -1, buffer = 0, shared_buffer = 0;
  double buffer_alpha = 1.0;
};

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

struct CompareArgs {
  std::vector<std::string> specs, fail;
  std::string collective = "all_reduce", size = "1G", group = "all", algo = "nccl", backend = "flow", job, out, html, traffic, bytes = "1M";
  bool json = false;
};

// The same collective (and optionally the same job) on every design, one row each.
int cmd_compare(const Common& c, const CompareArgs& a) {
  if (!a.traffic.empty()) {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  const std::optional<CollectiveKind> kind = collective_or_fail(a.collective, "--collective");
  const std::optional<Algorithm> algo = algorithm_or_fail(a.algo);
  const int64_t bytes = parse_size(a.size);
  if (bytes <= 0) throw InputError({}, "--size", fmt::format("'{}' is not a size", a.size));
  std::optional<JobSpec> job;
  if (!a.job.empty()) job = load_job_spec(a.job);
  const int64_t packet_bytes = parse_size(a.bytes);
  if (packet_bytes <= 0) throw InputError({}, "--bytes", fmt::format("'{}' is not a size; expected e.g. 64K, 4M", a.bytes));
  Comparison cmp;
  if (!a.traffic.empty()) cmp.packet_workload = fmt::format("{} of {} B flows", a.traffic, with_thousands(packet_bytes));
  cmp.workload = fmt::format("{} of {} B over {} ({} backend){}{}", to_string(*kind), with_thousands(bytes), a.group, a.backend,
                             job ? ", job " + job->name : "", a.fail.empty() ? "" : fmt::format(", with {} failed", fmt::join(a.fail, " and ")));
  for (const auto& path : a.specs) {
    const ClusterSpec spec = load_cluster_spec(path);
    const Catalog cat = catalog_for(c, &spec);
    const Plan plan = make_plan(spec, cat, options_for(c));
    DesignResult d = summarise_design(plan);
    auto backend = backend_for(a.backend, plan, spec, c.seed, a.fail);
    const Communicator comm = make_communicator(plan.fabric, a.group, path);
    Schedule sched;
    try {
      sched = build_schedule(*kind, *algo, comm, bytes, plan.fabric);
    } catch (const std::invalid_argument& e) {
      throw InputError({path, 0, 0}, "--algo", e.what());
    }
    const CollectiveResult cr = backend->run(sched);
    d.collective_time = cr.time;
    d.unreachable = cr.unreachable;
    d.busbw_gbs = perf_row(*kind, comm.size(), bytes, cr.time).busbw_gbs;
    if (job) {
      const StepResult step = simulate_step(*job, plan, *backend);
      d.utilisation = step.utilisation;
      d.step_ms = step.step.seconds() * 1e3;
    }
    if (!a.traffic.empty()) {  // the same traffic, packet by packet, with each spec's load balancing, transport and flow control
      PacketSimConfig cfg = packet_config(spec, c);
      cfg.failures = packet_failures(plan.fabric, a.fail, c.seed);
      const auto traffic = make_traffic(a.traffic, plan.fabric.nic_count(), packet_bytes, c.seed);
      check_packet_budget(traffic, plan, cfg);
      PacketSim sim(plan, cfg);
      for (const auto& fl : traffic) sim.add_flow(fl);
      d.packet = summarise_packet_run(sim.run(&g_stop_signal_int), packet_settings(plan, cfg));
      if (g_stop_signal) return 128 + static_cast<int>(g_stop_signal);
    }
    cmp.designs.push_back(std::move(d));
  }
  if (!a.html.empty()) emit(a.html, render_comparison_html(cmp));
  emit(a.out, a.json ? render_comparison_json(cmp) : render_comparison_text(cmp));
  return 0;
}

int cmd_catalog(const Common& c) {
  const Catalog cat = catalog_for(c, nullptr);
  std::string o = "switches:\n";
  for (const auto& s : cat.switches()) {
    o += fmt::format("  {:<24} {:<15} {:>3} x {:>4}G {:<8} {:>6.0f} W  {}\n", s.name, to_string(s.role), s.cages, s.cage_gbps, to_string(s.form_factor),
                     s.system_power_w, s.asic);
  }
  o += "nics:\n";
  for (const auto& n : cat.nics()) o += fmt::format("  {:<24} {:>4}G {:<8} {}\n", n.name, n.port_gbps, to_string(n.form_factor), n.source);
  o += "servers:\n";
  for (const auto& s : cat.servers()) o += fmt::format("  {:<24} {} x {}, {} NICs ({}), scale-up {}\n", s.name, s.xpus, s.xpu, s.backend_nics, s.nic, s.scale_up_domain);
  o += "parts:\n";
  for (const auto& p : cat.parts()) {
    o += fmt::format("  {:<28} {:<11} {:>5}G {:<8} reach {:>6} m  {:>5.1f} W  {}{}\n", p.name, to_string(p.kind), p.rate_gbps, to_string(p.form_factor), p.reach_m,
                     p.power_w, p.breakout > 1 ? fmt::format("1:{} breakout ", p.breakout) : "", p.lpo ? "LPO" : "");
  }
  emit("", o);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"aifabric: plan, check and simulate AI-cluster back-end networks"};
  app.require_subcommand(1);
  Common common;
  app.add_option("--catalog", common.catalogs, "extra catalog YAML file(s); same names override the shipped entries");
  app.add_option("--max-memory", common.max_memory_gib, "refuse specs whose fabric would need more than this many GiB")->check(CLI::PositiveNumber);
  app.add_option("--max-events", common.max_events, "refuse packet simulations estimated to need more events")->check(CLI::PositiveNumber);
  app.add_option("--seed", common.seed, "seed for traffic, ECMP hashing, spraying, ECN and failures (every command)")->capture_default_str();
  app.fallthrough();  // global options may also follow the subcommand: aifabric packet ... --seed 2

  std::string spec_path, out, proposal_path;
  bool json = false, dot = false;
  auto* plan = app.add_subcommand("plan", "plan a fabric from a cluster spec");
  plan->add_option("spec", spec_path, "cluster spec (YAML)")->required();
  plan->add_flag("--json", json, "JSON output (schema aifabric.plan/1)");
  plan->add_flag("--dot", dot, "Graphviz DOT topology");
  plan->add_option("-o,--output", out, "write to this file (atomically) instead of standard output");

  RunArgs ra;
  auto* run = app.add_subcommand("run", "plan the spec, simulate an all-reduce sweep and a training step, write report.html and the data files");
  run->add_option("spec", ra.spec, "cluster spec (YAML)")->required();
  run->add_option("--job", ra.job, "job spec (YAML); default: a 13B dense job sized to the cluster");
  run->add_option("-o,--output", ra.out_dir, "output folder")->capture_default_str();
  run->add_flag("-q,--quiet", ra.quiet, "no text report and no progress bar");
  run->add_flag("--plan-only", ra.no_sim, "plan only, no simulation");

  auto* check = app.add_subcommand("check", "check an explicit design proposal against arithmetic and the planner");
  check->add_option("proposal", proposal_path, "proposal (YAML)")->required();
  check->add_flag("--json", json, "JSON output");
  check->add_option("-o,--output", out, "write to this file (atomically)");

  PerfArgs pa;
  auto* perf = app.add_subcommand("perf", "NCCL-tests-style sweep of a collective on a planned fabric (analytic, flow or packet backend)");
  perf->add_option("collective", pa.collective, "all_reduce, reduce_scatter, all_gather, broadcast, reduce, alltoall, sendrecv")->required();
  perf->add_option("--spec", pa.spec, "cluster spec (YAML) whose fabric runs the collective")->required();
  perf->add_option("-b,--minbytes", pa.min_size, "smallest size (8, 64K, 1M, 8G)")->capture_default_str();
  perf->add_option("-e,--maxbytes", pa.max_size, "largest size")->capture_default_str();
  perf->add_option("-f,--stepfactor", pa.factor, "size multiplier per row")->capture_default_str();
  perf->add_option("--ranks", pa.ranks, "use the first N XPUs (overrides --group)");
  perf->add_option("--group", pa.group, "all, first:N, rail:K (local XPU K of every server), server:S")->capture_default_str();
  perf->add_option("--backend", pa.backend, "analytic (the load bound), flow, packet, or nccl-model (NCCL's tuning model's own time)")->capture_default_str();
  perf->add_option("--algo", pa.algo, "nccl (NCCL's choice per size), ring, tree, nvls, nvls-tree, collnet-chain, collnet-direct, pat, halving-doubling, direct, hierarchical, parameter-server (as NCCL_ALGO)")->capture_default_str();
  perf->add_option("--proto", pa.proto, "LL, LL128 or Simple (as NCCL_PROTO; default: NCCL's choice)");
  perf->add_option("--channels", pa.channels, "channels (default: as NCCL's topology search would set them)");
  perf->add_option("--lb", pa.lb, "override the spec's load balancing: ecmp, spraying, reps, flowlet, adaptive or round-robin");
  perf->add_option("--execution", pa.execution, "phases (each phase's steady state, any size) or graph (every chunk transfer as a node of a dependency graph; analytic gives its bound)")->capture_default_str();
  perf->add_option("--fail", pa.fail, "take out of service: plane:P, switch:NAME, tier:T:FRACTION|COUNT, link:NAME,NAME, links:T:FRACTION|COUNT (repeatable; seeded by --seed)");
  perf->add_flag("--json", pa.json, "JSON output (schema aifabric.perf/1)");
  perf->add_option("-o,--output", pa.out, "write to this file (atomically)");

  JobArgs ja;
  auto* jobc = app.add_subcommand("job", "time one training step of a job on one or more planned fabrics");
  jobc->add_option("--job", ja.job, "job spec (YAML)")->required();
  jobc->add_option("--spec", ja.specs, "cluster spec(s); several are compared side by side")->required();
  jobc->add_option("--backend", ja.backend, "analytic, flow or packet")->capture_default_str();
  jobc->add_flag("--json", ja.json, "JSON output (schema aifabric.step/1)");
  jobc->add_option("-o,--output", ja.out, "write to this file (atomically)");
  jobc->add_option("--chakra-out", ja.chakra_out, "also write the step as Chakra traces PREFIX.0.et, PREFIX.1.et, ... (one spec; 1F1B, up to 4,096 ranks)");

  PacketArgs pk;
  auto* packet = app.add_subcommand("packet", "packet-level simulation of a traffic pattern on a planned fabric");
  packet->add_option("--spec", pk.spec, "cluster spec (YAML)")->required();
  packet->add_option("--traffic", pk.traffic, "permutation, incast:N (N senders into NIC 0), alltoall[:N], hotspot[:N] (all-to-all plus 4x to one NIC), uniform, file:PATH (CSV src,dst,bytes,start_ns)")->capture_default_str();
  packet->add_option("--bytes", pk.bytes, "bytes per flow (64K, 4M, ...)")->capture_default_str();
  packet->add_option("--lb", pk.lb, "ecmp, spraying (per-packet entropy hashed at every switch), reps (recycled entropies), flowlet, adaptive, or round-robin (the ideal cycle; default: the spec's)");
  packet->add_flag("--lossless", pk.lossless, "never drop (queues grow without bound)");
  packet->add_flag("--pfc", pk.pfc, "priority flow control on the data priority (lossless by pausing upstream ports); also on if the spec says pfc: true");
  packet->add_option("--transport", pk.transport, "spray (UET-style: out of order, selective retransmit, ECN + delay window) or roce (go-back-N, DCQCN); default: the spec's");
  packet->add_flag("--no-ecn", pk.no_ecn, "disable ECN marking");
  packet->add_option("--ack-every", pk.ack_every, "spray transport: one (selective) ack per this much payload, and at once on a mark, request or loss "
                                                  "(default 16K, as htsim_uec's receiver; 0: every packet)");
  packet->add_option("--link-delay-ns", pk.link_delay_ns, "propagation per link (default: from the planned cable)");
  packet->add_option("--switch-latency-ns", pk.switch_latency_ns, "per switch (default: the catalog's)");
  packet->add_option("--buffer", pk.buffer, "bytes per output port (default: one bandwidth-delay product)");
  packet->add_option("--shared-buffer", pk.shared_buffer, "bytes of buffer each switch's ports share (0: the catalog's; -1: none, port limits only)");
  packet->add_option("--buffer-alpha", pk.buffer_alpha, "dynamic threshold: a port may hold up to this times the shared buffer still free")->capture_default_str();
  packet->add_option("--fail", pk.fail, "take out of service, from the start or @TIME (50us, 1.5ms): plane:P, switch:NAME, tier:T:FRACTION|COUNT, "
                                         "link:NAME,NAME, links:T:FRACTION|COUNT (repeatable; seeded by --seed); the run is repeated without failures to cost them");
  packet->add_flag("--json", pk.json, "JSON output (schema aifabric.packet/1)");
  packet->add_flag("-q,--quiet", pk.quiet, "no progress bar");
  packet->add_option("-o,--output", pk.out, "write to this file (atomically)");

  CompareArgs ca;
  auto* compare = app.add_subcommand("compare", "run one workload on several designs and put the results side by side");
  compare->add_option("--spec", ca.specs, "cluster specs to compare (two or more)")->required()->expected(2, 64);
  compare->add_option("--collective", ca.collective, "all_reduce, all_gather, reduce_scatter, alltoall, ...")->capture_default_str();
  compare->add_option("--size", ca.size, "message size per rank (8, 64K, 1G)")->capture_default_str();
  compare->add_option("--group", ca.group, "all, first:N, rail:K, server:S")->capture_default_str();
  compare->add_option("--algo", ca.algo, "nccl, ring, tree, nvls, nvls-tree, collnet-chain, collnet-direct, pat, halving-doubling, direct, hierarchical, parameter-server")->capture_default_str();
  compare->add_option("--backend", ca.backend, "analytic, flow, packet or nccl-model")->capture_default_str();
  compare->add_option("--job", ca.job, "also time one step of this job on every design");
  compare->add_option("--fail", ca.fail, "take out of service on every design: plane:P, switch:NAME, tier:T:FRACTION|COUNT, link:NAME,NAME, links:T:FRACTION|COUNT");
  compare->add_option("--traffic", ca.traffic, "also run this traffic packet by packet on every design (permutation, incast:N, alltoall[:N], hotspot[:N], uniform, file:PATH), "
                                              "each with its spec's load_balancing, transport and pfc");
  compare->add_option("--bytes", ca.bytes, "bytes per flow of --traffic")->capture_default_str();
  compare->add_flag("--json", ca.json, "JSON output (schema aifabric.compare/1)");
  compare->add_option("-o,--output", ca.out, "write to this file (atomically)");
  compare->add_option("--html", ca.html, "also write the comparison as a self-contained HTML page");

  TraceArgs ta;
  auto* trace = add_trace_command(app, ta);
  SweepArgs sa;
  auto* sweep = add_sweep_command(app, sa);
  OptimizeArgs oa;
  auto* optimize = add_optimize_command(app, oa);

  auto* catalog = app.add_subcommand("catalog", "list the catalog (shipped plus --catalog files)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitInput;
  }
  try {
    if (*plan) return cmd_plan(common, spec_path, json, dot, out);
    if (*run) return cmd_run(common, ra);
    if (*check) return cmd_check(common, proposal_path, json, out);
    if (*perf) return cmd_perf(common, pa);
    if (*jobc) return cmd_job(common, ja);
    if (*packet) return cmd_packet(common, pk);
    if (*compare) return cmd_compare(common, ca);
    if (*trace) return cmd_trace(common, ta);
    if (*sweep) return cmd_sweep(common, sa);
    if (*optimize) return cmd_optimize(common, oa);
    if (*catalog) return cmd_catalog(common);
  } catch (const InputError& e) {
    std::fprintf(stderr, "aifabric: error: %s\n", e.what());
    return kExitInput;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "aifabric: error: out of memory; lower the cluster size or --max-memory\n");
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aifabric: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
