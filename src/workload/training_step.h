// One training step on a planned fabric: compute, each parallelism's collectives timed by a backend, exposed
// communication, step time and XPU utilisation.
#pragma once

#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "plan/plan.h"
#include "workload/job_spec.h"

namespace aifabric {

struct StepComm {
  std::string parallelism;   // "tensor", "context", "pipeline", "data", "expert"
  std::string collective;    // "all_reduce", "sendrecv", "alltoall"
  int64_t group_size = 0;
  int64_t bytes = 0;         // per rank, per operation
  int64_t count = 0;         // operations per step
  Picoseconds each;          // one operation, all groups at once
  Picoseconds total;         // count x each
  Picoseconds exposed;       // what the step waits for
  double busbw_gbs = 0;      // of one operation, NCCL-tests convention
  std::string explanation;
};

struct StepResult {
  std::string job, fabric, backend;
  int64_t xpus = 0;
  int64_t micro_batches = 0;
  int virtual_stages = 1;
  std::string stages;         // layers per pipeline stage, e.g. "7 + 14 x 8 + 7"
  std::string compute_model;  // how compute was timed (the roofline, or the mfu override)
  double flops = 0;           // model FLOPs per step, whole job (PaLM's convention; no recomputation)
  double parameters = 0;
  double tokens = 0;          // per step
  Picoseconds stage_time;     // the slowest stage: forward and backward of one micro-batch, its exposed TP/EP included
  Picoseconds compute;        // per XPU on the critical stage: every micro-batch's forward and backward, the optimizer
  Picoseconds bubble;         // pipeline fill and drain
  Picoseconds exposed;        // communication the step waits for
  Picoseconds step;
  double utilisation = 0;     // compute / step
  double mfu = 0;             // model FLOPs / (step x XPUs x peak)
  double tflops_per_xpu = 0;  // model FLOPs per second per XPU, in TFLOP/s
  double tokens_per_s = 0;
  std::vector<StepComm> comms;
  // For the step's timeline (pipeline_timeline.h): the pipeline ranks, one micro-batch through one model chunk of the
  // slowest stage forward and backward (its exposed per-layer communication shared in proportion to the compute),
  // one chunk-boundary transfer, and the optimizer.
  int pp = 1;
  Picoseconds chunk_forward, chunk_backward, pipeline_send, optimizer;
};

// A representative job for a cluster when none is given (what `run` times and `job` would with the same file): a
// 13B-parameter dense model, tensor parallel inside the scale-up domain (at most 8), data parallel across the rest,
// one micro-batch of 8 sequences per replica.
JobSpec default_job_for(const Fabric& f);

// One layer's compute for one micro-batch on one TP rank (seconds), and the output layer's on the last stage.
struct LayerCompute {
  double gemm_forward_s = 0, gemm_backward_s = 0;
  double forward_s = 0, backward_s = 0;  // backward includes what recomputation repeats
  double attention_forward_s = 0, attention_backward_s = 0;  // the attention kernels alone (in forward_s and backward_s)
  double output_layer_s = 0;             // forward and backward, with the loss
};
struct Transformer;
struct XpuRoofline;
LayerCompute layer_compute(const JobSpec& job, const Transformer& model, const XpuRoofline& xpu);

// Throws InputError when the job does not fit the cluster (degrees, TP beyond the scale-up domain).
StepResult simulate_step(const JobSpec& job, const Plan& plan, CollectiveBackend& backend);

}  // namespace aifabric
