// Megatron-LM's 1F1B and interleaved pipeline orders, timed op by op from their dependencies.
#include "workload/pipeline_timeline.h"

#include <algorithm>
#include <stdexcept>

namespace aifabric {

std::vector<PipelineOp> pipeline_timeline(int pp, int virtual_stages, int64_t micro_batches, double forward_s, double backward_s, double send_s) {
  const int v = virtual_stages;
  const int64_t m = micro_batches;
  if (pp < 1 || v < 1 || m < 1) throw std::invalid_argument("pipeline_timeline: pp, virtual stages and micro-batches must be positive");
  if (v > 1 && m % pp != 0) throw std::invalid_argument("pipeline_timeline: interleaving needs the micro-batches to be a multiple of pp");
  const int64_t per_rank = m * v;  // forwards (and backwards) each rank runs
  // The k-th forward or backward of a rank: its chunk and micro-batch (Megatron's get_model_chunk_id and
  // get_microbatch_id_in_model_chunk).
  auto chunk_of = [&](int64_t k, bool backward) {
    if (v == 1) return 0;
    const int c = static_cast<int>((k / pp) % v);
    return backward ? v - 1 - c : c;
  };
  auto micro_of = [&](int64_t k) { return v == 1 ? k : (k / (static_cast<int64_t>(pp) * v)) * pp + k % pp; };
  std::vector<std::vector<PipelineOp>> order(static_cast<size_t>(pp));
  for (int r = 0; r < pp; ++r) {
    const int64_t warm = v == 1 ? std::min<int64_t>(pp - r - 1, m) : std::min<int64_t>(static_cast<int64_t>(pp - r - 1) * 2 + static_cast<int64_t>(v - 1) * pp, per_rank);
    auto& ops = order[static_cast<size_t>(r)];
    ops.reserve(static_cast<size_t>(2 * per_rank));
    auto push = [&](int64_t k, bool backward) { ops.push_back({r, chunk_of(k, backward), micro_of(k), backward, 0, 0}); };
    int64_t f = 0, b = 0;
    for (; f < warm; ++f) push(f, false);
    while (f < per_rank) {
      push(f++, false);
      push(b++, true);
    }
    while (b < per_rank) push(b++, true);
  }
  // End times of every (rank, chunk, micro-batch) forward and backward; < 0: not run yet.
  const auto at = [&](int r, int c, int64_t i) { return (static_cast<size_t>(r) * v + static_cast<size_t>(c)) * static_cast<size_t>(m) + static_cast<size_t>(i); };
  std::vector<double> fwd_end(static_cast<size_t>(pp) * v * m, -1), bwd_end(fwd_end.size(), -1);
  // When an op's input is ready (< 0: not yet).
  auto ready = [&](const PipelineOp& op) -> double {
    if (!op.backward) {
      if (op.stage > 0) { const double e = fwd_end[at(op.stage - 1, op.chunk, op.micro)]; return e < 0 ? -1 : e + send_s; }
      if (op.chunk > 0) { const double e = fwd_end[at(pp - 1, op.chunk - 1, op.micro)]; return e < 0 ? -1 : e + send_s; }
      return 0;
    }
    if (op.stage < pp - 1) { const double e = bwd_end[at(op.stage + 1, op.chunk, op.micro)]; return e < 0 ? -1 : e + send_s; }
    if (op.chunk < v - 1) { const double e = bwd_end[at(0, op.chunk + 1, op.micro)]; return e < 0 ? -1 : e + send_s; }
    return fwd_end[at(pp - 1, v - 1, op.micro)];  // the loss: the same rank's last forward of this micro-batch
  };
  std::vector<size_t> next(static_cast<size_t>(pp), 0);
  std::vector<double> free_at(static_cast<size_t>(pp), 0);
  size_t left = static_cast<size_t>(pp) * 2 * static_cast<size_t>(per_rank);
  while (left > 0) {
    bool progress = false;
    for (int r = 0; r < pp; ++r) {
      auto& ops = order[static_cast<size_t>(r)];
      size_t& k = next[static_cast<size_t>(r)];
      while (k < ops.size()) {
        PipelineOp& op = ops[k];
        const double in = ready(op);
        if (in < 0) break;
        op.start = std::max(in, free_at[static_cast<size_t>(r)]);
        op.end = op.start + (op.backward ? backward_s : forward_s);
        free_at[static_cast<size_t>(r)] = op.end;
        (op.backward ? bwd_end : fwd_end)[at(r, op.chunk, op.micro)] = op.end;
        ++k;
        --left;
        progress = true;
      }
    }
    if (!progress) throw std::logic_error("pipeline_timeline: the schedule deadlocked");
  }
  std::vector<PipelineOp> out;
  out.reserve(static_cast<size_t>(pp) * 2 * static_cast<size_t>(per_rank));
  for (auto& ops : order) out.insert(out.end(), ops.begin(), ops.end());
  return out;
}

}  // namespace aifabric
