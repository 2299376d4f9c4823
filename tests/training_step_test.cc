// The training-step model against its own arithmetic, and the seed's 100G -> 400G utilisation question.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "backend/collective_backend.h"
#include "report/step_timeline_chart.h"
#include "test_support.h"
#include "workload/training_step.h"
#include "workload/transformer_cost.h"
#include "workload/xpu_roofline.h"

namespace aifabric {
using testing::source_path;

namespace {
StepResult step_on(const std::string& spec, const JobSpec& job, const std::string& backend = "flow") {
  const Plan plan = make_plan(load_cluster_spec(source_path(spec)), testing::shipped_catalog());
  auto b = make_backend(backend, plan, {});
  return simulate_step(job, plan, *b);
}
// The 13B job on 1,024 GPUs as TP 8 x PP 4 x DP 32 with 1,024 sequences: 32 micro-batches per replica.
JobSpec pipelined_13b() {
  JobSpec job = load_job_spec(source_path("examples/job-13b-dp512.yaml"));
  job.tp = 8;
  job.pp = 4;
  job.dp = 32;
  job.global_batch = 1024;
  return job;
}
const StepComm& comm(const StepResult& r, const std::string& p) {
  for (const auto& c : r.comms) if (c.parallelism == p) return c;
  static StepComm none;
  ADD_FAILURE() << "no " << p;
  return none;
}
}  // namespace

// The roofline by hand: an 8192^3 GEMM is 64 x 32 tiles of 128 x 256 = 2,048 tiles over 132 SMs, 16 waves of
// which the last is 68/132 full: 2048 / 2112 of the large-GEMM rate, 80% of 989 TFLOP/s, times the end-to-end
// efficiency of a training step's kernels (kComputeEfficiency, or the job's own). A GEMM with 129 rows pays
// for 256 (two tile rows); one only 128 rows tall but wide enough to fill the SMs once is bound by moving its
// weights through memory.
TEST(TrainingStep, RooflineByShape) {
  const Catalog cat = testing::shipped_catalog();
  const XpuRoofline x = XpuRoofline::of(*cat.find_server("dgx-h100"), JobSpec{});
  const Gemm big{8192, 8192, 8192};
  EXPECT_NEAR(x.shape_efficiency(big), 2048.0 / 2112.0, 1e-12);
  EXPECT_NEAR(x.gemm_seconds(big), big.flops() / (989e12 * 0.80 * kComputeEfficiency * 2048.0 / 2112.0), 1e-15);
  EXPECT_NEAR(x.shape_efficiency({129, 256 * 132, 4096}), 129.0 / 256.0, 1e-12);
  const Gemm thin{128, 256 * 132, 16384};
  EXPECT_EQ(x.shape_efficiency(thin), 1.0);
  EXPECT_NEAR(x.gemm_seconds(thin), 2.0 * (128.0 * 16384 + 16384.0 * 33792 + 128.0 * 33792) / (3350e9 * kComputeEfficiency), 1e-15);
  EXPECT_GT(x.gemm_seconds(thin), thin.flops() / (989e12 * 0.80 * kComputeEfficiency));
  JobSpec own;
  own.compute_efficiency = 0.5;
  EXPECT_NEAR(XpuRoofline::of(*cat.find_server("dgx-h100"), own).gemm_seconds(big), big.flops() / (989e12 * 0.80 * 0.5 * 2048.0 / 2112.0), 1e-15);
  JobSpec calibrated;
  calibrated.mfu = 0.4;
  EXPECT_NEAR(XpuRoofline::of(*cat.find_server("dgx-h100"), calibrated).gemm_seconds(big), big.flops() / (989e12 * 0.4), 1e-15);
}

// Llama 3 405B's published shape (126 layers, 16,384 wide, MLP 53,248 gated, 128 heads, 8 KV heads, vocabulary
// 128,256) has 405.8e9 parameters: 126 x (16384 (16384 + 2 x 1024) + 16384^2 + 3 x 16384 x 53248 + 2 x 16384)
// + 2 x 128256 x 16384 + 16384.
TEST(TrainingStep, TransformerArithmetic) {
  JobSpec j;
  j.layers = 126;
  j.hidden = 16384;
  j.ffn_hidden = 53248;
  j.heads = 128;
  j.kv_heads = 8;
  j.vocab = 128256;
  j.gated_mlp = true;
  j.sequence = 8192;
  const Transformer t = Transformer::of(j);
  const double layer = 16384.0 * (16384 + 2 * 1024) + 16384.0 * 16384 + 3.0 * 16384 * 53248 + 2 * 16384;
  EXPECT_DOUBLE_EQ(t.parameters(), 126 * layer + 2.0 * 128256 * 16384 + 16384);
  EXPECT_NEAR(t.parameters() / 1e9, 405.8, 0.1);
  // PaLM's model FLOPs per token: 6 N_layers + 6 V h + 12 l h s.
  EXPECT_DOUBLE_EQ(t.model_flops(1), 6 * 126 * layer + 6.0 * 128256 * 16384 + 12.0 * 126 * 16384 * 8192);
  // Megatron-LM's eq. 3 for its 1T row (160 heads, 25,600 wide, 128 layers, s 2048, V 51,200), per sequence.
  JobSpec m;
  m.layers = 128;
  m.hidden = 25600;
  m.vocab = 51200;
  m.sequence = 2048;
  EXPECT_DOUBLE_EQ(Transformer::of(m).megatron_flops(1), 96.0 * 2048 * 128 * 25600.0 * 25600 * (1 + 2048 / (6 * 25600.0) + 51200 / (16 * 128 * 25600.0)));
}

// The step is its parts: compute (every micro-batch through the slowest stage, and the optimizer), the pipeline's
// fill and drain, and what the step waits for; MFU is the model FLOPs over the step at peak.
TEST(TrainingStep, AStepIsItsParts) {
  const JobSpec job = load_job_spec(source_path("examples/job-13b-dp512.yaml"));
  const StepResult r = step_on("examples/cluster-400g.yaml", job);
  EXPECT_EQ(r.micro_batches, 4);
  EXPECT_EQ(r.step, r.compute + r.bubble + r.exposed);
  EXPECT_EQ(r.bubble.count(), 0);
  EXPECT_NEAR(r.utilisation, r.compute.seconds() / r.step.seconds(), 1e-12);
  EXPECT_NEAR(r.mfu, r.flops / (r.step.seconds() * 1024 * 989e12), 1e-12);
  EXPECT_NEAR(r.tokens_per_s, 2048.0 * 2048 / r.step.seconds(), 1e-6);
  // TP with sequence parallelism: 4 all-gathers and 4 reduce-scatters per layer per micro-batch, none overlapped.
  Picoseconds tp_exposed{0};
  for (const auto& c : r.comms) {
    if (c.parallelism != "tensor") continue;
    EXPECT_EQ(c.count, 4 * 40 * 4) << c.collective;
    EXPECT_EQ(c.exposed.count(), c.total.count()) << c.collective;
    tp_exposed += c.exposed;
  }
  EXPECT_GT(tp_exposed.count(), 0);
  // DP: the gradients (the architecture's 12.6e9 / 2 parameters x 2 bytes) hide only behind the last micro-batch's
  // backward, never all of them (the last 40M-parameter bucket): exposed = max(total x bucket, total - window).
  const StepComm& dp = comm(r, "data");
  const double local = 40 * (12.0 * 5120 * 5120 + 2 * 5120) / 2 + 5120 / 2.0;
  EXPECT_NEAR(static_cast<double>(dp.bytes), 2 * local, 4);
  EXPECT_GE(dp.exposed.seconds(), dp.total.seconds() * 40e6 / local * 0.999);
  // At 100G the reduction outlasts its window, which is one micro-batch's backward: twice its forward, so two thirds
  // of the micro-batch's compute (the optimizer's few milliseconds aside).
  const StepResult slow = step_on("examples/cluster-100g.yaml", job);
  const StepComm& sdp = comm(slow, "data");
  const double window = (sdp.total - sdp.exposed).seconds();
  const double optimizer = 30.0 * slow.parameters / 2 / (3350e9 * kComputeEfficiency);  // Adam over the replica's 6.3e9 parameters
  EXPECT_NEAR(window, 2.0 / 3 * (slow.compute.seconds() - optimizer) / 4, 0.01 * window);
  JobSpec eager = job;
  eager.overlap_grad_reduce = false;
  const StepResult e = step_on("examples/cluster-400g.yaml", eager);
  EXPECT_EQ(comm(e, "data").exposed, comm(e, "data").total);
}

TEST(TrainingStep, From100GTo400GAsTheSeedDescribes) {
  const JobSpec job = load_job_spec(source_path("examples/job-13b-dp512.yaml"));
  const StepResult slow = step_on("examples/cluster-100g.yaml", job);
  const StepResult fast = step_on("examples/cluster-400g.yaml", job);
  // The DP all-reduce runs on rail-aligned rings: 4x the link rate moves the bytes about 4x faster; the ring's
  // latency does not shrink, so the whole all-reduce gains a little less than 4x.
  const double ratio = comm(slow, "data").total.seconds() / comm(fast, "data").total.seconds();
  EXPECT_LT(ratio, 4.0);
  EXPECT_GT(ratio, 3.6);
  // Seed 001: 65% on 100G, 91% on 400G, with the overlap derived.
  EXPECT_NEAR(slow.utilisation, 0.65, 0.04);
  EXPECT_NEAR(fast.utilisation, 0.91, 0.02);
}

// 1F1B leaves (pp - 1) stage times idle; interleaving v chunks per rank divides that by v (Narayanan et al. 2021).
TEST(TrainingStep, PipelineBubbleAndTransfers) {
  JobSpec job = pipelined_13b();
  const StepResult r = step_on("examples/cluster-400g.yaml", job);
  EXPECT_EQ(r.micro_batches, 32);
  EXPECT_NEAR(r.bubble.seconds(), r.stage_time.seconds() * 3, 1e-9);
  const StepComm& pp = comm(r, "pipeline");
  EXPECT_EQ(pp.bytes, 2048LL * 5120 * 2 / 8);  // sequence parallel: each TP rank sends its shard
  EXPECT_EQ(pp.exposed, pp.each * (2 * (32 + 4 - 1)));
  job.virtual_stages = 2;
  const StepResult v = step_on("examples/cluster-400g.yaml", job);
  EXPECT_NEAR(v.bubble.seconds(), v.stage_time.seconds() * 3 / 2, 1e-9);
  EXPECT_EQ(comm(v, "pipeline").exposed, comm(v, "pipeline").each * (2 * (4 * 2 - 1)));
  EXPECT_LT(v.step, r.step);
}

// The step's timeline draws every stage's forward and backward of every micro-batch (pp x 2 x m bars in 1F1B), then
// the step's once-a-step data-parallel collective and the optimizer, and says how long the drawn step lasts.
TEST(TrainingStep, TimelineDrawsEveryOp) {
  const StepResult r = step_on("examples/cluster-400g.yaml", pipelined_13b());
  ASSERT_EQ(r.micro_batches, 32);
  EXPECT_EQ(r.pp, 4);
  EXPECT_NEAR((r.chunk_forward + r.chunk_backward).seconds(), r.stage_time.seconds(), 1e-9);
  const StepTimelineChart chart = step_timeline_chart(r);
  size_t marks = 0;
  for (size_t at = chart.svg.find("<rect class=\"mark\""); at != std::string::npos; at = chart.svg.find("<rect class=\"mark\"", at + 1)) ++marks;
  EXPECT_EQ(marks, 4u * 2 * 32 + 1 + 1);  // every op, the gradients' all-reduce, the optimizer
  EXPECT_NE(chart.caption.find("4 stages, 32 micro-batches in Megatron-LM's 1F1B order"), std::string::npos) << chart.caption;
  EXPECT_NE(chart.svg.find("stage 3"), std::string::npos);
}

// A stated parameter count the architecture contradicts, and layers that do not split into the stages, are
// located errors.
TEST(TrainingStep, InconsistentModelsAreRefused) {
  JobSpec job = load_job_spec(source_path("examples/job-13b-dp512.yaml"));
  job.parameters = 20e9;
  try {
    step_on("examples/cluster-400g.yaml", job);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has 1.258e+10"), std::string::npos) << e.what();
  }
  const std::string text = "model: {layers: 126, hidden: 16384, ffn_hidden: 53248, vocab: 128256}\nbatch: {global: 64}\nparallelism: {pp: 16, dp: 4}\n";
  EXPECT_THROW(parse_job_spec(text, "j.yaml"), InputError);
  const std::string uneven = "model: {layers: 126, hidden: 16384, ffn_hidden: 53248, vocab: 128256}\nbatch: {global: 64}\n"
                             "parallelism: {pp: 16, dp: 4, first_stage_layers: 7, last_stage_layers: 7}\n";
  const JobSpec ok = parse_job_spec(uneven, "j.yaml");
  EXPECT_EQ(ok.first_stage_layers, 7);
}

// Context parallelism on 1,024 H100: a 13B model at 32K sequences, TP 8 x CP 4 x DP 32. Each rank holds 8,192 of a
// sequence's tokens, so its GEMMs are those of an 8K sequence and its attention a quarter of the 32K sequence's
// (4x the 8K one). As a ring, each layer passes keys and values 3 times forward (2 x 8,192 tokens x 5,120 / 8 x 2 B)
// and 3 times backward with their gradients (twice that), each step hidden under one block's attention but for
// what it outlasts; all-gathered, the gather and the gradients' reduce-scatter are waited for. Gradients are reduced
// over the 32 x 4 data- and context-parallel ranks that hold the same weights.
TEST(TrainingStep, ContextParallelism) {
  const std::string text = "model: {layers: 40, hidden: 5120, ffn_hidden: 20480, sequence: 32768}\nbatch: {global: 128, micro: 1}\n"
                           "parallelism: {tp: 8, cp: 4, dp: 32}\ntraining: {distributed_optimizer: false}\n";
  const JobSpec job = parse_job_spec(text, "cp.yaml");
  EXPECT_EQ(job.cp, 4);
  const Catalog& cat = testing::shipped_catalog();
  const XpuRoofline x = XpuRoofline::of(*cat.find_server("dgx-h100"), job);
  JobSpec short_seq = job;
  short_seq.cp = 1;
  short_seq.sequence = 8192;
  JobSpec long_seq = job;
  long_seq.cp = 1;
  const LayerCompute cp4 = layer_compute(job, Transformer::of(job), x), s8k = layer_compute(short_seq, Transformer::of(short_seq), x),
                     s32k = layer_compute(long_seq, Transformer::of(long_seq), x);
  EXPECT_DOUBLE_EQ(cp4.gemm_forward_s, s8k.gemm_forward_s);
  EXPECT_NEAR(cp4.attention_forward_s, s32k.attention_forward_s / 4, 1e-15);
  EXPECT_NEAR(cp4.attention_forward_s, 4 * s8k.attention_forward_s, 1e-15);

  const StepResult r = step_on("examples/cluster-400g.yaml", job);
  EXPECT_EQ(r.micro_batches, 4);
  std::vector<const StepComm*> ring;
  for (const auto& c : r.comms) if (c.parallelism == "context") ring.push_back(&c);
  ASSERT_EQ(ring.size(), 2u);
  const int64_t kv = 2LL * 8192 * 5120 / 8 * 2;
  EXPECT_EQ(ring[0]->bytes, kv);
  EXPECT_EQ(ring[1]->bytes, 2 * kv);
  const double block_f = cp4.attention_forward_s / 4, block_b = cp4.attention_backward_s / 4;
  for (const auto& [c, block] : {std::pair{ring[0], block_f}, std::pair{ring[1], block_b}}) {
    EXPECT_EQ(c->count, 3 * 40 * 4);
    EXPECT_EQ(c->group_size, 4);
    EXPECT_NEAR(c->exposed.seconds(), c->count * std::max(0.0, c->each.seconds() - block), 1e-9 + 1e-12 * c->count);
  }
  const StepComm& dp = comm(r, "data");
  EXPECT_EQ(dp.group_size, 128);
  EXPECT_EQ(dp.collective, "all_reduce");

  JobSpec gathered = job;
  gathered.cp_all_gather = true;
  const StepResult g = step_on("examples/cluster-400g.yaml", gathered);
  int context_rows = 0;
  for (const auto& c : g.comms) {
    if (c.parallelism != "context") continue;
    ++context_rows;
    EXPECT_EQ(c.bytes, 4 * kv) << c.collective;
    EXPECT_EQ(c.count, 40 * 4) << c.collective;
    EXPECT_EQ(c.exposed, c.total) << c.collective;
  }
  EXPECT_EQ(context_rows, 2);

  // The degrees must multiply to the XPU count with CP counted, and the sequence split into 2 x cp chunks.
  JobSpec twice = job;
  twice.dp = 64;
  EXPECT_NE(testing::error_of([&] { step_on("examples/cluster-400g.yaml", twice); }).find("tp 8 x cp 4 x pp 1 x dp 64 = 2048 ranks"), std::string::npos);
  const std::string odd = testing::error_of([&] {
    parse_job_spec("model: {layers: 40, hidden: 5120, ffn_hidden: 20480, sequence: 32768}\nbatch: {global: 128}\nparallelism: {tp: 8, cp: 3, dp: 32}\n", "odd.yaml");
  });
  EXPECT_NE(odd.find("odd.yaml:3:"), std::string::npos) << odd;
  EXPECT_NE(odd.find("parallelism.cp"), std::string::npos) << odd;
}

// FSDP (ZeRO-3) on the 13B job: per layer and micro-batch the layer's weights (its parameters / TP x 2 B) are gathered
// twice and its gradients reduce-scattered once over the 512 data-parallel ranks; a layer waits for the forward
// gather beyond its forward, for the backward's gather and scatter beyond its backward, and each micro-batch for its
// first layer's gather. Nothing is reduced once per step any more.
TEST(TrainingStep, FullyShardedDataParallel) {
  JobSpec job = load_job_spec(source_path("examples/job-13b-dp512.yaml"));
  job.fsdp = true;
  const StepResult r = step_on("examples/cluster-100g.yaml", job);
  const Transformer model = Transformer::of(job);
  const LayerCompute lc = layer_compute(job, model, XpuRoofline::of(*testing::shipped_catalog().find_server("dgx-h100"), job));
  const StepComm *gather = nullptr, *scatter = nullptr;
  for (const auto& c : r.comms) {
    ASSERT_EQ(c.parallelism == "data", c.parallelism != "tensor") << c.parallelism;
    if (c.collective == "all_gather" && c.parallelism == "data") gather = &c;
    if (c.collective == "reduce_scatter" && c.parallelism == "data") scatter = &c;
  }
  ASSERT_NE(gather, nullptr);
  ASSERT_NE(scatter, nullptr);
  const int64_t layer_bytes = static_cast<int64_t>(model.layer_parameters() / 2) * 2;
  EXPECT_EQ(gather->bytes, layer_bytes);
  EXPECT_EQ(scatter->bytes, layer_bytes);
  EXPECT_EQ(gather->group_size, 512);
  EXPECT_EQ(gather->count, 2 * 40 * 4);
  EXPECT_EQ(scatter->count, 40 * 4);
  const double ag = gather->each.seconds(), rs = scatter->each.seconds();
  const double per_micro_batch = 40 * (std::max(0.0, ag - lc.forward_s) + std::max(0.0, ag + rs - lc.backward_s)) + ag;
  EXPECT_NEAR((gather->exposed + scatter->exposed).seconds(), 4 * per_micro_batch, 1e-9);
  EXPECT_GT((gather->exposed + scatter->exposed).count(), 4 * 0.99 * ag * 1e12);
  EXPECT_EQ(r.step, r.compute + r.bubble + r.exposed);
}

// Mixtral 8x7B's published shape (32 layers, hidden 4,096, 8 experts of a 14,336-wide gated MLP, top-2, 32 heads, 8
// KV heads, vocabulary 32,000) has 46.7B parameters of which a token uses 12.9B (Mistral AI, "Mixtral of experts",
// 2023). Its step on 1,024 H100 with TP 8, EP 8, DP 128: the experts' GEMMs run on the tokens routed to a rank's one
// expert (top-2 x tokens x the imbalance), the dispatch and combine all-to-alls carry the busiest rank's share, and
// the experts' gradients are reduced over the 16 ranks that hold the same expert, the dense weights' over all 128.
TEST(TrainingStep, MixtureOfExperts) {
  const std::string text = "model: {layers: 32, hidden: 4096, ffn_hidden: 14336, heads: 32, kv_heads: 8, vocab: 32000, gated_mlp: true, sequence: 4096,\n"
                           "        moe_layers: 32, experts: 8, top_k: 2, expert_imbalance: 1.5}\n"
                           "batch: {global: 1024, micro: 1}\nparallelism: {tp: 8, ep: 8, dp: 128}\n";
  const JobSpec job = parse_job_spec(text, "mixtral.yaml");
  const Transformer model = Transformer::of(job);
  EXPECT_NEAR(model.parameters() / 1e9, 46.7, 0.05);
  const double active = 32 * model.moe_layer_active_parameters() + 2.0 * 32000 * 4096 + 4096;
  EXPECT_NEAR(active / 1e9, 12.9, 0.05);
  EXPECT_NEAR(model.model_flops(1), 6 * 32 * model.moe_layer_active_parameters() + 6.0 * 32000 * 4096 + 12.0 * 32 * 4096 * 4096, 1);
  // One MoE layer's GEMMs on a rank: attention and the router on its 4,096 tokens, its one expert on the
  // 4,096 x 2 x 1.5 token copies routed to it.
  double flops = 0;
  for (const Gemm& g : model.moe_layer_gemms(4096, 8, 8, 1.5)) flops += g.flops();
  const double h = 4096, f = 14336;
  EXPECT_NEAR(flops, 2 * 4096 * (h * (h + 2 * 1024) / 8 + h * h / 8 + h * 8) + 2 * 12288 * (h * 2 * f / 8 + h * f / 8), 1);
  const Catalog& cat = testing::shipped_catalog();
  const XpuRoofline x = XpuRoofline::of(*cat.find_server("dgx-h100"), job);
  JobSpec even = job;
  even.expert_imbalance = 1.0;
  EXPECT_GT(layer_compute(job, model, x).gemm_forward_s, layer_compute(even, model, x).gemm_forward_s);

  const StepResult r = step_on("examples/cluster-400g.yaml", job);
  EXPECT_NEAR(r.parameters / 1e9, 46.7, 0.05);
  const StepComm& a2a = comm(r, "expert");
  EXPECT_EQ(a2a.bytes, static_cast<int64_t>(4096.0 * 4096 * 2 * 2 / 8 * 1.5));
  EXPECT_EQ(a2a.group_size, 8);
  std::vector<const StepComm*> reductions;
  for (const auto& c : r.comms) if (c.parallelism == "data" && c.collective == "reduce_scatter") reductions.push_back(&c);
  ASSERT_EQ(reductions.size(), 2u);
  const double experts = 32 * 8 * 3 * h * f;
  EXPECT_EQ(reductions[0]->group_size, 128);
  EXPECT_NEAR(static_cast<double>(reductions[0]->bytes), (r.parameters - experts) / 8 * 2, 4);
  EXPECT_EQ(reductions[1]->group_size, 16);
  EXPECT_NEAR(static_cast<double>(reductions[1]->bytes), experts / 8 / 8 * 2, 4);

  // Routing and expert parallelism that cannot be: located errors.
  for (const auto& [bad, field] : {std::pair{"moe_layers: 32, top_k: 2", "moe_layers"}, std::pair{"moe_layers: 32, experts: 8, top_k: 9", "top_k"},
                                   std::pair{"moe_layers: 32, experts: 6", "parallelism.ep"}, std::pair{"moe_layers: 32, experts: 8, expert_imbalance: 9", "expert_imbalance"}}) {
    const std::string err = testing::error_of([&] {
      parse_job_spec(fmt::format("model: {{layers: 32, hidden: 4096, ffn_hidden: 14336, vocab: 32000, {}}}\nbatch: {{global: 1024}}\nparallelism: {{tp: 8, ep: 8, dp: 128}}\n", bad), "b.yaml");
    });
    EXPECT_NE(err.find(field), std::string::npos) << bad << ": " << err;
    EXPECT_NE(err.find("b.yaml:"), std::string::npos) << err;
  }
}

TEST(TrainingStep, BadDegreesAreRefused) {
  JobSpec job = load_job_spec(source_path("examples/job-13b-dp512.yaml"));
  job.dp = 64;  // 2 x 1 x 64 = 128 != 1024
  EXPECT_THROW(step_on("examples/cluster-400g.yaml", job), InputError);
  job.dp = 64;
  job.tp = 16;     // crosses the 8-GPU NVLink domain without saying so
  job.heads = 64;  // 80 wide, so 16 TP ranks split them
  try {
    step_on("examples/cluster-400g.yaml", job);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the 8-XPU scale-up domain"), std::string::npos) << e.what();
  }
  job.tp_beyond_scale_up = true;
  EXPECT_NO_THROW(step_on("examples/cluster-400g.yaml", job));
}

}  // namespace aifabric
