// A training job: model size, batch, parallelism degrees and overlap, validated at the edge.
#pragma once

#include <cstdint>
#include <string>

#include "core/input_error.h"

namespace aifabric {

enum class Recompute : uint8_t { None, Selective, Full };  // Megatron's --recompute-granularity (full: every layer)

struct JobSpec {
  std::string name, file;
  // Model: a decoder-only transformer.
  double parameters = 0;        // total parameters as stated (checked against the architecture); 0 = derived
  int layers = 0;
  int hidden = 0;
  int ffn_hidden = 0;           // MLP width; 0 = 4 x hidden
  int heads = 0;                // attention heads; 0 = hidden / 128
  int kv_heads = 0;             // key/value heads (grouped-query attention); 0 = heads
  int64_t vocab = 0;            // vocabulary (embedding and output layer); 0 = none modelled
  bool gated_mlp = false;       // SwiGLU: three MLP matrices instead of two
  int sequence = 4096;
  // Mixture of experts: `moe_layers` of the layers (spread evenly) replace their MLP with `experts` routed experts of
  // `expert_ffn_hidden` each (0 = ffn_hidden), `shared_experts` always active, every token routed to `top_k`; the
  // busiest expert-parallel rank gets `expert_imbalance` times the mean of the routed tokens (1 = perfectly even).
  int moe_layers = 0;
  int experts = 0;
  int expert_ffn_hidden = 0;
  int shared_experts = 0;
  int top_k = 2;
  double expert_imbalance = 1.0;
  // Batch.
  int64_t global_batch = 0;     // sequences per step
  int micro_batch = 1;          // sequences per micro-batch
  // Parallelism (TP innermost, then CP, then DP, then PP, as Megatron-LM orders its ranks; EP splits the DP ranks).
  // CP, context parallelism: each sequence split over cp ranks, attention exchanging key/value blocks in a ring.
  int tp = 1, cp = 1, pp = 1, dp = 1, ep = 1;
  // How CP ranks exchange keys and values: a ring of sends under each block's attention (Transformer Engine's p2p,
  // Megatron-LM's default), or all-gathered before attention and their gradients reduce-scattered after it (Llama 3's).
  bool cp_all_gather = false;
  int virtual_stages = 1;       // interleaved 1F1B: model chunks per pipeline rank (Megatron's virtual pipeline size)
  int first_stage_layers = 0, last_stage_layers = 0;  // uneven first and last stages; 0 = an even split
  bool sequence_parallel = true;  // TP as reduce-scatter + all-gather (norms split over the TP ranks), not all-reduce
  bool tp_beyond_scale_up = false;  // a TP group larger than the scale-up domain must be asked for
  Recompute recompute = Recompute::None;
  bool distributed_optimizer = true;  // ZeRO-1: gradients reduce-scattered, parameters all-gathered over DP
  bool fsdp = false;                  // ZeRO-3 / FSDP: weights gathered and gradients reduce-scattered per layer and micro-batch
  bool tp_comm_overlap = false;       // TP collectives overlapped with the GEMMs (Megatron's --tp-comm-overlap)
  bool overlap_grad_reduce = true;    // bucketed gradient reduction during the last micro-batch's backward
  bool overlap_param_gather = true;   // parameter all-gather during the first micro-batch's forward
  double compute_efficiency = 0;      // fraction of the roofline a training step's kernels reach end to end; 0 = the default
  // XPU.
  double tflops = 0;            // dense BF16 peak per XPU; 0 = the server model's
  double mfu = 0;               // calibration override: compute at this fraction of peak; 0 = the roofline
  // Communication.
  int grad_bytes = 2;           // bytes per gradient element (bf16)
  std::string dp_algorithm = "ring";
  SourceLocation where, degrees_where, tp_where, parameters_where;
};

JobSpec load_job_spec(const std::string& path);
JobSpec parse_job_spec(const std::string& text, const std::string& file);

}  // namespace aifabric
