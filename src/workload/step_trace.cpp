// A job's step as Chakra traces: the schedule of simulate_step, written node by node.
#include "workload/step_trace.h"

#include <cmath>

#include <fmt/format.h>

#include "core/input_error.h"
#include "workload/training_step.h"
#include "workload/transformer_cost.h"
#include "workload/xpu_roofline.h"

namespace aifabric {

StepTraces step_traces(const JobSpec& job, const Plan& plan) {
  const Fabric& f = plan.fabric;
  const int64_t world = static_cast<int64_t>(job.tp) * job.pp * job.dp;
  if (world > kMaxStepTraceRanks) {
    throw InputError(job.degrees_where, "parallelism", fmt::format("{} ranks: Chakra traces are one file per rank; at most {} are written", world, kMaxStepTraceRanks));
  }
  if (job.virtual_stages > 1 || job.ep > 1 || job.cp > 1 || job.first_stage_layers > 0 || job.last_stage_layers > 0) {
    throw InputError(job.degrees_where, "parallelism", "step traces are written for 1F1B with even stages and no expert or context parallelism (yet)");
  }
  const Transformer model = Transformer::of(job);
  const XpuRoofline xpu = XpuRoofline::of(*f.server, job);
  const LayerCompute lc = layer_compute(job, model, xpu);
  const int64_t m = job.global_batch / (static_cast<int64_t>(job.dp) * job.micro_batch);
  const int layers = job.layers / job.pp;
  const bool sp = job.sequence_parallel && job.tp > 1;
  const int64_t act = static_cast<int64_t>(job.micro_batch) * job.sequence * model.hidden * 2;
  const int64_t send_bytes = std::max<int64_t>(1, act / (sp ? job.tp : 1));
  const double local_params = model.parameters() / (static_cast<double>(job.tp) * job.pp);
  auto micros = [](double s) { return Picoseconds(std::llround(s * 1e6) * 1'000'000); };
  auto rank_of = [&](int s, int d, int t) { return (static_cast<int64_t>(s) * job.dp + d) * job.tp + t; };

  StepTraces out;
  for (int s = 0; s < job.pp; ++s)
    for (int d = 0; d < job.dp; ++d)
      for (int t = 0; t < job.tp; ++t) {
        if (job.tp > 1) out.groups.groups[fmt::format("tp.{}.{}", s, d)].push_back(rank_of(s, d, t));
        if (job.dp > 1) out.groups.groups[fmt::format("dp.{}.{}", s, t)].push_back(rank_of(s, d, t));
      }
  for (int s = 0; s < job.pp; ++s)
    for (int d = 0; d < job.dp; ++d)
      for (int t = 0; t < job.tp; ++t) {
        RankTrace rt;
        rt.file = fmt::format("{} (rank {})", job.name, rank_of(s, d, t));
        rt.version = "0.0.4";
        uint64_t id = 0, last = 0;
        std::vector<uint64_t> sends;  // posted without waiting (Megatron's batched isend), all done by the step's end
        auto add = [&](TraceNode n, bool wait = true) {
          n.id = ++id;
          if (last) n.deps = {last};
          n.ctrl_from = static_cast<uint32_t>(n.deps.size());
          rt.nodes.push_back(std::move(n));
          if (wait) last = id;
          else sends.push_back(id);
        };
        auto compute = [&](std::string name, double seconds) {
          TraceNode n;
          n.name = std::move(name);
          n.kind = TraceNodeKind::Compute;
          n.duration = micros(seconds);
          add(std::move(n));
        };
        auto collective = [&](std::string name, CollectiveKind kind, int64_t bytes, std::string group) {
          TraceNode n;
          n.name = std::move(name);
          n.kind = TraceNodeKind::Collective;
          n.collective = kind;
          n.bytes = bytes;
          n.group = std::move(group);
          add(std::move(n));
        };
        auto p2p = [&](bool send, int peer_stage, int64_t tag) {
          TraceNode n;
          n.name = fmt::format("{} stage {}", send ? "send to" : "receive from", peer_stage);
          n.kind = send ? TraceNodeKind::Send : TraceNodeKind::Recv;
          n.peer = rank_of(peer_stage, d, t);
          n.tag = tag;
          n.bytes = send_bytes;
          add(std::move(n), !send);
        };
        const std::string tp_group = fmt::format("tp.{}.{}", s, d);
        auto tp_layer = [&](const std::string& what) {  // sequence parallelism: 2 all-gathers and 2 reduce-scatters each way
          if (job.tp == 1) return;
          for (int k = 0; k < 2; ++k) {
            collective(what + " all-gather", sp ? CollectiveKind::AllGather : CollectiveKind::AllReduce, act, tp_group);
            if (sp) collective(what + " reduce-scatter", CollectiveKind::ReduceScatter, act, tp_group);
          }
        };
        auto forward = [&](int64_t mb) {
          if (s > 0) p2p(false, s - 1, 2 * mb);
          for (int l = 0; l < layers; ++l) {
            compute(fmt::format("layer {} forward, micro-batch {}", s * layers + l, mb), lc.forward_s);
            tp_layer("forward");
          }
          if (s + 1 < job.pp) p2p(true, s + 1, 2 * mb);
        };
        auto backward = [&](int64_t mb) {
          if (s + 1 < job.pp) p2p(false, s + 1, 2 * mb + 1);
          if (s + 1 == job.pp && lc.output_layer_s > 0) compute(fmt::format("output layer, micro-batch {}", mb), lc.output_layer_s);
          for (int l = layers; l-- > 0;) {
            compute(fmt::format("layer {} backward, micro-batch {}", s * layers + l, mb), lc.backward_s);
            tp_layer("backward");
          }
          if (s > 0) p2p(true, s - 1, 2 * mb + 1);
        };
        // 1F1B: warm-up forwards, then one forward and one backward in turn, then the remaining backwards.
        const int64_t warm = std::min<int64_t>(job.pp - s - 1, m);
        for (int64_t i = 0; i < warm; ++i) forward(i);
        for (int64_t i = 0; i < m - warm; ++i) {
          forward(i + warm);
          backward(i);
        }
        for (int64_t i = m - warm; i < m; ++i) backward(i);
        if (job.dp > 1) {
          const std::string dp_group = fmt::format("dp.{}.{}", s, t);
          if (job.distributed_optimizer) {
            collective("gradient reduce-scatter", CollectiveKind::ReduceScatter, static_cast<int64_t>(local_params) * job.grad_bytes, dp_group);
            collective("parameter all-gather", CollectiveKind::AllGather, static_cast<int64_t>(local_params) * 2, dp_group);
          } else {
            collective("gradient all-reduce", CollectiveKind::AllReduce, static_cast<int64_t>(local_params) * job.grad_bytes, dp_group);
          }
        }
        TraceNode end;
        end.name = "step end";
        end.kind = TraceNodeKind::Other;
        add(std::move(end));
        rt.nodes.back().deps.insert(rt.nodes.back().deps.end(), sends.begin(), sends.end());
        rt.nodes.back().ctrl_from = static_cast<uint32_t>(rt.nodes.back().deps.size());
        out.ranks.push_back(std::move(rt));
      }
  return out;
}

}  // namespace aifabric
