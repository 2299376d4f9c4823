// Transformer shapes and work per layer, micro-batch and tensor-parallel rank.
#include "workload/transformer_cost.h"

#include <algorithm>

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
  return t;
}

double Transformer::layer_parameters() const {
  const double h = static_cast<double>(hidden);
  const double attention = h * (h + 2.0 * static_cast<double>(kv_dim())) + h * h;
  const double mlp = (gated_mlp ? 3.0 : 2.0) * h * static_cast<double>(ffn);
  return attention + mlp + 2.0 * h;
}

double Transformer::parameters() const {
  return layers * layer_parameters() + 2.0 * static_cast<double>(vocab) * static_cast<double>(hidden) + static_cast<double>(hidden);
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

Gemm Transformer::logits_gemm(int64_t tokens, int tp) const { return {tokens, vocab / tp, hidden}; }

double Transformer::attention_flops(int64_t sequences, int tp, bool causal) const {
  const double s = static_cast<double>(sequence);
  const double full = 4.0 * static_cast<double>(sequences) * s * s * static_cast<double>(hidden) / tp;
  return causal ? full / 2 : full;
}

double Transformer::layer_elementwise_bytes(int64_t tokens, int tp, bool sequence_parallel) const {
  const double x = static_cast<double>(tokens);
  const double h_rank = static_cast<double>(hidden) / (sequence_parallel ? tp : 1);
  const double f_rank = static_cast<double>(ffn) / tp;
  const double qk_rank = static_cast<double>(hidden + kv_dim()) / tp;
  // Elements read and written, 2 bytes each: two norms (read, write), two residual adds (read 2, write 1), the MLP
  // activation (gated: read 2, write 1; else read 1, write 1), rotary embedding of Q and K (read, write).
  const double elements = x * (2 * 2 * h_rank + 2 * 3 * h_rank + (gated_mlp ? 3 : 2) * f_rank + 2 * qk_rank);
  return 2.0 * elements;
}

double Transformer::model_flops(double tokens, bool causal_attention) const {
  const double s = static_cast<double>(sequence), h = static_cast<double>(hidden);
  return tokens * (6.0 * layers * layer_parameters() + 6.0 * static_cast<double>(vocab) * h + (causal_attention ? 6.0 : 12.0) * layers * h * s);
}

double Transformer::megatron_flops(double sequences) const {
  const double s = static_cast<double>(sequence), h = static_cast<double>(hidden), l = layers, v = static_cast<double>(vocab);
  return 96.0 * sequences * s * l * h * h * (1 + s / (6 * h) + v / (16 * l * h));
}

}  // namespace aifabric
