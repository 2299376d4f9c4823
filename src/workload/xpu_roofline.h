// An XPU's compute as a roofline: GEMMs at peak times the large-GEMM efficiency, less what tile and wave
// quantisation waste on the shape (NVIDIA's "Matrix Multiplication Background" guide), never faster than memory
// moves their operands; flash attention at its own measured efficiency; element-wise work at memory bandwidth.
#pragma once

#include "catalog/catalog.h"
#include "workload/job_spec.h"
#include "workload/transformer_cost.h"

namespace aifabric {

// What a training step's kernels reach of the roofline end to end (launch gaps, unfused and unmodelled work,
// synchronisation, clocks below the benchmark's): fitted (0.736) on three rows of Megatron-LM's weak-scaling table
// (39.1B, 145.6B, 1T on A100), then checked on rows it was not fitted on (76.1B, 310.1B, 529.6B, and Llama 3 405B
// on 8,192 and 16,384 H100): docs/VALIDATION.md.
inline constexpr double kComputeEfficiency = 0.74;

struct XpuRoofline {
  double peak_flops = 0;        // dense BF16, per second
  double hbm_bytes_per_s = 0;
  double gemm_efficiency = 0;   // of a large GEMM, whose tiles fill every wave
  double attention_efficiency = 0;
  int sms = 0;                  // 0: no wave quantisation
  double end_to_end = 1;        // the factor already applied to the three rates above (kComputeEfficiency or the job's)

  // From the server's catalog entry (the job's tflops overrides the peak); throws InputError naming the missing field.
  static XpuRoofline of(const ServerModel& server, const JobSpec& job);
  // Fraction of the large-GEMM rate this shape reaches: 128 x 256 output tiles, the partial tiles at the edges and
  // the last partial wave of tiles over the SMs wasted.
  double shape_efficiency(const Gemm& g) const;
  double gemm_seconds(const Gemm& g) const;
  // The two backward GEMMs of a forward one: the input gradient (m x k over n) and the weight gradient (k x n over m).
  double gemm_backward_seconds(const Gemm& g) const;
  double attention_seconds(double flops) const { return flops / (peak_flops * attention_efficiency); }
  double memory_seconds(double bytes) const { return bytes / hbm_bytes_per_s; }
};

}  // namespace aifabric
