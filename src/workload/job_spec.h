// A training job: model size, batch, parallelism degrees and overlap, validated at the edge.
#pragma once

#include <string>

#include "core/input_error.h"

namespace aifabric {

struct JobSpec {
  std::string name, file;
  // Model.
  double parameters = 0;        // total parameters
  int layers = 0;
  int hidden = 0;
  int sequence = 4096;
  int moe_layers = 0;           // layers with experts (all-to-all under expert parallelism)
  int top_k = 2;
  // Batch.
  int64_t global_batch = 0;     // sequences per step
  int micro_batch = 1;          // sequences per micro-batch
  // Parallelism (TP innermost, then DP, then PP; EP splits the DP ranks).
  int tp = 1, pp = 1, dp = 1, ep = 1;
  bool tp_beyond_scale_up = false;  // a TP group larger than the scale-up domain must be asked for
  // XPU.
  double tflops = 0;            // dense BF16 peak per XPU; 0 = the server model's
  double mfu = 0.5;             // achieved fraction of peak on compute
  // Communication.
  int grad_bytes = 2;           // bytes per gradient element in the data-parallel all-reduce
  double dp_overlap = 0.0;      // fraction of the backward pass the DP all-reduce can hide behind
  double tp_overlap = 0.0;      // fraction of TP communication hidden behind compute
  std::string dp_algorithm = "ring";
  SourceLocation where, degrees_where, tp_where;
};

JobSpec load_job_spec(const std::string& path);
JobSpec parse_job_spec(const std::string& text, const std::string& file);

}  // namespace aifabric
