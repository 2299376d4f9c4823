// Transformer shapes and work per layer, micro-batch and tensor-parallel rank.
#include "workload/transformer_cost.h"

#include <algorithm>
#include <cmath>

namespace aifabric {

Transformer Transformer::of(const JobSpec& job) {
  Transformer t;
  t.layers = job.layers;
  t.hidden = job.hidden;
  t.ffn = job.ffn_hidden > 0 ? job.ffn_hidden : 4LL * job.hidden;
  t.heads = job.heads > 0 ? job.heads : std::max<int64_t>(1, job.hidden / 128);
  t.kv_heads = job.kv_heads > 0 ? job.kv_heads : t.heads;
  t.vocab = job.vocab;
  t.sequence = job.sequence;
  t.gated_mlp = job.gated_mlp;
  t.moe_layers = job.moe_layers;
  t.experts = job.experts;
  t.shared_experts = job.shared_experts;
  t.expert_ffn = job.expert_ffn_hidden > 0 ? job.expert_ffn_hidden : t.ffn;
  t.top_k = job.top_k;
  return t;
}

double Transformer::layer_parameters() const {
  const double h = static_cast<double>(hidden);
  const double attention = h * (h + 2.0 * static_cast<double>(kv_dim())) + h * h;
  const double mlp = (gated_mlp ? 3.0 : 2.0) * h * static_cast<double>(ffn);
  return attention + mlp + 2.0 * h;
}

double Transformer::expert_parameters() const { return (gated_mlp ? 3.0 : 2.0) * static_cast<double>(hidden) * static_cast<double>(expert_ffn); }

double Transformer::moe_layer_parameters() const {
  const double dense_mlp = (gated_mlp ? 3.0 : 2.0) * static_cast<double>(hidden) * static_cast<double>(ffn);
  return layer_parameters() - dense_mlp + static_cast<double>(hidden) * static_cast<double>(experts) +
         static_cast<double>(experts + shared_experts) * expert_parameters();
}

double Transformer::moe_layer_active_parameters() const {
  return moe_layer_parameters() - static_cast<double>(experts - top_k) * expert_parameters();
}

double Transformer::routed_expert_parameters() const { return moe_layers * static_cast<double>(experts) * expert_parameters(); }

double Transformer::parameters() const {
  return (layers - moe_layers) * layer_parameters() + moe_layers * moe_layer_parameters() + 2.0 * static_cast<double>(vocab) * static_cast<double>(hidden) +
         static_cast<double>(hidden);
}

std::vector<Gemm> Transformer::layer_gemms(int64_t tokens, int tp) const {
  const int64_t t = tp;
  return {
      {tokens, (hidden + 2 * kv_dim()) / t, hidden},         // Q, K, V projections (column parallel)
      {tokens, hidden, hidden / t},                          // attention output (row parallel)
      {tokens, (gated_mlp ? 2 : 1) * ffn / t, hidden},       // MLP up (and gate)
      {tokens, hidden, ffn / t},                             // MLP down (row parallel)
  };
}

std::vector<Gemm> Transformer::moe_layer_gemms(int64_t tokens, int tp, int ep, double imbalance) const {
  const int64_t t = tp;
  std::vector<Gemm> g = {
      {tokens, (hidden + 2 * kv_dim()) / t, hidden},  // Q, K, V projections
      {tokens, hidden, hidden / t},                   // attention output
      {tokens, experts, hidden},                      // the router
  };
  if (shared_experts > 0) {
    g.push_back({tokens, (gated_mlp ? 2 : 1) * shared_experts * expert_ffn / t, hidden});
    g.push_back({tokens, hidden, shared_experts * expert_ffn / t});
  }
  const int64_t local = std::max<int64_t>(1, experts / ep);
  const double routed = static_cast<double>(tokens) * top_k * imbalance;  // token copies arriving at this rank's experts
  const int64_t per_expert = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(routed / static_cast<double>(local))));
  for (int64_t e = 0; e < local; ++e) {
    g.push_back({per_expert, (gated_mlp ? 2 : 1) * expert_ffn / t, hidden});
    g.push_back({per_expert, hidden, expert_ffn / t});
  }
  return g;
}

Gemm Transformer::logits_gemm(int64_t tokens, int tp) const { return {tokens, vocab / tp, hidden}; }

double Transformer::attention_flops(int64_t sequences, int tp, bool causal) const {
  const double s = static_cast<double>(sequence);
  const double full = 4.0 * static_cast<double>(sequences) * s * s * static_cast<double>(hidden) / tp;
  return causal ? full / 2 : full;
}

double Transformer::layer_elementwise_bytes(int64_t tokens, int tp, bool sequence_parallel, double mlp_width) const {
  const double x = static_cast<double>(tokens);
  const double h_rank = static_cast<double>(hidden) / (sequence_parallel ? tp : 1);
  const double f_rank = (mlp_width > 0 ? mlp_width : static_cast<double>(ffn)) / tp;
  const double qk_rank = static_cast<double>(hidden + kv_dim()) / tp;
  // Elements read and written, 2 bytes each: two norms (read, write), two residual adds (read 2, write 1), the MLP
  // activation (gated: read 2, write 1; else read 1, write 1), rotary embedding of Q and K (read, write).
  const double elements = x * (2 * 2 * h_rank + 2 * 3 * h_rank + (gated_mlp ? 3 : 2) * f_rank + 2 * qk_rank);
  return 2.0 * elements;
}

double Transformer::model_flops(double tokens, bool causal_attention) const {
  const double s = static_cast<double>(sequence), h = static_cast<double>(hidden);
  const double active = (layers - moe_layers) * layer_parameters() + (moe_layers > 0 ? moe_layers * moe_layer_active_parameters() : 0.0);
  return tokens * (6.0 * active + 6.0 * static_cast<double>(vocab) * h + (causal_attention ? 6.0 : 12.0) * layers * h * s);
}

double Transformer::megatron_flops(double sequences) const {
  const double s = static_cast<double>(sequence), h = static_cast<double>(hidden), l = layers, v = static_cast<double>(vocab);
  return 96.0 * sequences * s * l * h * h * (1 + s / (6 * h) + v / (16 * l * h));
}

}  // namespace aifabric
