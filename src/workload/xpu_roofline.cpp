// The XPU roofline: GEMM time by shape, attention and element-wise time.
#include "workload/xpu_roofline.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/input_error.h"

namespace aifabric {

namespace {
constexpr int64_t kTileM = 128, kTileN = 256;
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
}  // namespace

XpuRoofline XpuRoofline::of(const ServerModel& server, const JobSpec& job) {
  auto need = [&](double v, const char* field) {
    if (v <= 0) {
      throw InputError(server.where, fmt::format("servers.{}.{}", server.name, field),
                       fmt::format("server '{}' gives no {}, which the training-step roofline needs; add it to the catalog, or set xpu.mfu in the job "
                                   "to time compute as a fraction of peak instead",
                                   server.name, field));
    }
    return v;
  };
  XpuRoofline r;
  r.peak_flops = (job.tflops > 0 ? job.tflops : need(server.xpu_tflops, "xpu_tflops")) * 1e12;
  if (job.mfu > 0) {  // the calibration override: every FLOP at mfu of peak, nothing else modelled
    r.gemm_efficiency = r.attention_efficiency = job.mfu;
    r.hbm_bytes_per_s = 0;
    return r;
  }
  r.hbm_bytes_per_s = need(server.xpu_hbm_gbytes_per_s, "xpu_hbm_gbytes_per_s") * 1e9;
  r.gemm_efficiency = need(server.xpu_gemm_efficiency, "xpu_gemm_efficiency");
  r.attention_efficiency = need(server.xpu_attention_efficiency, "xpu_attention_efficiency");
  r.sms = server.xpu_sms;
  r.end_to_end = job.compute_efficiency > 0 ? job.compute_efficiency : kComputeEfficiency;
  r.gemm_efficiency *= r.end_to_end;
  r.attention_efficiency *= r.end_to_end;
  r.hbm_bytes_per_s *= r.end_to_end;
  return r;
}

double XpuRoofline::shape_efficiency(const Gemm& g) const {
  if (g.m <= 0 || g.n <= 0) return 1.0;
  const int64_t tm = ceil_div(g.m, kTileM), tn = ceil_div(g.n, kTileN);
  const double tile = static_cast<double>(g.m) * static_cast<double>(g.n) / (static_cast<double>(tm * kTileM) * static_cast<double>(tn * kTileN));
  if (sms <= 0) return tile;
  const int64_t tiles = tm * tn;
  const double wave = static_cast<double>(tiles) / static_cast<double>(ceil_div(tiles, sms) * sms);
  return tile * wave;
}

double XpuRoofline::gemm_seconds(const Gemm& g) const {
  const double compute = g.flops() / (peak_flops * gemm_efficiency * (hbm_bytes_per_s > 0 ? shape_efficiency(g) : 1.0));
  if (hbm_bytes_per_s <= 0) return compute;
  const double bytes = 2.0 * (static_cast<double>(g.m) * g.k + static_cast<double>(g.k) * g.n + static_cast<double>(g.m) * g.n);
  return std::max(compute, bytes / hbm_bytes_per_s);
}

double XpuRoofline::gemm_backward_seconds(const Gemm& g) const {
  return gemm_seconds({g.m, g.k, g.n}) + gemm_seconds({g.k, g.n, g.m});
}

}  // namespace aifabric
