// Job spec parsing: YAML to JobSpec with ranges and located errors.
#include "workload/job_spec.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "core/yaml_reader.h"

namespace aifabric {

JobSpec parse_job_spec(const std::string& text, const std::string& file) {
  const YAML::Node root = parse_yaml(text, file);
  MapReader doc(root, file, "");
  JobSpec j;
  j.file = file;
  j.where = doc.location();
  j.name = doc.string("name", std::filesystem::path(file).stem().string());
  if (!doc.has("model")) doc.fail_here("needs a 'model' section (parameters, layers, hidden)");
  MapReader m = doc.child("model");
  j.parameters_where = m.location_of("parameters");
  j.parameters = m.number("parameters", 0, 1e6, 1e15);
  j.layers = static_cast<int>(m.required_integer("layers", 1, 100000));
  j.hidden = static_cast<int>(m.required_integer("hidden", 64, 1'000'000));
  j.ffn_hidden = static_cast<int>(m.integer("ffn_hidden", 0, 0, 10'000'000));
  j.heads = static_cast<int>(m.integer("heads", 0, 0, 100000));
  j.kv_heads = static_cast<int>(m.integer("kv_heads", 0, 0, 100000));
  j.vocab = m.integer("vocab", 0, 0, 100'000'000);
  j.gated_mlp = m.boolean("gated_mlp", false);
  j.sequence = static_cast<int>(m.integer("sequence", 4096, 1, 10'000'000));
  j.moe_layers = static_cast<int>(m.integer("moe_layers", 0, 0, 100000));
  j.experts = static_cast<int>(m.integer("experts", 0, 1, 1 << 16));
  j.expert_ffn_hidden = static_cast<int>(m.integer("expert_ffn_hidden", 0, 1, 10'000'000));
  j.shared_experts = static_cast<int>(m.integer("shared_experts", 0, 0, 1024));
  j.top_k = static_cast<int>(m.integer("top_k", 2, 1, 64));
  j.expert_imbalance = m.number("expert_imbalance", 1.0, 1.0, 1e6);
  const SourceLocation imbalance_where = m.location_of("expert_imbalance");
  if (j.moe_layers > j.layers) m.fail("moe_layers", fmt::format("{} MoE layers exceed the model's {} layers", j.moe_layers, j.layers));
  if (j.moe_layers > 0 && j.experts == 0) m.fail("moe_layers", "MoE layers need 'experts' (routed experts per MoE layer)");
  if (j.moe_layers == 0 && j.experts > 0) m.fail("experts", "experts need 'moe_layers' (how many layers have them)");
  if (j.experts > 0 && j.top_k > j.experts) m.fail("top_k", fmt::format("top-{} routing needs at least {} experts, not {}", j.top_k, j.top_k, j.experts));
  const int heads = j.heads > 0 ? j.heads : std::max(1, j.hidden / 128);
  if (j.hidden % heads != 0) m.fail("heads", fmt::format("{} heads do not divide the hidden size {}", heads, j.hidden));
  if (j.kv_heads > 0 && heads % j.kv_heads != 0) m.fail("kv_heads", fmt::format("{} key/value heads do not divide the {} attention heads", j.kv_heads, heads));
  if (!m.has("parameters") && !m.has("ffn_hidden") && !m.has("vocab")) {
    m.fail_here("needs the architecture (ffn_hidden, vocab; heads, kv_heads, gated_mlp as they apply) or at least 'parameters'");
  }
  m.finish();
  MapReader b = doc.child("batch");
  if (!doc.has("batch")) doc.fail_here("needs a 'batch' section (global, micro)");
  j.global_batch = b.required_integer("global", 1, int64_t{1} << 40);
  j.micro_batch = static_cast<int>(b.integer("micro", 1, 1, 1 << 20));
  b.finish();
  MapReader p = doc.child("parallelism");
  j.degrees_where = p.location();
  j.tp = static_cast<int>(p.integer("tp", 1, 1, 1 << 20));
  j.tp_where = p.location_of("tp");
  j.cp = static_cast<int>(p.integer("cp", 1, 1, 1 << 16));
  const SourceLocation cp_where = p.location_of("cp");
  j.cp_all_gather = p.choice("cp_comm", "ring", {"ring", "all_gather"}) == "all_gather";
  j.pp = static_cast<int>(p.integer("pp", 1, 1, 1 << 20));
  j.dp = static_cast<int>(p.integer("dp", 1, 1, 1 << 24));
  j.ep = static_cast<int>(p.integer("ep", 1, 1, 1 << 20));
  j.virtual_stages = static_cast<int>(p.integer("virtual_stages", 1, 1, 1024));
  j.first_stage_layers = static_cast<int>(p.integer("first_stage_layers", 0, 1, 100000));
  j.last_stage_layers = static_cast<int>(p.integer("last_stage_layers", 0, 1, 100000));
  j.sequence_parallel = p.boolean("sequence_parallel", true);
  j.tp_beyond_scale_up = p.boolean("tp_beyond_scale_up", false);
  const SourceLocation pp_where = p.location_of("pp"), vs_where = p.location_of("virtual_stages");
  const SourceLocation first_where = p.location_of("first_stage_layers");
  p.finish();
  MapReader t = doc.child("training");
  const std::string recompute = t.choice("recompute", "none", {"none", "selective", "full"});
  j.recompute = recompute == "full" ? Recompute::Full : recompute == "selective" ? Recompute::Selective : Recompute::None;
  j.distributed_optimizer = t.boolean("distributed_optimizer", true);
  j.fsdp = t.boolean("fsdp", false);
  j.tp_comm_overlap = t.boolean("tp_comm_overlap", false);
  j.overlap_grad_reduce = t.boolean("overlap_grad_reduce", true);
  j.overlap_param_gather = t.boolean("overlap_param_gather", true);
  j.compute_efficiency = t.number("compute_efficiency", 0, 0.05, 1.0);
  t.finish();
  MapReader x = doc.child("xpu");
  j.tflops = x.number("tflops", 0, 0, 1e7);
  j.mfu = x.number("mfu", 0, 0.01, 1.0);
  x.finish();
  MapReader c = doc.child("communication");
  j.grad_bytes = static_cast<int>(c.integer("grad_bytes", 2, 1, 8));
  j.dp_algorithm = c.choice("dp_algorithm", "ring", {"ring", "tree", "halving-doubling", "hierarchical", "direct"});
  c.finish();
  doc.finish();
  // Pipeline stages: the layers split evenly over pp x virtual_stages chunks, after the first and last stages'.
  if (j.virtual_stages > 1 && j.pp < 2) throw InputError(vs_where, "parallelism.virtual_stages", "interleaving needs a pipeline: pp of 2 or more");
  if ((j.first_stage_layers > 0 || j.last_stage_layers > 0) && j.pp < 3) {
    throw InputError(first_where, "parallelism.first_stage_layers", "uneven first and last stages need pp of 3 or more (a middle stage to compare them with)");
  }
  const int middle = j.layers - j.first_stage_layers - j.last_stage_layers;
  const int middle_stages = j.pp - (j.first_stage_layers > 0 ? 1 : 0) - (j.last_stage_layers > 0 ? 1 : 0);
  // (With virtual stages, a shorter first or last stage is shorter in its first or last chunk, as Megatron's
  // uneven pipeline splits it.)
  if (middle <= 0 || middle % (middle_stages * j.virtual_stages) != 0 || (j.first_stage_layers > 0 && j.first_stage_layers < j.virtual_stages) ||
      (j.last_stage_layers > 0 && j.last_stage_layers < j.virtual_stages)) {
    throw InputError(pp_where, "parallelism.pp",
                     fmt::format("{} layers do not split into {} pipeline stages x {} virtual stages{}; the middle stages' layers must divide by virtual_stages, and the first and last stages need a layer per virtual stage", j.layers,
                                 j.pp, j.virtual_stages,
                                 j.first_stage_layers + j.last_stage_layers > 0 ? fmt::format(" after {} first-stage and {} last-stage layers", j.first_stage_layers, j.last_stage_layers) : ""));
  }
  // Sizes the step model multiplies: a micro-batch's activations (times top-k for the expert all-to-all).
  const double activation = 2.0 * j.micro_batch * j.sequence * static_cast<double>(j.hidden) * j.top_k;
  if (activation > static_cast<double>(int64_t{1} << 44)) {
    throw InputError(b.location_of("micro"), "batch.micro",
                     fmt::format("a micro-batch's activations would be {:.3g} bytes (micro x sequence x hidden x 2 bytes x top-k); at most 2^44", activation));
  }
  // Batch arithmetic.
  const int64_t per_replica = static_cast<int64_t>(j.dp) * j.micro_batch;
  if (j.global_batch % per_replica != 0) {
    throw InputError(b.location(), "batch.global",
                     fmt::format("{} sequences do not split into {} data-parallel replicas x micro-batches of {}; use a multiple of {}",
                                 j.global_batch, j.dp, j.micro_batch, per_replica));
  }
  if (j.dp % j.ep != 0) throw InputError(p.location_of("ep"), "parallelism.ep", fmt::format("ep {} must divide dp {}", j.ep, j.dp));
  if (j.ep > 1 && j.moe_layers == 0) throw InputError(p.location_of("ep"), "parallelism.ep", "expert parallelism needs MoE layers (model.moe_layers, model.experts)");
  if (j.ep > 1 && j.experts % j.ep != 0) {
    throw InputError(p.location_of("ep"), "parallelism.ep", fmt::format("ep {} must divide the {} experts (each rank holds whole experts)", j.ep, j.experts));
  }
  if (j.expert_imbalance > std::max(1, j.ep)) {
    throw InputError(imbalance_where, "model.expert_imbalance",
                     fmt::format("{} is more than the {} expert-parallel ranks: the busiest rank cannot get more than all the tokens", j.expert_imbalance, j.ep));
  }
  if (j.fsdp && j.ep > 1) throw InputError(p.location_of("ep"), "parallelism.ep", "FSDP with expert parallelism is not modelled; use the distributed optimizer");
  // Context parallelism splits each sequence into 2 x cp chunks (a rank takes one from each end, so causal attention's
  // work is even across the ranks, as Megatron-LM and Transformer Engine split it).
  if (j.cp > 1 && j.sequence % (2 * j.cp) != 0) {
    throw InputError(cp_where, "parallelism.cp", fmt::format("cp {} needs the sequence ({}) to split into 2 x cp = {} equal chunks", j.cp, j.sequence, 2 * j.cp));
  }
  return j;
}

JobSpec load_job_spec(const std::string& path) { return parse_job_spec(read_text_file(path, "job spec"), path); }

}  // namespace aifabric
