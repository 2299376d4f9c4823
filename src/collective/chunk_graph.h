// A schedule as a dependency graph of chunk transfers: what a pipelined execution runs, chunk by chunk.
//
// Every transfer of every step of every phase is cut into the same number of slices (NCCL's loops: the buffer is
// moved a slice at a time, each slice through every step). An op is one slice of one transfer in one step. It waits
// for two kinds of predecessors:
//  - data: what must have arrived where it starts (its source XPU, or the switch or network that reduces): in the
//    same step, the lower stages of its channel that deliver there; at the first stage of a step, everything the
//    previous step delivered there on its channel; at the first step of a phase, everything the previous phase
//    delivered there, all its slices (phases follow one another; slices pipeline inside a phase). A reduction point (NVLink switch, network) waits for every channel's contribution.
//  - order: the same transfer's previous step, or for the first step the previous slice's last one (a connection
//    moves its slices and steps in order, as NCCL's FIFO does).
// Latency goes on data edges only (a chunk in flight does not stop its sender), bandwidth is shared by the ops in
// flight: a chain pays each hop's latency once, and its slices stream behind the first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collective/schedule.h"

namespace aifabric {

struct ChunkGraph {
  struct Op {
    uint32_t phase = 0, transfer = 0;  // the schedule's transfer this op is a slice of
    int64_t bytes = 0;                 // wire bytes of this slice
  };
  static constexpr uint32_t kOrderEdge = 0x8000'0000u;  // set on a successor reached by an order edge (no latency)

  int slices = 1;
  std::vector<Op> ops;
  std::vector<uint32_t> waits;        // per op: how many predecessors it waits for
  std::vector<uint64_t> next_begin;   // CSR: successors of op o are next[next_begin[o] .. next_begin[o + 1])
  std::vector<uint32_t> next;         // op id, | kOrderEdge for order edges
  size_t size() const { return ops.size(); }
};

// The bytes of one slice of a phase's transfers (wire bytes), as NCCL cuts them:
//  - a streamed phase (one pass along a chain or tree, NVLS, CollNet) forwards each unit as it lands: with Simple
//    one FIFO slot (the 4 MiB buffer over NCCL_STEPS = 8), which trees halve down to 32 KiB while there are fewer
//    than 8 (4, 1) units per channel per tree level (enqueue.cc); with LL and LL128 each line carries its own flag,
//    so a warp forwards its share of a step (LL: 8 lines x 32 threads x 16 B = 4 KiB; LL128: 120 elements x 32
//    threads x 8 B = 30 KiB), and a transfer smaller than that is cut into 8 slices all the same (slices_for);
//  - a phase of steps (a ring, or a step-synchronous exchange) moves one chunk per step per loop and forwards it
//    whole: Simple 4 slots for ring all-reduce, reduce-scatter and all-gather (ALLREDUCE_CHUNKSTEPS), else 1; LL
//    and LL128 one slot (LL 64 KiB, LL128 614,400 B). Forwarding a ring step whole charges its latency in full,
//    as NCCL's tuning model does; NCCL's slices inside a step would hide part of it (not modelled).
int64_t slice_bytes(const Schedule& s, const Phase& ph);

// Ops one slice of every transfer and step needs (sum of transfers x repeat over the phases).
int64_t ops_per_slice(const Schedule& s);

// The graph with `slices` slices per transfer; `domain` is the scale-up domain size (XPUs per NVLink switch).
// Throws std::invalid_argument when it would hold more than `max_ops` ops.
ChunkGraph build_chunk_graph(const Schedule& s, uint32_t domain, int slices, int64_t max_ops);

// Slices as NCCL would cut the transfers (the most any phase needs), at most what `max_ops` allows (at least 1).
int slices_for(const Schedule& s, int64_t max_ops);

}  // namespace aifabric
