// The compare scenario: every design planned, the same collective (and job, and traffic) on each, one row per design.
#include "scenario/compare_scenario.h"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "collective/schedule.h"
#include "core/input_error.h"
#include "core/number_format.h"
#include "net/backend_for_spec.h"
#include "net/packet_sim.h"
#include "net/traffic.h"
#include "report/perf_table.h"
#include "workload/job_spec.h"
#include "workload/training_step.h"

namespace aifabric {

std::optional<Comparison> run_compare(const Session& s, const CompareRequest& r, const volatile int* stop) {
  const CollectiveKind kind = collective_or_fail(r.collective, "--collective");
  const Algorithm algo = algorithm_or_fail(r.algo);
  const int64_t bytes = parse_size(r.size);
  if (bytes <= 0) throw InputError({}, "--size", fmt::format("'{}' is not a size", r.size));
  std::optional<JobSpec> job;
  if (!r.job.empty()) job = load_job_spec(r.job);
  const int64_t packet_bytes = parse_size(r.bytes);
  if (packet_bytes <= 0) throw InputError({}, "--bytes", fmt::format("'{}' is not a size; expected e.g. 64K, 4M", r.bytes));
  Comparison cmp;
  if (!r.traffic.empty()) cmp.packet_workload = fmt::format("{} of {} B flows", r.traffic, with_thousands(packet_bytes));
  cmp.workload = fmt::format("{} of {} B over {} ({} backend){}{}", to_string(kind), with_thousands(bytes), r.group, r.backend,
                             job ? ", job " + job->name : "", r.fail.empty() ? "" : fmt::format(", with {} failed", fmt::join(r.fail, " and ")));
  for (const auto& path : r.specs) {
    const ClusterSpec spec = load_cluster_spec(path);
    const Plan plan = plan_spec(s, spec);
    DesignResult d = summarise_design(plan);
    auto backend = backend_for(r.backend, plan, spec, s.seed, r.fail);
    const Communicator comm = make_communicator(plan.fabric, r.group, path);
    Schedule sched;
    try {
      sched = build_schedule(kind, algo, comm, bytes, plan.fabric);
    } catch (const std::invalid_argument& e) {
      throw InputError({path, 0, 0}, "--algo", e.what());
    }
    const CollectiveResult cr = backend->run(sched);
    d.collective_time = cr.time;
    d.unreachable = cr.unreachable;
    d.busbw_gbs = perf_row(kind, comm.size(), bytes, cr.time).busbw_gbs;
    if (job) {
      const StepResult step = simulate_step(*job, plan, *backend);
      d.utilisation = step.utilisation;
      d.step_ms = step.step.seconds() * 1e3;
    }
    if (!r.traffic.empty()) {  // the same traffic, packet by packet, with each spec's load balancing, transport and flow control
      PacketSimConfig cfg = packet_config_for(spec, s.seed, s.max_events);
      cfg.failures = packet_failures(plan.fabric, r.fail, s.seed);
      const auto traffic = make_traffic(r.traffic, plan.fabric.nic_count(), packet_bytes, s.seed);
      check_packet_budget(traffic, plan, cfg);
      PacketSim sim(plan, cfg);
      for (const auto& fl : traffic) sim.add_flow(fl);
      d.packet = summarise_packet_run(sim.run(stop), packet_settings(plan, cfg));
      if (stop && *stop) return std::nullopt;
    }
    cmp.designs.push_back(std::move(d));
  }
  return cmp;
}

}  // namespace aifabric
