// The run scenario: the all-reduce sweeps, the training step and the packet timelines behind `aifabric run`'s report.
#include "scenario/run_scenario.h"

#include <vector>

#include <fmt/format.h>

#include "collective/schedule.h"
#include "core/number_format.h"
#include "net/backend_for_spec.h"
#include "net/packet_sim.h"
#include "net/traffic.h"
#include "report/perf_table.h"
#include "workload/training_step.h"

namespace aifabric {

RunResults run_scenario(const Session& s, const ClusterSpec& spec, const Plan& plan, const std::optional<JobSpec>& job_file_spec, const std::string& job_file,
                        const RunOptions& o, const volatile int* stop, const std::function<void(int64_t, int64_t, const std::string&)>& progress) {
  const auto stopped = [&] { return stop && *stop; };
  RunResults res;
  // An all-reduce sweep over every XPU on each backend, then one training step.
  const Communicator comm = make_communicator(plan.fabric, "all", spec.file);
  const Algorithm algo = comm.size() <= o.nccl_choice_max_ranks ? Algorithm::Nccl : Algorithm::Hierarchical;
  res.algorithm = algo == Algorithm::Nccl ? "NCCL-chosen (algorithm and protocol per size)" : std::string(to_string(algo));
  std::vector<int64_t> sizes;
  for (int64_t b = o.min_size; b <= o.max_size; b *= o.factor) sizes.push_back(b);
  const int64_t total = static_cast<int64_t>(3 * sizes.size() + 1);
  int64_t done = 0;
  const auto step_done = [&](const std::string& what) {
    if (progress) progress(++done, total, what);
  };
  std::vector<std::string> backends = {"analytic", "flow"};
  if (comm.size() <= o.packet_sweep_max_ranks) backends.push_back("packet");
  for (const std::string& name : backends) {
    auto backend = backend_for(name, plan, spec, s.seed);
    PerfSweep sweep;
    sweep.kind = CollectiveKind::AllReduce;
    sweep.ranks = comm.size();
    sweep.title = fmt::format("{} on {}, {} ranks, {} backend, {}", res.algorithm, spec.name, comm.size(), name, to_string(spec.fabric.load_balancing));
    for (int64_t bytes : sizes) {
      if (stopped()) break;
      const Schedule sched = build_schedule(CollectiveKind::AllReduce, algo, comm, bytes, plan.fabric);
      // The packet engine simulates every phase once: stop where that is more than it can do quickly.
      if (name == "packet" && sched.network_bytes(plan.fabric.scale_up_domain()) > o.packet_sweep_max_bytes) break;
      const CollectiveResult cr = backend->run(sched);
      const std::string desc = fmt::format("{} {}", to_string(sched.algorithm), to_string(sched.protocol));
      if (sweep.choices.empty() || sweep.choices.back().find(desc + ";") == std::string::npos) {
        sweep.choices.push_back(fmt::format("from {} B: {}; {}", bytes, desc, sched.choice));
      }
      sweep.rows.push_back(perf_row(CollectiveKind::AllReduce, comm.size(), bytes, cr.time));
      if (name == "flow") res.utilisation = cr.utilisation;
      step_done(fmt::format("{} all-reduce {} B", name, bytes));
    }
    res.sweeps.emplace_back(name, std::move(sweep));
  }
  if (!stopped()) {
    const JobSpec job = job_file_spec ? *job_file_spec : default_job_for(plan.fabric);
    res.job_source = job_file_spec ? job_file : fmt::format("derived: 13B dense, tp {}, dp {}, {} sequences per step", job.tp, job.dp, job.global_batch);
    auto backend = backend_for("flow", plan, spec, s.seed);
    res.step = simulate_step(job, plan, *backend);
    step_done("training step");
  }
  // A packet-level permutation, sampled over time: the fabric healthy, then with one spine failing part-way.
  if (!stopped() && plan.fabric.nic_count() <= o.timeline_max_nics) {
    PacketSimConfig pc;
    pc.lb = spec.fabric.load_balancing;
    pc.seed = s.seed;
    pc.sample_interval_ps = o.timeline_sample_ps;
    PacketSim sim(plan, pc);
    const auto traffic = make_traffic("permutation", plan.fabric.nic_count(), o.timeline_flow_bytes, s.seed);
    for (const auto& fl : traffic) sim.add_flow(fl);
    PacketSimResult healthy = sim.run(stop);
    res.timeline = std::move(healthy.samples);
    const int64_t fb = o.timeline_flow_bytes;
    const std::string flow_size = fb % (int64_t{1} << 20) == 0 ? fmt::format("{} MiB", fb >> 20) : fmt::format("{} B", with_thousands(fb));
    res.timeline_title = fmt::format("A random permutation of {} flows between all {} NICs, {}, spray transport, sampled every {:g} us.", flow_size,
                                     plan.fabric.nic_count(), to_string(pc.lb), static_cast<double>(o.timeline_sample_ps) * 1e-6);
    // The same run with one spine (chosen with the seed) failing part of the way through.
    Picoseconds healthy_last;
    for (const auto& fl : healthy.flows) healthy_last = std::max(healthy_last, fl.finish);
    if (!stopped() && plan.fabric.tiers >= 2 && healthy.all_done) {
      PacketSimConfig fc = pc;
      fc.failures = packet_failures(plan.fabric, {fmt::format("tier:2:1@{}ns", healthy_last.count() / (1000 * o.failure_at_divisor))}, s.seed);
      PacketSim hurt(plan, fc);
      for (const auto& fl : traffic) hurt.add_flow(fl);
      PacketSimResult r2 = hurt.run(stop);
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
  res.partial = stopped();
  return res;
}

}  // namespace aifabric
