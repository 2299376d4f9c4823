// The step's lanes: the pipeline op by op (pipeline_timeline.h), then the reduction and optimizer after it.
#include "report/step_timeline_chart.h"

#include <algorithm>

#include <fmt/format.h>

#include "report/svg_chart.h"
#include "workload/pipeline_timeline.h"

namespace aifabric {

StepTimelineChart step_timeline_chart(const StepResult& s) {
  StepTimelineChart out;
  if (s.micro_batches < 1 || s.pp < 1) return out;
  const int v = s.pp > 1 ? s.virtual_stages : 1;
  const double ms = 1e3;
  std::vector<PipelineOp> ops;
  try {
    ops = pipeline_timeline(s.pp, v, s.micro_batches, s.chunk_forward.seconds(), s.chunk_backward.seconds(), s.pipeline_send.seconds());
  } catch (const std::invalid_argument&) {
    return out;  // (a schedule the timeline cannot order; the step model's closed form stands alone)
  }
  // Ranks drawn: all up to 16, else 16 spread from the first to the last.
  std::vector<int> ranks;
  const int shown = std::min(s.pp, 16);
  for (int i = 0; i < shown; ++i) ranks.push_back(shown == 1 ? 0 : static_cast<int>(static_cast<int64_t>(i) * (s.pp - 1) / (shown - 1)));
  GanttChart c;
  c.title = "One training step, op by op";
  c.x_label = "ms from the step's start";
  std::vector<size_t> lane_of(static_cast<size_t>(s.pp), SIZE_MAX);
  for (int r : ranks) {
    lane_of[static_cast<size_t>(r)] = c.lanes.size();
    c.lanes.push_back(fmt::format("stage {}", r));
  }
  const std::string fwd = palette(0), bwd = palette(1), data = palette(3), opt = palette(7);
  double pipeline_end = 0, rank0_last_backward = 0;
  for (const PipelineOp& op : ops) {
    pipeline_end = std::max(pipeline_end, op.end);
    if (op.stage == 0 && op.backward) rank0_last_backward = std::max(rank0_last_backward, op.start);
    const size_t lane = lane_of[static_cast<size_t>(op.stage)];
    if (lane == SIZE_MAX) continue;
    c.bars.push_back({lane, op.start * ms, op.end * ms, op.backward ? bwd : fwd,
                      fmt::format("stage {}{}, micro-batch {}, {}: {:.2f}-{:.2f} ms", op.stage, v > 1 ? fmt::format(" chunk {}", op.chunk) : "", op.micro,
                                  op.backward ? "backward" : "forward", op.start * ms, op.end * ms)});
  }
  // Once per step, on the data-parallel ranks: the gradients' reduction from the last micro-batch's backward on the
  // first stage (it hides under that backward but for what outlasts it), the parameters' gather under the next
  // step's first forward (drawn from the start), then the optimizer.
  const size_t data_lane = c.lanes.size();
  c.lanes.push_back("data parallel");
  double end = pipeline_end;
  for (const StepComm& cm : s.comms) {
    if (cm.parallelism != "data" || cm.count != 1) continue;
    const bool gather = cm.collective == "all_gather";
    const double start = gather ? 0.0 : rank0_last_backward;
    c.bars.push_back({data_lane, start * ms, (start + cm.each.seconds()) * ms, data,
                      fmt::format("{} over {} ranks: {:.2f} ms, {:.2f} ms exposed", cm.collective, cm.group_size, cm.each.seconds() * ms, cm.exposed.seconds() * ms)});
    if (!gather) end = std::max(end, start + cm.each.seconds());
  }
  const size_t opt_lane = c.lanes.size();
  c.lanes.push_back("optimizer");
  c.bars.push_back({opt_lane, end * ms, (end + s.optimizer.seconds()) * ms, opt, fmt::format("optimizer step: {:.2f} ms", s.optimizer.seconds() * ms)});
  end += s.optimizer.seconds();
  c.legend = {{"forward", fwd}, {"backward", bwd}, {"data-parallel collective", data}, {"optimizer", opt}};
  out.svg = render_gantt_chart(c);
  out.caption = fmt::format("{} stages, {} micro-batches{} in Megatron-LM's {} order, each op timed by what it waits for (a chunk's forward and "
                            "backward with its exposed tensor, context and expert communication, {:.3f} ms per chunk-boundary transfer){}. "
                            "Drawn, the step lasts {:.1f} ms; the step model's closed form gives {:.1f} ms.",
                            s.pp, s.micro_batches, v > 1 ? fmt::format(", {} virtual stages", v) : "", v > 1 ? "interleaved 1F1B" : "1F1B",
                            s.pipeline_send.seconds() * ms, shown < s.pp ? fmt::format("; {} of the {} stages are drawn", shown, s.pp) : "", end * ms,
                            s.step.seconds() * ms);
  return out;
}

}  // namespace aifabric
