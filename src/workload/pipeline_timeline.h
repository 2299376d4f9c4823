// One training step's pipeline, op by op: every stage's forwards and backwards of every micro-batch and model chunk
// in Megatron-LM's order (1F1B, or interleaved 1F1B with virtual stages), timed by their dependencies.
#pragma once

#include <cstdint>
#include <vector>

namespace aifabric {

struct PipelineOp {
  int stage = 0;        // pipeline rank
  int chunk = 0;        // model chunk on that rank (0 .. virtual_stages - 1)
  int64_t micro = 0;    // micro-batch
  bool backward = false;
  double start = 0, end = 0;  // seconds from the step's start
};

// Megatron-LM's order on each pipeline rank (schedules.py): plain 1F1B warms up with pp - rank - 1 forwards; the
// interleaved schedule with (pp - rank - 1) x 2 + (v - 1) x pp, its k-th forward on chunk (k / pp) % v and its k-th
// backward on chunk v - 1 - (k / pp) % v; then one forward, one backward, until the forwards run out, then the
// remaining backwards. A forward of chunk c on rank r waits for the same micro-batch's forward on the chunk before
// (rank r - 1, or rank pp - 1 of chunk c - 1), a backward for the chunk after's, each `send_s` later when it crosses
// ranks. `forward_s` and `backward_s` are one micro-batch through one chunk. Interleaving needs m to be a multiple of
// pp (as Megatron requires). Returns every op, rank by rank in the order each rank runs them.
std::vector<PipelineOp> pipeline_timeline(int pp, int virtual_stages, int64_t micro_batches, double forward_s, double backward_s, double send_s);

}  // namespace aifabric
