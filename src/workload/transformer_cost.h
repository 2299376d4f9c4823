// A decoder-only transformer's shapes and work: parameters, the GEMMs, attention and memory traffic of one layer
// for one micro-batch on one tensor-parallel rank, and the FLOP counts the literature reports throughput in.
#pragma once

#include <cstdint>
#include <vector>

#include "workload/job_spec.h"

namespace aifabric {

// One matrix multiply C[m x n] = A[m x k] B[k x n], as a GPU kernel runs it.
struct Gemm {
  int64_t m = 0, n = 0, k = 0;
  double flops() const { return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k); }
};

struct Transformer {
  int layers = 0;
  int64_t hidden = 0, ffn = 0, heads = 0, kv_heads = 0, vocab = 0, sequence = 0;
  bool gated_mlp = false;
  // Mixture of experts (JobSpec): MoE layers, routed and shared experts, an expert's MLP width, routing.
  int moe_layers = 0;
  int64_t experts = 0, shared_experts = 0, expert_ffn = 0;
  int top_k = 1;

  static Transformer of(const JobSpec& job);
  int64_t head_dim() const { return hidden / heads; }
  int64_t kv_dim() const { return kv_heads * head_dim(); }
  double layer_parameters() const;  // a dense layer: attention and MLP weights and the two norms
  double expert_parameters() const;  // one expert's MLP
  // An MoE layer: attention, norms, the router, every routed and shared expert; and what one token uses of it.
  double moe_layer_parameters() const;
  double moe_layer_active_parameters() const;
  double parameters() const;        // every layer, the embedding and (untied) output layer
  double routed_expert_parameters() const;  // all MoE layers' routed experts (what expert parallelism splits)

  // One layer's forward GEMMs for `tokens` tokens on one of `tp` tensor-parallel ranks (the full sequence after
  // sequence parallelism's all-gather): QKV, attention output, MLP up (with gate) and down.
  std::vector<Gemm> layer_gemms(int64_t tokens, int tp) const;
  // An MoE layer's GEMMs on one rank of `ep` expert-parallel ranks: attention as a dense layer's, the router, the
  // shared experts on every token, and the rank's experts / ep routed experts on the tokens routed to them, the
  // busiest rank's `imbalance` times the mean (top_k x tokens x imbalance over the rank's experts).
  std::vector<Gemm> moe_layer_gemms(int64_t tokens, int tp, int ep, double imbalance) const;
  Gemm logits_gemm(int64_t tokens, int tp) const;
  // Attention scores and values for `sequences` sequences on one rank: 4 b s^2 h / tp, halved when causal (what a
  // causal flash-attention kernel computes).
  double attention_flops(int64_t sequences, int tp, bool causal) const;
  // Bytes one layer's forward moves through memory outside the GEMMs and attention (norms, residual adds, the
  // MLP activation, rotary embedding), for `tokens` tokens on one rank; sequence parallelism splits the norms
  // and residuals over the tensor-parallel ranks. `mlp_width`: the MLP activations' width per token when not the
  // dense ffn (an MoE layer's experts that a token passes through).
  double layer_elementwise_bytes(int64_t tokens, int tp, bool sequence_parallel, double mlp_width = 0) const;

  // Model FLOPs per step for `tokens` tokens, forward and backward (3 passes), attention counted without the
  // causal mask and the output layer included (PaLM's convention for MFU): 6 N_layers + 6 V h + 12 l h s per token,
  // N_layers the parameters a token passes through (an MoE layer's top-k and shared experts, not all of them).
  // With `causal_attention`, the attention term is halved (6 l h s), as a causal kernel computes it.
  double model_flops(double tokens, bool causal_attention = false) const;
  // Megatron-LM's count (Narayanan et al. 2021, eq. 3): 96 B s l h^2 (1 + s / 6h + V / 16 l h), which assumes
  // full recomputation (4 passes) and a 4h non-gated MLP; the paper's teraFLOP/s are this over the step time.
  double megatron_flops(double sequences) const;
};

}  // namespace aifabric
