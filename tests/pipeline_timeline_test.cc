// The pipeline op by op against the closed forms of Narayanan et al. (2021): with no transfer time, 1F1B ends after
// (m + pp - 1)(F + B), interleaving v chunks after m v (F + B) + (pp - 1)(F + B), and every rank runs each chunk's
// forward and backward of every micro-batch exactly once, a backward never before its forward.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "workload/pipeline_schedule.h"
#include "workload/pipeline_timeline.h"

namespace aifabric {
namespace {

double step_end(const std::vector<PipelineOp>& ops) {
  double end = 0;
  for (const PipelineOp& op : ops) end = std::max(end, op.end);
  return end;
}

}  // namespace

TEST(PipelineTimeline, MatchesTheClosedForms) {
  for (const auto& [pp, v, m, f, b] : {std::tuple{4, 1, int64_t{8}, 1.0, 2.0}, std::tuple{16, 1, int64_t{16}, 0.3, 0.7}, std::tuple{4, 2, int64_t{8}, 1.0, 2.0},
                                       std::tuple{8, 4, int64_t{16}, 0.5, 1.0}, std::tuple{16, 4, int64_t{16}, 1.0, 2.0}, std::tuple{1, 1, int64_t{5}, 1.0, 3.0}}) {
    const std::vector<PipelineOp> ops = pipeline_timeline(pp, v, m, f, b, 0.0);
    ASSERT_EQ(ops.size(), static_cast<size_t>(2 * pp * v * m));
    const double stage = v * (f + b);  // one micro-batch through all of a rank's chunks
    EXPECT_NEAR(step_end(ops), pipeline_busy_seconds(m, stage) + pipeline_bubble_seconds(pp, v, stage), 1e-9) << pp << " x " << v << ", m " << m;
    std::set<std::tuple<int, int, int64_t, bool>> seen;
    for (const PipelineOp& op : ops) {
      EXPECT_TRUE(seen.insert({op.stage, op.chunk, op.micro, op.backward}).second) << "twice: rank " << op.stage << " chunk " << op.chunk << " micro " << op.micro;
      EXPECT_NEAR(op.end - op.start, op.backward ? b : f, 1e-12);
    }
    for (const PipelineOp& op : ops) {
      if (!op.backward) continue;
      const auto fwd = std::find_if(ops.begin(), ops.end(), [&](const PipelineOp& o) { return !o.backward && o.stage == op.stage && o.chunk == op.chunk && o.micro == op.micro; });
      ASSERT_NE(fwd, ops.end());
      EXPECT_LE(fwd->end, op.start + 1e-12);
    }
  }
}

// Megatron-LM's warm-up (schedules.py): each rank runs pp - rank - 1 warm-up forwards in 1F1B, and
// (pp - rank - 1) x 2 + (v - 1) x pp interleaved (at most all of them), then opens the steady state with one more
// forward before its first backward; the interleaved k-th forward is on chunk (k / pp) % v.
TEST(PipelineTimeline, WarmsUpAsMegatronDoes) {
  for (const auto& [pp, v, m] : {std::tuple{4, 1, int64_t{8}}, std::tuple{4, 2, int64_t{8}}, std::tuple{8, 4, int64_t{8}}}) {
    const std::vector<PipelineOp> ops = pipeline_timeline(pp, v, m, 1.0, 2.0, 0.1);
    for (int r = 0; r < pp; ++r) {
      int64_t before = 0;
      std::vector<int> chunks;
      for (const PipelineOp& op : ops) {
        if (op.stage != r) continue;
        if (op.backward) break;
        ++before;
        chunks.push_back(op.chunk);
      }
      const int64_t warm = v == 1 ? std::min<int64_t>(pp - r - 1, m) : std::min<int64_t>((pp - r - 1) * 2 + (v - 1) * pp, m * v);
      const int64_t expected = std::min<int64_t>(warm + 1, m * v);  // the steady state opens with a forward
      EXPECT_EQ(before, expected) << pp << " x " << v << ", rank " << r;
      for (size_t k = 0; k < chunks.size(); ++k) EXPECT_EQ(chunks[k], v == 1 ? 0 : static_cast<int>((k / pp) % v));
    }
  }
}

// Transfers between ranks delay the fill: in 1F1B the first backward reaches rank 0 after 2 (pp - 1) sends more
// than without them.
TEST(PipelineTimeline, SendsDelayTheFill) {
  const auto without = pipeline_timeline(4, 1, 8, 1.0, 2.0, 0.0), with = pipeline_timeline(4, 1, 8, 1.0, 2.0, 0.25);
  auto first_backward_on_rank0 = [](const std::vector<PipelineOp>& ops) {
    for (const PipelineOp& op : ops) if (op.stage == 0 && op.backward) return op.start;
    return -1.0;
  };
  EXPECT_NEAR(first_backward_on_rank0(with) - first_backward_on_rank0(without), 2 * 3 * 0.25, 1e-12);
  EXPECT_GT(step_end(with), step_end(without));
  EXPECT_THROW(pipeline_timeline(4, 2, 6, 1.0, 2.0, 0.0), std::invalid_argument);
}

}  // namespace aifabric
