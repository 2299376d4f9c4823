// Rendering of training steps: per-collective timing, exposed communication, utilisation.
#include "report/step_report.h"

#include <fmt/format.h>
#include "core/number_format.h"
#include <nlohmann/json.hpp>

namespace aifabric {

namespace {
double ms(Picoseconds p) { return p.seconds() * 1e3; }
}  // namespace

std::string render_step_text(const StepResult& r) {
  std::string o = fmt::format("training step: {} on {} ({} XPUs, backend {})\n", r.job, r.fabric, r.xpus, r.backend);
  o += fmt::format("  model {:.4g} parameters, {:.3g} model FLOP and {:.3g} tokens per step; compute by {}\n", r.parameters, r.flops, r.tokens, r.compute_model);
  o += fmt::format("  pipeline: stages of {} layers{}, {} micro-batches per replica, slowest stage {:.2f} ms per micro-batch (forward and backward)\n", r.stages,
                   r.virtual_stages > 1 ? fmt::format(", {} virtual stages per rank (interleaved 1F1B)", r.virtual_stages) : "", r.micro_batches,
                   ms(r.stage_time));
  o += fmt::format("  compute {:.2f} ms per XPU, pipeline bubble {:.2f} ms\n", ms(r.compute), ms(r.bubble));
  for (const auto& c : r.comms) {
    o += fmt::format("  {:<9} {:<10} group {:>6}: {:>5} x {:8.3f} ms = {:9.2f} ms, exposed {:9.2f} ms (busbw {:.1f} GB/s): {}\n", c.parallelism, c.collective,
                     c.group_size, c.count, ms(c.each), ms(c.total), ms(c.exposed), c.busbw_gbs, c.explanation);
  }
  o += fmt::format("  step {:.2f} ms = compute {:.2f} + bubble {:.2f} + exposed communication {:.2f}; XPU utilisation {:.1f}%\n", ms(r.step), ms(r.compute),
                   ms(r.bubble), ms(r.exposed), 100 * r.utilisation);
  o += fmt::format("  MFU {:.1f}%, {:.0f} TFLOP/s per XPU, {} tokens/s\n", 100 * r.mfu, r.tflops_per_xpu, with_thousands(static_cast<int64_t>(r.tokens_per_s)));
  return o;
}

std::string render_step_comparison(const std::vector<StepResult>& rs) {
  std::string o = fmt::format("{:<28} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>8} {:>6} {:>8}\n", "fabric", "compute ms", "bubble ms", "tensor ms", "data ms",
                              "other ms", "step ms", "util", "MFU", "TFLOP/s");
  for (const auto& r : rs) {
    double tp = 0, dp = 0, other = 0;
    for (const auto& c : r.comms) {
      if (c.parallelism == "tensor") tp += ms(c.exposed);
      else if (c.parallelism == "data") dp += ms(c.exposed);
      else other += ms(c.exposed);
    }
    o += fmt::format("{:<28} {:>11.2f} {:>11.2f} {:>11.2f} {:>11.2f} {:>11.2f} {:>11.2f} {:>7.1f}% {:>5.1f}% {:>8.0f}\n", r.fabric, ms(r.compute), ms(r.bubble), tp,
                     dp, other, ms(r.step), 100 * r.utilisation, 100 * r.mfu, r.tflops_per_xpu);
  }
  o += "(tensor, data, other: exposed communication per step)\n";
  return o;
}

std::string render_step_json(const std::vector<StepResult>& rs) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.step/1";
  auto arr = nlohmann::ordered_json::array();
  for (const auto& r : rs) {
    auto comms = nlohmann::ordered_json::array();
    for (const auto& c : r.comms) {
      comms.push_back({{"parallelism", c.parallelism}, {"collective", c.collective}, {"group_size", c.group_size}, {"bytes", c.bytes},
                       {"count", c.count}, {"each_ps", c.each.count()}, {"total_ps", c.total.count()}, {"exposed_ps", c.exposed.count()},
                       {"busbw_gbytes_per_s", c.busbw_gbs}, {"explanation", c.explanation}});
    }
    arr.push_back({{"job", r.job}, {"fabric", r.fabric}, {"backend", r.backend}, {"xpus", r.xpus}, {"micro_batches", r.micro_batches},
                   {"flops", r.flops}, {"compute_ps", r.compute.count()}, {"bubble_ps", r.bubble.count()}, {"exposed_ps", r.exposed.count()},
                   {"step_ps", r.step.count()}, {"utilisation", r.utilisation}, {"mfu", r.mfu}, {"tflops_per_xpu", r.tflops_per_xpu},
                   {"tokens_per_s", r.tokens_per_s}, {"parameters", r.parameters}, {"stages", r.stages}, {"virtual_stages", r.virtual_stages},
                   {"stage_time_ps", r.stage_time.count()}, {"compute_model", r.compute_model}, {"communication", comms}});
  }
  j["steps"] = arr;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aifabric
