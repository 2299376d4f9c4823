// Training-step model after Megatron-LM: rank layout TP innermost, then CP, then DP, then PP; compute from the XPU
// roofline per layer; TP collectives and CP's ring attention inside each layer, PP sends, DP gradient reduction
// overlapping only the backward work left; 1F1B or interleaved pipeline; the collectives of all groups of a
// parallelism run at once on the fabric.
#include "workload/training_step.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/number_format.h"
#include "workload/pipeline_schedule.h"
#include "workload/transformer_cost.h"
#include "workload/xpu_roofline.h"

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
    for (size_t i = 0; i < parts[k].phases.size(); ++i) {
      if (i == s.phases.size()) s.phases.push_back(parts[k].phases[i]);  // a group with more phases keeps them
      else s.phases[i].transfers.insert(s.phases[i].transfers.end(), parts[k].phases[i].transfers.begin(), parts[k].phases[i].transfers.end());
    }
  }
  return s;
}

struct Layout {
  int tp, cp, dp, pp;
  int xpus_per_server;
  // Global XPU of (stage, data-parallel index, context-parallel index, tensor-parallel index).
  uint32_t xpu(int stage, int d, int c, int t) const {
    return static_cast<uint32_t>(((static_cast<int64_t>(stage) * dp + d) * cp + c) * tp + t);
  }
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
  const int domain = static_cast<int>(f.scale_up_domain());
  j.tp = 1;
  while (j.tp * 2 <= std::min(domain, 8) && domain % (j.tp * 2) == 0 && f.xpus() % (j.tp * 2) == 0) j.tp *= 2;
  j.dp = static_cast<int>(f.xpus() / j.tp);
  j.micro_batch = 8;
  j.global_batch = static_cast<int64_t>(j.dp) * 8;
  // An XPU the catalog gives no roofline for is timed at half its peak, and the result says so (compute_model).
  if (f.server->xpu_gemm_efficiency <= 0 || f.server->xpu_attention_efficiency <= 0 || f.server->xpu_hbm_gbytes_per_s <= 0) j.mfu = 0.5;
  return j;
}

namespace {

// Layers per pipeline stage, first to last.
std::vector<int> stage_layers(const JobSpec& job) {
  std::vector<int> v(static_cast<size_t>(job.pp), 0);
  int middle_stages = job.pp, middle = job.layers;
  if (job.first_stage_layers > 0) { v.front() = job.first_stage_layers; --middle_stages; middle -= job.first_stage_layers; }
  if (job.last_stage_layers > 0) { v.back() = job.last_stage_layers; --middle_stages; middle -= job.last_stage_layers; }
  for (int& n : v) if (n == 0) n = middle / middle_stages;
  return v;
}

std::string describe_stages(const std::vector<int>& v) {
  if (v.size() == 1) return fmt::format("{}", v[0]);
  const bool first = v.front() != v[1], last = v.back() != v[v.size() - 2];
  const size_t mid = v.size() - (first ? 1 : 0) - (last ? 1 : 0);
  std::string o = first ? fmt::format("{} + ", v.front()) : "";
  o += fmt::format("{} x {}", v[first ? 1 : 0], mid);
  if (last) o += fmt::format(" + {}", v.back());
  return o;
}

}  // namespace

LayerCompute layer_compute(const JobSpec& job, const Transformer& model, const XpuRoofline& xpu) {
  LayerCompute c;
  // A rank's tokens: its 1 / cp of every sequence of the micro-batch; its attention: its queries over the whole
  // sequence's keys, 1 / cp of the causal work (the chunks are split so that every rank has the same share).
  const int64_t tokens_mb = static_cast<int64_t>(job.micro_batch) * job.sequence / job.cp;
  const bool sp = job.sequence_parallel && job.tp > 1;
  // An average layer: dense and MoE layers in proportion (an MoE layer timed on its busiest expert-parallel rank).
  const double moe_share = model.layers > 0 ? static_cast<double>(model.moe_layers) / model.layers : 0.0;
  for (const Gemm& g : model.layer_gemms(tokens_mb, job.tp)) {
    c.gemm_forward_s += (1 - moe_share) * xpu.gemm_seconds(g);
    c.gemm_backward_s += (1 - moe_share) * xpu.gemm_backward_seconds(g);
  }
  if (moe_share > 0) {
    for (const Gemm& g : model.moe_layer_gemms(tokens_mb, job.tp, job.ep, job.expert_imbalance)) {
      c.gemm_forward_s += moe_share * xpu.gemm_seconds(g);
      c.gemm_backward_s += moe_share * xpu.gemm_backward_seconds(g);
    }
  }
  const double attn_f = xpu.attention_seconds(model.attention_flops(job.micro_batch, job.tp, true) / job.cp);
  const double attn_b = 2 * attn_f;  // the backward computes twice the forward's products
  c.attention_forward_s = attn_f;
  c.attention_backward_s = attn_b;
  const double moe_width = static_cast<double>(model.expert_ffn) * (model.top_k * job.expert_imbalance + static_cast<double>(model.shared_experts));
  const double elem_bytes = (1 - moe_share) * model.layer_elementwise_bytes(tokens_mb, job.tp, sp) +
                            (moe_share > 0 ? moe_share * model.layer_elementwise_bytes(tokens_mb, job.tp, sp, moe_width) : 0.0);
  const double elem_f = xpu.hbm_bytes_per_s > 0 ? xpu.memory_seconds(elem_bytes) : 0.0;
  c.forward_s = c.gemm_forward_s + attn_f + elem_f;
  c.backward_s = c.gemm_backward_s + attn_b + 2 * elem_f;
  if (job.recompute == Recompute::Full) c.backward_s += c.forward_s;
  if (job.recompute == Recompute::Selective) c.backward_s += attn_f;
  // The output layer and its loss on the last stage (the embedding lookup on the first is a gather: negligible).
  if (model.vocab > 0) {
    const Gemm g = model.logits_gemm(tokens_mb, job.tp);
    c.output_layer_s = xpu.gemm_seconds(g) + xpu.gemm_backward_seconds(g) +
                       (xpu.hbm_bytes_per_s > 0 ? xpu.memory_seconds(4.0 * 3 * static_cast<double>(tokens_mb) * static_cast<double>(model.vocab) / job.tp) : 0.0);
  }
  return c;
}

StepResult simulate_step(const JobSpec& job, const Plan& plan, CollectiveBackend& backend) {
  const Fabric& f = plan.fabric;
  StepResult r;
  r.job = job.name;
  r.fabric = plan.spec.name;
  r.backend = std::string(backend.name());
  r.xpus = f.xpus();
  const int64_t ranks = static_cast<int64_t>(job.tp) * job.cp * job.pp * job.dp;
  if (ranks != f.xpus()) {
    throw InputError(job.degrees_where, "parallelism",
                     fmt::format("tp {}{} x pp {} x dp {} = {} ranks, but {} has {} XPUs; the degrees must multiply to the XPU count", job.tp,
                                 job.cp > 1 ? fmt::format(" x cp {}", job.cp) : "", job.pp, job.dp, ranks, plan.spec.name, f.xpus()));
  }
  const int domain = static_cast<int>(f.scale_up_domain());
  if (job.tp > domain && !job.tp_beyond_scale_up) {
    throw InputError(job.tp_where, "parallelism.tp",
                     fmt::format("a TP group of {} is larger than the {}-XPU scale-up domain of {}: its all-reduces would cross the back-end "
                                 "network; set tp_beyond_scale_up: true to model that anyway, or use tp <= {}",
                                 job.tp, domain, f.server->name, domain));
  }
  if (job.tp <= domain && domain % job.tp != 0) {
    throw InputError(job.tp_where, "parallelism.tp", fmt::format("tp {} does not divide the {}-XPU scale-up domain: a TP group would straddle two domains", job.tp, domain));
  }
  const Transformer model = Transformer::of(job);
  if (model.hidden % job.tp != 0 || model.ffn % job.tp != 0 || model.heads % job.tp != 0 || (model.vocab > 0 && model.vocab % job.tp != 0)) {
    throw InputError(job.tp_where, "parallelism.tp",
                     fmt::format("tp {} does not divide the model's hidden size {}, MLP width {}, {} heads{}", job.tp, model.hidden, model.ffn, model.heads,
                                 model.vocab > 0 ? fmt::format(" and vocabulary {}", model.vocab) : ""));
  }
  r.parameters = model.parameters();
  if (r.parameters > 1e15) {
    throw InputError(job.parameters_where, "model", fmt::format("the architecture has {:.3g} parameters; at most 10^15 are modelled", r.parameters));
  }
  if (job.parameters > 0 && std::abs(r.parameters - job.parameters) > 0.1 * job.parameters) {
    throw InputError(job.parameters_where, "model.parameters",
                     fmt::format("{:.4g} parameters stated, but the architecture ({} layers, hidden {}, MLP {}{}, vocabulary {}) has {:.4g}; fix one "
                                 "(or drop parameters and let the architecture say)",
                                 job.parameters, model.layers, model.hidden, model.ffn, model.gated_mlp ? " gated" : "", model.vocab, r.parameters));
  }
  const XpuRoofline xpu = XpuRoofline::of(*f.server, job);
  r.compute_model = job.mfu > 0 ? fmt::format("every FLOP at the given {:.0f}% of the {:.0f} TFLOP/s peak (xpu.mfu)", 100 * job.mfu, xpu.peak_flops / 1e12)
                                : fmt::format("roofline: GEMMs at {:.0f}% of {:.0f} TFLOP/s less their tile and wave waste, attention at {:.0f}%, the rest at {:.0f} GB/s "
                                              "(the catalog's measured rates times the end-to-end efficiency {:.2f})",
                                              100 * xpu.gemm_efficiency, xpu.peak_flops / 1e12, 100 * xpu.attention_efficiency, xpu.hbm_bytes_per_s / 1e9, xpu.end_to_end);
  const Layout lay{job.tp, job.cp, job.dp, job.pp, f.server->xpus};
  r.micro_batches = job.global_batch / (static_cast<int64_t>(job.dp) * job.micro_batch);
  r.virtual_stages = job.virtual_stages;
  const int64_t m = r.micro_batches;
  const int64_t tokens_mb = static_cast<int64_t>(job.micro_batch) * job.sequence / job.cp;  // per rank
  r.tokens = static_cast<double>(job.global_batch) * job.sequence;
  r.flops = model.model_flops(r.tokens);
  const auto secs = from_seconds;

  // ---- Compute of one layer, one micro-batch, one TP rank (forward, backward with what is recomputed).
  const bool sp = job.sequence_parallel && job.tp > 1;
  const LayerCompute lc = layer_compute(job, model, xpu);
  const double gemm_f = lc.gemm_forward_s, gemm_b = lc.gemm_backward_s, layer_f = lc.forward_s, layer_b = lc.backward_s, logits = lc.output_layer_s;

  auto time_all = [&](const std::vector<Schedule>& parts) { return backend.run(concurrent(parts)).time; };
  auto group_of = [&](auto&& xpu_at, int n) {
    std::vector<uint32_t> x;
    for (int i = 0; i < n; ++i) x.push_back(xpu_at(i));
    return lay.group(std::move(x));
  };

  // ---- Tensor parallel: per layer, with sequence parallelism 2 all-gathers and 2 reduce-scatters of the layer's
  // activations forward and as many backward (plus the recomputed forward's all-gathers); without, 2 all-reduces
  // each way. Groups inside a scale-up domain do not share the fabric: one group's time is every group's.
  double tp_layer_exposed = 0;
  const int64_t act_bytes = tokens_mb * model.hidden * 2;
  if (job.tp > 1) {
    const bool isolated = job.tp <= domain;
    auto tp_time = [&](CollectiveKind kind) {
      std::vector<Schedule> parts;
      for (int st = 0; st < (isolated ? 1 : job.pp); ++st)
        for (int d = 0; d < (isolated ? 1 : job.dp); ++d)
          for (int cx = 0; cx < (isolated ? 1 : job.cp); ++cx)
            parts.push_back(build_schedule(kind, Algorithm::Nccl, group_of([&](int t) { return lay.xpu(st, d, cx, t); }, job.tp), act_bytes, f));
      return time_all(parts);
    };
    const int recomputed = job.recompute == Recompute::Full ? 2 : 0;
    std::vector<std::pair<CollectiveKind, int64_t>> ops;  // (collective, per layer per micro-batch)
    if (sp) ops = {{CollectiveKind::AllGather, 4 + recomputed}, {CollectiveKind::ReduceScatter, 4}};
    else ops = {{CollectiveKind::AllReduce, 4 + recomputed}};
    double per_layer = 0;
    for (const auto& [kind, n] : ops) {
      const Picoseconds each = tp_time(kind);
      per_layer += n * each.seconds();
      StepComm c{"tensor", std::string(to_string(kind)), job.tp, act_bytes, 0, each, {}, {}, 0, ""};
      c.busbw_gbs = busbw(kind, job.tp, act_bytes, each);
      r.comms.push_back(std::move(c));
    }
    // With --tp-comm-overlap the collectives run under the layer's GEMMs; without, the layer waits for each.
    tp_layer_exposed = job.tp_comm_overlap ? std::max(0.0, per_layer - (gemm_f + gemm_b)) : per_layer;
  }

  // ---- Expert parallel: dispatch and combine all-to-alls forward and backward per MoE layer, not overlapped.
  double ep_layer_exposed = 0;
  if (job.ep > 1 && job.moe_layers > 0) {
    std::vector<Schedule> parts;
    // The busiest rank sends and receives `expert_imbalance` times the mean of the routed tokens.
    const int64_t bytes = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(act_bytes) * job.top_k / job.tp * job.expert_imbalance));
    for (int st = 0; st < job.pp; ++st)
      for (int d0 = 0; d0 < job.dp; d0 += job.ep)
        for (int cx = 0; cx < job.cp; ++cx)
          for (int t = 0; t < job.tp; ++t)
            parts.push_back(build_schedule(CollectiveKind::AllToAll, Algorithm::Direct, group_of([&](int i) { return lay.xpu(st, d0 + i, cx, t); }, job.ep), bytes, f));
    const Picoseconds each = time_all(parts);
    ep_layer_exposed = 4 * each.seconds() * job.moe_layers / job.layers;  // spread over the layers as an average
    StepComm c{"expert", "alltoall", job.ep, bytes, 0, each, {}, {}, 0, ""};
    c.busbw_gbs = busbw(CollectiveKind::AllToAll, job.ep, bytes, each);
    r.comms.push_back(std::move(c));
  }

  // ---- Context parallel. As a ring (Transformer Engine's p2p exchange, Megatron-LM's default): each rank starts on its
  // own key/value block and passes blocks around the ring, cp - 1 steps forward (keys and values) and as many backward
  // (keys and values again, and their gradients), each step under the attention of the block already there. Or
  // all-gathered (the Llama 3 paper's). A full recomputation repeats the forward's exchange. The exchange of every
  // (stage, replica, TP rank) runs at once.
  double cp_layer_exposed = 0;
  // Rows counted per layer of the critical stage and micro-batch (context exchanges, FSDP's gathers and scatters),
  // with what each micro-batch waits for beyond its layers' share.
  struct LayerRow { size_t index; int64_t per_layer; double exposed_per_layer; double exposed_per_micro_batch = 0; };
  std::vector<LayerRow> layer_rows;
  const int64_t kv_bytes = std::max<int64_t>(1, 2 * tokens_mb * model.kv_dim() / job.tp * 2);  // K and V, bf16, this rank's heads
  if (job.cp > 1) {
    const int forwards = job.recompute == Recompute::Full ? 2 : 1;
    if (job.cp_all_gather) {
      // All-gathered keys and values before each layer's attention, their gradients reduce-scattered after its
      // backward; attention waits for both (the Llama 3 paper's context parallelism).
      auto cp_time = [&](CollectiveKind kind) {
        std::vector<Schedule> parts;
        for (int st = 0; st < job.pp; ++st)
          for (int d = 0; d < job.dp; ++d)
            for (int t = 0; t < job.tp; ++t)
              parts.push_back(build_schedule(kind, Algorithm::Nccl, group_of([&](int cx) { return lay.xpu(st, d, cx, t); }, job.cp), kv_bytes * job.cp, f));
        return time_all(parts).seconds();
      };
      const double gather = cp_time(CollectiveKind::AllGather), scatter = cp_time(CollectiveKind::ReduceScatter);
      cp_layer_exposed = forwards * gather + scatter;
      for (const auto& [kind, each, n] : {std::tuple{CollectiveKind::AllGather, gather, forwards}, std::tuple{CollectiveKind::ReduceScatter, scatter, 1}}) {
        StepComm c{"context", std::string(to_string(kind)), job.cp, kv_bytes * job.cp, 0, secs(each), {}, {}, 0, ""};
        c.busbw_gbs = busbw(kind, job.cp, kv_bytes * job.cp, c.each);
        c.explanation = fmt::format("{} per layer per micro-batch: {}, waited for",
                                    n, kind == CollectiveKind::AllGather ? "the sequence's keys and values gathered before attention"
                                                                         : "their gradients reduce-scattered after attention's backward");
        layer_rows.push_back({r.comms.size(), n, n * each});
        r.comms.push_back(std::move(c));
      }
    } else {
      auto ring_step = [&](int64_t bytes) {
        Schedule s = build_schedule(CollectiveKind::SendRecv, Algorithm::Nccl, lay.group({lay.xpu(0, 0, 0, 0), lay.xpu(0, 0, 1, 0)}), bytes, f);
        s.ranks = ranks;
        s.phases.clear();
        Phase ph;
        ph.label = "ring attention step";
        for (int st = 0; st < job.pp; ++st)
          for (int d = 0; d < job.dp; ++d)
            for (int cx = 0; cx < job.cp; ++cx)
              for (int t = 0; t < job.tp; ++t) ph.transfers.push_back({lay.xpu(st, d, cx, t), lay.xpu(st, d, (cx + 1) % job.cp, t), bytes});
        s.phases.push_back(std::move(ph));
        return backend.run(s).time.seconds();
      };
      const double fwd_step = ring_step(kv_bytes), bwd_step = ring_step(2 * kv_bytes);
      const double block_f = lc.attention_forward_s / job.cp, block_b = lc.attention_backward_s / job.cp;
      const double steps = job.cp - 1;
      const double fwd_exposed = steps * forwards * std::max(0.0, fwd_step - block_f), bwd_exposed = steps * std::max(0.0, bwd_step - block_b);
      cp_layer_exposed = fwd_exposed + bwd_exposed;
      auto add_ring = [&](int64_t bytes, double step_s, int64_t per_layer, double exposed, double block_s, const char* what) {
        StepComm c{"context", "sendrecv", job.cp, bytes, 0, secs(step_s), {}, {}, 0, ""};
        c.busbw_gbs = busbw(CollectiveKind::SendRecv, 2, bytes, c.each);
        c.explanation = fmt::format("ring attention, {}: {} steps per layer per micro-batch, each under one block's attention ({:.3f} ms)", what, per_layer,
                                    block_s * 1e3);
        layer_rows.push_back({r.comms.size(), per_layer, exposed});
        r.comms.push_back(std::move(c));
      };
      add_ring(kv_bytes, fwd_step, static_cast<int64_t>(steps) * forwards, fwd_exposed, block_f,
               forwards > 1 ? "keys and values forward, and again in the recomputed forward" : "keys and values forward");
      add_ring(2 * kv_bytes, bwd_step, static_cast<int64_t>(steps), bwd_exposed, block_b, "keys, values and their gradients backward");
    }
  }

  // ---- FSDP (ZeRO-3): parameters, gradients and optimizer state sharded over the dp x cp ranks that hold the same
  // weights. Per layer and micro-batch, the layer's parameters are all-gathered before its forward and again before
  // its backward (resharded after the forward, PyTorch FSDP's FULL_SHARD), and its gradients reduce-scattered after
  // its backward; each is prefetched under the neighbouring layer's compute, so a layer waits only for what outlasts
  // it, and the first layer's gather of each micro-batch cannot hide.
  const int dpc = job.dp * job.cp;
  double fsdp_layer_exposed = 0, fsdp_first_gather = 0;
  if (job.fsdp && dpc > 1) {
    const int64_t gather_bytes = static_cast<int64_t>(model.layer_parameters() / job.tp) * 2;  // bf16 weights, this TP rank's
    const int64_t scatter_bytes = static_cast<int64_t>(model.layer_parameters() / job.tp) * job.grad_bytes;
    auto over_dp = [&](CollectiveKind kind, int64_t bytes) {
      std::vector<Schedule> parts;
      for (int st = 0; st < job.pp; ++st)
        for (int t = 0; t < job.tp; ++t)
          parts.push_back(build_schedule(kind, Algorithm::Nccl, group_of([&](int i) { return lay.xpu(st, i / job.cp, i % job.cp, t); }, dpc), bytes, f));
      return time_all(parts).seconds();
    };
    const double gather = over_dp(CollectiveKind::AllGather, gather_bytes), scatter = over_dp(CollectiveKind::ReduceScatter, scatter_bytes);
    const double fwd_exposed = std::max(0.0, gather - layer_f), bwd_exposed = std::max(0.0, gather + scatter - layer_b);
    fsdp_layer_exposed = fwd_exposed + bwd_exposed;
    fsdp_first_gather = gather;
    // The backward's gather and scatter share the layer's window: each row carries its part of the exposure.
    const double gather_share = gather + scatter > 0 ? gather / (gather + scatter) : 0;
    StepComm g{"data", "all_gather", dpc, gather_bytes, 0, secs(gather), {}, {}, 0, ""};
    g.busbw_gbs = busbw(CollectiveKind::AllGather, dpc, gather_bytes, g.each);
    g.explanation = fmt::format("FSDP: each layer's {} B of weights gathered before its forward and its backward, under the neighbouring layer's "
                                "compute; the first layer's of each micro-batch waited for", with_thousands(gather_bytes));
    layer_rows.push_back({r.comms.size(), 2, fwd_exposed + bwd_exposed * gather_share, gather});
    r.comms.push_back(std::move(g));
    StepComm rs{"data", "reduce_scatter", dpc, scatter_bytes, 0, secs(scatter), {}, {}, 0, ""};
    rs.busbw_gbs = busbw(CollectiveKind::ReduceScatter, dpc, scatter_bytes, rs.each);
    rs.explanation = fmt::format("FSDP: each layer's {} B of gradients reduce-scattered after its backward, every micro-batch, under the previous "
                                 "layer's backward", with_thousands(scatter_bytes));
    layer_rows.push_back({r.comms.size(), 1, bwd_exposed * (1 - gather_share), 0});
    r.comms.push_back(std::move(rs));
  }

  // ---- The slowest stage sets the pace of the pipeline.
  const std::vector<int> layers = stage_layers(job);
  r.stages = describe_stages(layers);
  double stage_s = 0, stage_compute_s = 0;
  int critical_layers = 0;
  for (size_t st = 0; st < layers.size(); ++st) {
    const double compute_s = layers[st] * (layer_f + layer_b) + (st + 1 == layers.size() ? logits : 0.0);
    const double with_comm = compute_s + layers[st] * (tp_layer_exposed + ep_layer_exposed + cp_layer_exposed + fsdp_layer_exposed) + fsdp_first_gather;
    if (with_comm > stage_s) {
      stage_s = with_comm;
      stage_compute_s = compute_s;
      critical_layers = layers[st];
    }
  }
  r.stage_time = secs(stage_s);
  const double busy_s = pipeline_busy_seconds(m, stage_s);
  const double bubble_s = pipeline_bubble_seconds(job.pp, job.virtual_stages, stage_s);
  // TP and EP: per layer of the critical stage, every micro-batch; TP's exposure shared in proportion to each
  // collective's time.
  auto per_layer = [&](const StepComm& c) -> int64_t {
    if (c.parallelism != "tensor") return 4;
    return c.collective == "reduce_scatter" ? 4 : job.recompute == Recompute::Full ? 6 : 4;
  };
  double tp_total_per_layer = 0;
  for (const StepComm& c : r.comms) if (c.parallelism == "tensor") tp_total_per_layer += static_cast<double>(per_layer(c)) * c.each.seconds();
  for (size_t i = 0; i < r.comms.size(); ++i) {
    StepComm& c = r.comms[i];
    const auto row = std::find_if(layer_rows.begin(), layer_rows.end(), [&](const LayerRow& lr) { return lr.index == i; });
    if (row != layer_rows.end()) {  // set above: counted and exposed per layer of the critical stage, every micro-batch
      c.count = row->per_layer * critical_layers * m;
      c.total = c.each * c.count;
      c.exposed = secs((row->exposed_per_layer * critical_layers + row->exposed_per_micro_batch) * static_cast<double>(m));
      continue;
    }
    const bool tensor = c.parallelism == "tensor";
    // (MoE layers are spread over the stages: the critical stage's share of them.)
    c.count = tensor ? per_layer(c) * critical_layers * m
                     : std::llround(4.0 * critical_layers * static_cast<double>(m) * job.moe_layers / job.layers);
    c.total = c.each * c.count;
    const double share = tensor && tp_total_per_layer > 0 ? static_cast<double>(per_layer(c)) * c.each.seconds() / tp_total_per_layer : 1.0;
    c.exposed = secs((tensor ? tp_layer_exposed * share : ep_layer_exposed) * critical_layers * static_cast<double>(m));
    c.explanation = tensor ? fmt::format("{} per layer per micro-batch inside the scale-up domain, {}", per_layer(c),
                                         job.tp_comm_overlap ? "overlapped with the layer's GEMMs where they last long enough" : "each waited for (no TP overlap)")
                           : fmt::format("dispatch and combine, forward and backward, per MoE layer (top-{} routing), not overlapped", job.top_k);
  }

  // ---- Pipeline sends: each micro-batch's activations forward and gradients backward across every chunk boundary.
  double exposed_s = 0;  // beyond the stage time: pipeline sends, data-parallel reduction
  if (job.pp > 1) {
    const int64_t bytes = std::max<int64_t>(1, act_bytes / (sp ? job.tp : 1));
    Schedule s = build_schedule(CollectiveKind::SendRecv, Algorithm::Nccl, lay.group({lay.xpu(0, 0, 0, 0), lay.xpu(1, 0, 0, 0)}), bytes, f);
    s.ranks = ranks;
    s.phases.clear();
    Phase ph;
    ph.label = "pipeline boundary transfers";
    for (int st = 0; st + 1 < job.pp; ++st)
      for (int d = 0; d < job.dp; ++d)
        for (int cx = 0; cx < job.cp; ++cx)
          for (int t = 0; t < job.tp; ++t) ph.transfers.push_back({lay.xpu(st, d, cx, t), lay.xpu(st + 1, d, cx, t), bytes});
    s.phases.push_back(std::move(ph));
    StepComm c{"pipeline", "sendrecv", 2, bytes, 2 * m * job.virtual_stages, backend.run(s).time, {}, {}, 0, ""};
    c.total = c.each * c.count;
    const int64_t on_path = pipeline_exposed_sends(m, job.pp, job.virtual_stages);
    c.exposed = c.each * on_path;
    c.busbw_gbs = busbw(CollectiveKind::SendRecv, 2, bytes, c.each);
    c.explanation = fmt::format("{} B per chunk boundary per micro-batch each way; {} on the critical path ({})", with_thousands(bytes), on_path,
                                job.virtual_stages > 1 ? "interleaved: the steady state's sends overlap compute" : "1F1B waits for each");
    exposed_s += c.exposed.seconds();
    r.comms.push_back(std::move(c));
  }

  // ---- Data parallel: gradients reduced (reduce-scatter with the distributed optimizer, else all-reduce) in
  // buckets as the last micro-batch's backward frees them; with the distributed optimizer, parameters all-gathered
  // in buckets under the next step's first forward. The last bucket (Megatron's 40M-parameter default) cannot hide.
  // Context-parallel ranks hold the same weights: their gradients are reduced with the data-parallel ones (Megatron's
  // data-parallel-with-context-parallel group of dp x cp ranks).
  // With expert parallelism the routed experts' gradients go over the dp x cp / ep ranks that hold the same experts
  // (Megatron's expert-data-parallel group), after the dense weights', in what is left of the same window.
  if (dpc > 1 && !job.fsdp) {
    const double expert_params = job.ep > 1 ? model.routed_expert_parameters() : 0.0;
    const auto algo = parse_algorithm(job.dp_algorithm).value_or(Algorithm::Ring);
    // Every group of one kind at once: dense groups of dp x cp ranks, or expert groups of dp x cp / ep (one per
    // expert-parallel index).
    auto dp_time = [&](CollectiveKind kind, int64_t b, bool experts) {
      std::vector<Schedule> parts;
      const int size = experts ? dpc / job.ep : dpc;
      for (int st = 0; st < job.pp; ++st)
        for (int t = 0; t < job.tp; ++t)
          for (int e = 0; e < (experts ? job.ep : 1); ++e)
            parts.push_back(build_schedule(kind, algo == Algorithm::Ring || kind == CollectiveKind::AllReduce ? algo : Algorithm::Ring,
                                           group_of([&](int i) { return experts ? lay.xpu(st, e + job.ep * (i / job.cp), i % job.cp, t) : lay.xpu(st, i / job.cp, i % job.cp, t); }, size),
                                           b, f));
      return time_all(parts);
    };
    double backward_s = layers.front() * layer_b;  // the first stage finishes its last backward last
    double forward_s = layers.front() * layer_f;
    auto add_dp = [&](CollectiveKind kind, double local_params, bool experts, bool overlap, double& window_s, const char* what) {
      const int group = experts ? dpc / job.ep : dpc;
      if (group < 2 || local_params <= 0) return;
      const int64_t b = static_cast<int64_t>(local_params) * (kind == CollectiveKind::AllGather ? 2 : job.grad_bytes);
      const double bucket = std::min(1.0, 40e6 / local_params);
      StepComm c{"data", std::string(to_string(kind)), group, b, 1, dp_time(kind, b, experts), {}, {}, 0, ""};
      c.total = c.each;
      const double t = c.total.seconds();
      const double exposed = overlap ? std::max(t * bucket, t - window_s) : t;
      c.exposed = secs(exposed);
      c.busbw_gbs = busbw(kind, group, b, c.each);
      c.explanation = fmt::format("{}{} B per rank over {} ranks ({} groups at once), {}; {:.1f} ms exposed", experts ? "experts: " : "", with_thousands(b), group,
                                  job.pp * job.tp * (experts ? job.ep : 1), overlap ? fmt::format("{} ({:.1f} ms)", what, window_s * 1e3) : "not overlapped",
                                  exposed * 1e3);
      if (overlap) window_s = std::max(0.0, window_s - t);
      exposed_s += exposed;
      r.comms.push_back(std::move(c));
    };
    const double dense_local = (r.parameters - expert_params) / (static_cast<double>(job.tp) * job.pp);
    const double expert_local = expert_params / (static_cast<double>(job.tp) * job.pp * job.ep);
    const char* under_backward = "in buckets under the last micro-batch's backward";
    const char* under_forward = "in buckets under the first micro-batch's forward";
    const CollectiveKind reduce = job.distributed_optimizer ? CollectiveKind::ReduceScatter : CollectiveKind::AllReduce;
    add_dp(reduce, dense_local, false, job.overlap_grad_reduce, backward_s, under_backward);
    add_dp(reduce, expert_local, true, job.overlap_grad_reduce, backward_s, under_backward);
    if (job.distributed_optimizer) {
      add_dp(CollectiveKind::AllGather, dense_local, false, job.overlap_param_gather, forward_s, under_forward);
      add_dp(CollectiveKind::AllGather, expert_local, true, job.overlap_param_gather, forward_s, under_forward);
    }
  }

  // ---- Optimizer: Adam over the local shard, memory-bound (fp32 master, two moments and the gradient read and
  // written back, the bf16 parameter written: 30 bytes per parameter).
  const double routed = job.ep > 1 ? model.routed_expert_parameters() : 0.0;  // split over the expert-parallel ranks
  const double per_rank = (r.parameters - routed) / (static_cast<double>(job.tp) * job.pp) + routed / (static_cast<double>(job.tp) * job.pp * job.ep);
  const double shard = job.distributed_optimizer || job.fsdp ? r.parameters / (static_cast<double>(job.tp) * job.pp * dpc) : per_rank;
  const double optimizer_s = xpu.hbm_bytes_per_s > 0 ? xpu.memory_seconds(30.0 * shard) : 0.0;

  if (busy_s + bubble_s + optimizer_s + exposed_s > 4.0e6) {  // beyond what int64 picoseconds hold (53 days)
    throw InputError(job.where, "job", fmt::format("one step would take {:.3g} s; expected a step of less than 46 days", busy_s + bubble_s + optimizer_s + exposed_s));
  }
  r.pp = job.pp;
  {
    const double f = critical_layers * layer_f, b = critical_layers * layer_b;
    const double forward_share = f + b > 0 ? f / (f + b) : 0.5;
    r.chunk_forward = secs(stage_s * forward_share / job.virtual_stages);
    r.chunk_backward = secs(stage_s * (1 - forward_share) / job.virtual_stages);
  }
  for (const StepComm& c : r.comms) if (c.parallelism == "pipeline") r.pipeline_send = c.each;
  r.optimizer = secs(optimizer_s);
  r.compute = secs(static_cast<double>(m) * stage_compute_s + optimizer_s);
  r.bubble = secs(bubble_s);
  r.step = secs(busy_s + bubble_s + optimizer_s + exposed_s);
  r.exposed = r.step - r.compute - r.bubble;
  r.utilisation = r.compute.seconds() / r.step.seconds();
  r.mfu = r.flops / (r.step.seconds() * static_cast<double>(r.xpus) * xpu.peak_flops);
  r.tflops_per_xpu = r.flops / r.step.seconds() / static_cast<double>(r.xpus) / 1e12;
  r.tokens_per_s = r.tokens / r.step.seconds();
  return r;
}

}  // namespace aifabric
