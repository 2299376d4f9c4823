// Megatron-LM's pipeline schedules as closed forms: 1F1B and interleaved 1F1B (Narayanan et al. 2021, section 2.2).
#pragma once

#include <cstdint>

namespace aifabric {

// m micro-batches through pp stages, each stage holding v model chunks (v = 1: plain 1F1B), with `stage_s` the
// slowest stage's forward and backward of one micro-batch over all its chunks: every stage is busy m x stage_s,
// and the fill and drain leave it idle (pp - 1) / v x stage_s (the bubble fraction (pp - 1) / (v m) of the paper).
inline double pipeline_busy_seconds(int64_t m, double stage_s) { return static_cast<double>(m) * stage_s; }
inline double pipeline_bubble_seconds(int pp, int v, double stage_s) { return (pp - 1) * stage_s / v; }

// Point-to-point transfers on the critical path. Plain 1F1B blocks on its sends: each of the m + pp - 1 slots
// waits for one each way. Interleaved 1F1B overlaps the steady state's sends with compute (Megatron's
// --overlap-p2p-communication); the fill and the drain still cross every chunk boundary, pp v - 1 each way.
inline int64_t pipeline_exposed_sends(int64_t m, int pp, int v) {
  if (pp < 2) return 0;
  return v == 1 ? 2 * (m + pp - 1) : 2 * (static_cast<int64_t>(pp) * v - 1);
}

}  // namespace aifabric
