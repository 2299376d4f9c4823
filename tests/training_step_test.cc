// The training-step model against its own arithmetic, and the seed's 100G -> 400G utilisation question.
#include <gtest/gtest.h>

#include "backend/collective_backend.h"
#include "test_support.h"
#include "workload/training_step.h"

namespace aifabric {
using testing::source_path;

namespace {
StepResult step_on(const std::string& spec, const JobSpec& job, const std::string& backend = "flow") {
  const Plan plan = make_plan(load_cluster_spec(source_path(spec)), testing::shipped_catalog());
  auto b = make_backend(backend, plan, {});
  return simulate_step(job, plan, *b);
}
const StepComm& comm(const StepResult& r, const std::string& p) {
  for (const auto& c : r.comms) if (c.parallelism == p) return c;
  static StepComm none;
  ADD_FAILURE() << "no " << p;
  return none;
}
}  // namespace

TEST(TrainingStep, ArithmeticOfOneStep) {
  const JobSpec job = load_job_spec(source_path("examples/job-13b-dp128.yaml"));
  const StepResult r = step_on("examples/cluster-400g.yaml", job);
  // FLOPs: 6 N T + 12 L h s T, at 50% of 989 TFLOPS on 1,024 GPUs.
  const double tokens = 1024.0 * 4096;
  const double flops = 6 * 13e9 * tokens + 12.0 * 40 * 5120 * 4096 * tokens;
  EXPECT_DOUBLE_EQ(r.flops, flops);
  EXPECT_NEAR(r.compute.seconds(), flops / (1024 * 989e12 * 0.5), 1e-9);
  // DP: 13e9 / 8 parameters x 2 bytes per rank; at most half the backward pass (2/3 of compute) hides it.
  const StepComm& dp = comm(r, "data");
  EXPECT_EQ(dp.bytes, static_cast<int64_t>(13e9 / 8) * 2);
  const double window = 0.5 * r.compute.seconds() * 2 / 3;
  EXPECT_NEAR(dp.exposed.seconds(), std::max(0.0, dp.total.seconds() - window), 1e-9);
  // TP: 4 all-reduces per layer per micro-batch, 70% hidden.
  const StepComm& tp = comm(r, "tensor");
  EXPECT_EQ(tp.count, 4 * 40 * (1024 / 128));
  EXPECT_NEAR(tp.exposed.seconds(), 0.3 * tp.total.seconds(), 1e-9);
  EXPECT_EQ(r.step, r.compute + r.bubble + r.exposed);
  EXPECT_NEAR(r.utilisation, r.compute.seconds() / r.step.seconds(), 1e-12);
}

TEST(TrainingStep, From100GTo400GAsTheSeedDescribes) {
  const JobSpec job = load_job_spec(source_path("examples/job-13b-dp128.yaml"));
  const StepResult slow = step_on("examples/cluster-100g.yaml", job);
  const StepResult fast = step_on("examples/cluster-400g.yaml", job);
  // The DP all-reduce runs on rail-aligned rings: 4x the link rate moves the bytes 4x faster (the same goodput
  // on both); the ring's latency (2 x 127 network hops at NCCL's ~14 us each, about 3.5 ms) does not shrink, so
  // the whole all-reduce gains a little less than 4x: (4B + L) / (B + L) with B ~ 132 ms and L ~ 3.5 ms.
  const double ratio = comm(slow, "data").total.seconds() / comm(fast, "data").total.seconds();
  EXPECT_LT(ratio, 4.0);
  EXPECT_GT(ratio, (4 * 0.132 + 0.0035) / (0.132 + 0.0035) - 0.03);
  // Seed 001: 65% on 100G, 91% on 400G.
  EXPECT_NEAR(slow.utilisation, 0.65, 0.04);
  EXPECT_NEAR(fast.utilisation, 0.91, 0.02);
}

TEST(TrainingStep, PipelineBubbleAndTransfers) {
  JobSpec job = load_job_spec(source_path("examples/job-13b-dp128.yaml"));
  job.pp = 4;
  job.dp = 32;
  const StepResult r = step_on("examples/cluster-400g.yaml", job);
  // 1024 / 32 = 32 micro-batches; 1F1B bubble (pp - 1) / m of compute.
  EXPECT_EQ(r.micro_batches, 32);
  EXPECT_NEAR(r.bubble.seconds(), r.compute.seconds() * 3 / 32, 1e-9);
  const StepComm& pp = comm(r, "pipeline");
  EXPECT_EQ(pp.bytes, 4096LL * 5120 * 2 / 8);
  EXPECT_EQ(pp.exposed, pp.each * (2 * (32 + 4 - 1)));
}

TEST(TrainingStep, BadDegreesAreRefused) {
  JobSpec job = load_job_spec(source_path("examples/job-13b-dp128.yaml"));
  job.dp = 64;  // 8 x 1 x 64 = 512 != 1024
  EXPECT_THROW(step_on("examples/cluster-400g.yaml", job), InputError);
  job.dp = 64;
  job.tp = 16;  // crosses the 8-GPU NVLink domain without saying so
  try {
    step_on("examples/cluster-400g.yaml", job);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the 8-XPU scale-up domain"), std::string::npos) << e.what();
  }
  job.tp_beyond_scale_up = true;
  EXPECT_NO_THROW(step_on("examples/cluster-400g.yaml", job));
}

}  // namespace aifabric
