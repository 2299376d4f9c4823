// Training-step model: Megatron-style rank layout (TP innermost, then DP, then PP), collectives of all groups
// of a parallelism run concurrently on the fabric, 1F1B pipeline bubble, DP all-reduce hidden behind backward.
#include "workload/training_step.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/number_format.h"

namespace aifabric {

namespace {

Picoseconds from_seconds(double s) { return Picoseconds(static_cast<int64_t>(std::llround(s * 1e12))); }

// NCCL-tests bus bandwidth of one operation, GB/s.
double busbw(CollectiveKind k, int64_t ranks, int64_t bytes, Picoseconds t) {
  return t.count() > 0 ? static_cast<double>(bytes) / t.seconds() / 1e9 * busbw_factor(k, ranks) : 0.0;
}

// Runs the same collective on every group at once: phase i of the result holds phase i of every group.
Schedule concurrent(const std::vector<Schedule>& parts) {
  Schedule s = parts.front();
  for (size_t k = 1; k < parts.size(); ++k) {
    for (size_t i = 0; i < s.phases.size() && i < parts[k].phases.size(); ++i) {
      s.phases[i].transfers.insert(s.phases[i].transfers.end(), parts[k].phases[i].transfers.begin(), parts[k].phases[i].transfers.end());
    }
  }
  return s;
}

struct Layout {
  int tp, dp, pp;
  int xpus_per_server;
  // Global XPU of (stage, data-parallel index, tensor-parallel index).
  uint32_t xpu(int stage, int d, int t) const { return static_cast<uint32_t>((static_cast<int64_t>(stage) * dp + d) * tp + t); }
  Communicator group(std::vector<uint32_t> xpus) const {
    Communicator c;
    c.xpus = std::move(xpus);
    c.xpus_per_server = xpus_per_server;
    return c;
  }
};

}  // namespace

JobSpec default_job_for(const Fabric& f) {
  JobSpec j;
  j.name = "default 13B dense job";
  j.parameters = 13e9;
  j.layers = 40;
  j.hidden = 5120;
  j.sequence = 4096;
  const int domain = std::max(f.server->scale_up_domain, f.server->xpus);
  j.tp = 1;
  while (j.tp * 2 <= std::min(domain, 8) && domain % (j.tp * 2) == 0 && f.xpus() % (j.tp * 2) == 0) j.tp *= 2;
  j.dp = static_cast<int>(f.xpus() / j.tp);
  j.global_batch = static_cast<int64_t>(j.dp) * 8;
  j.dp_overlap = 0.5;
  j.tp_overlap = 0.7;
  return j;
}

StepResult simulate_step(const JobSpec& job, const Plan& plan, CollectiveBackend& backend) {
  const Fabric& f = plan.fabric;
  StepResult r;
  r.job = job.name;
  r.fabric = plan.spec.name;
  r.backend = std::string(backend.name());
  r.xpus = f.xpus();
  const int64_t ranks = static_cast<int64_t>(job.tp) * job.pp * job.dp;
  if (ranks != f.xpus()) {
    throw InputError(job.degrees_where, "parallelism",
                     fmt::format("tp {} x pp {} x dp {} = {} ranks, but {} has {} XPUs; the degrees must multiply to the XPU count", job.tp, job.pp,
                                 job.dp, ranks, plan.spec.name, f.xpus()));
  }
  const int domain = std::max(f.server->scale_up_domain, f.server->xpus);
  if (job.tp > domain && !job.tp_beyond_scale_up) {
    throw InputError(job.tp_where, "parallelism.tp",
                     fmt::format("a TP group of {} is larger than the {}-XPU scale-up domain of {}: its all-reduces would cross the back-end "
                                 "network; set tp_beyond_scale_up: true to model that anyway, or use tp <= {}",
                                 job.tp, domain, f.server->name, domain));
  }
  if (job.tp <= domain && domain % job.tp != 0) {
    throw InputError(job.tp_where, "parallelism.tp", fmt::format("tp {} does not divide the {}-XPU scale-up domain: a TP group would straddle two domains", job.tp, domain));
  }
  const Layout lay{job.tp, job.dp, job.pp, f.server->xpus};
  const double tflops = job.tflops > 0 ? job.tflops : f.server->xpu_tflops;
  if (tflops <= 0) throw InputError(job.where, "xpu.tflops", fmt::format("server '{}' has no xpu_tflops in the catalog; give xpu.tflops", f.server->name));

  // Compute: 6 N T for the dense parameters plus attention (12 L h s per token), at mfu of peak.
  const double tokens = static_cast<double>(job.global_batch) * job.sequence;
  r.flops = 6.0 * job.parameters * tokens + 12.0 * job.layers * static_cast<double>(job.hidden) * job.sequence * tokens;
  const double compute_s = r.flops / (static_cast<double>(f.xpus()) * tflops * 1e12 * job.mfu);
  r.compute = from_seconds(compute_s);
  r.micro_batches = job.global_batch / (static_cast<int64_t>(job.dp) * job.micro_batch);
  const double m = static_cast<double>(r.micro_batches);
  r.bubble = from_seconds(compute_s * (job.pp - 1) / m);
  const double backward_s = compute_s * 2.0 / 3.0;
  const int64_t act_bytes = static_cast<int64_t>(job.micro_batch) * job.sequence * job.hidden * 2;
  const int layers_per_stage = job.layers / job.pp;

  auto time_all = [&](const std::vector<Schedule>& parts) { return backend.run(concurrent(parts)).time; };
  auto add = [&](StepComm c) {
    r.exposed += c.exposed;
    r.comms.push_back(std::move(c));
  };

  // Tensor parallel: 4 all-reduces of the activations per layer per micro-batch (2 forward, 2 backward).
  if (job.tp > 1) {
    std::vector<Schedule> parts;
    for (int s = 0; s < job.pp; ++s) {
      for (int d = 0; d < job.dp; ++d) {
        std::vector<uint32_t> x;
        for (int t = 0; t < job.tp; ++t) x.push_back(lay.xpu(s, d, t));
        parts.push_back(build_schedule(CollectiveKind::AllReduce, Algorithm::Nccl, lay.group(std::move(x)), act_bytes, f));
      }
    }
    StepComm c{"tensor", "all_reduce", job.tp, act_bytes, 4LL * layers_per_stage * r.micro_batches, time_all(parts), {}, {}, 0, ""};
    c.total = c.each * c.count;
    c.exposed = from_seconds(c.total.seconds() * (1.0 - job.tp_overlap));
    c.busbw_gbs = busbw(CollectiveKind::AllReduce, job.tp, act_bytes, c.each);
    c.explanation = fmt::format("{} all-reduces of {} per step inside the scale-up domain; {:.0f}% hidden", with_thousands(c.count),
                                with_thousands(act_bytes) + " B", job.tp_overlap * 100);
    add(std::move(c));
  }
  // Pipeline parallel: activations forward and gradients backward at every stage boundary, per micro-batch.
  if (job.pp > 1) {
    const int64_t bytes = std::max<int64_t>(1, act_bytes / job.tp);
    // One boundary's send/recv sets the protocol constants; every boundary's transfers then run at once.
    Schedule s = build_schedule(CollectiveKind::SendRecv, Algorithm::Nccl, lay.group({lay.xpu(0, 0, 0), lay.xpu(1, 0, 0)}), bytes, f);
    s.ranks = ranks;
    s.phases.clear();
    Phase ph;
    ph.label = "pipeline boundary transfers";
    for (int st = 0; st + 1 < job.pp; ++st)
      for (int d = 0; d < job.dp; ++d)
        for (int t = 0; t < job.tp; ++t) ph.transfers.push_back({lay.xpu(st, d, t), lay.xpu(st + 1, d, t), bytes});
    s.phases.push_back(std::move(ph));
    StepComm c{"pipeline", "sendrecv", 2, bytes, 2 * r.micro_batches, backend.run(s).time, {}, {}, 0, ""};
    c.total = c.each * c.count;
    // 1F1B: the transfers of the m + pp - 1 pipeline slots lie on the critical path, each way.
    c.exposed = c.each * (2 * (r.micro_batches + job.pp - 1));
    c.busbw_gbs = busbw(CollectiveKind::SendRecv, 2, bytes, c.each);
    c.explanation = fmt::format("{} B per boundary per micro-batch each way; {} pipeline slots on the critical path", with_thousands(bytes),
                                r.micro_batches + job.pp - 1);
    add(std::move(c));
  }
  // Expert parallel: dispatch and combine all-to-alls, forward and backward, per MoE layer per micro-batch.
  if (job.ep > 1 && job.moe_layers > 0) {
    std::vector<Schedule> parts;
    const int64_t bytes = std::max<int64_t>(1, act_bytes * job.top_k / job.tp);
    for (int s = 0; s < job.pp; ++s)
      for (int d0 = 0; d0 < job.dp; d0 += job.ep)
        for (int t = 0; t < job.tp; ++t) {
          std::vector<uint32_t> x;
          for (int d = d0; d < d0 + job.ep; ++d) x.push_back(lay.xpu(s, d, t));
          parts.push_back(build_schedule(CollectiveKind::AllToAll, Algorithm::Direct, lay.group(std::move(x)), bytes, f));
        }
    const int64_t moe_per_stage = std::max<int64_t>(1, job.moe_layers / job.pp);
    StepComm c{"expert", "alltoall", job.ep, bytes, 4 * moe_per_stage * r.micro_batches, time_all(parts), {}, {}, 0, ""};
    c.total = c.each * c.count;
    c.exposed = c.total;
    c.busbw_gbs = busbw(CollectiveKind::AllToAll, job.ep, bytes, c.each);
    c.explanation = fmt::format("{} all-to-alls of {} B per step (top-{} routing), not overlapped", with_thousands(c.count), with_thousands(bytes), job.top_k);
    add(std::move(c));
  }
  // Data parallel: one gradient all-reduce per step, started during the backward pass.
  if (job.dp > 1) {
    const int64_t bytes = static_cast<int64_t>(job.parameters / (static_cast<double>(job.tp) * job.pp)) * job.grad_bytes;
    const auto algo = parse_algorithm(job.dp_algorithm).value_or(Algorithm::Ring);
    std::vector<Schedule> parts;
    for (int s = 0; s < job.pp; ++s)
      for (int t = 0; t < job.tp; ++t) {
        std::vector<uint32_t> x;
        for (int d = 0; d < job.dp; ++d) x.push_back(lay.xpu(s, d, t));
        parts.push_back(build_schedule(CollectiveKind::AllReduce, algo, lay.group(std::move(x)), bytes, f));
      }
    StepComm c{"data", "all_reduce", job.dp, bytes, 1, time_all(parts), {}, {}, 0, ""};
    c.total = c.each;
    const double hidden_s = std::min(c.total.seconds(), job.dp_overlap * backward_s);
    c.exposed = from_seconds(c.total.seconds() - hidden_s);
    c.busbw_gbs = busbw(CollectiveKind::AllReduce, job.dp, bytes, c.each);
    c.explanation = fmt::format("{} B of gradients per rank over {} ranks ({} x {} groups at once); up to {:.0f}% of the {:.1f} ms backward pass hides {:.1f} ms of it",
                                with_thousands(bytes), job.dp, job.pp, job.tp, job.dp_overlap * 100, backward_s * 1e3, hidden_s * 1e3);
    add(std::move(c));
  }
  r.step = r.compute + r.bubble + r.exposed;
  r.utilisation = r.compute.seconds() / r.step.seconds();
  return r;
}

}  // namespace aifabric
