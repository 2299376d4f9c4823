// A job's step written as Chakra traces: read back unchanged, replayed to the end, and timed close to the step model.
#include <gtest/gtest.h>

#include "backend/collective_backend.h"
#include "test_support.h"
#include "trace/chakra_trace.h"
#include "trace/trace_replay.h"
#include "workload/step_trace.h"
#include "workload/training_step.h"

namespace aifabric {

// An 8-layer model, TP 2 x PP 2 x DP 4 on the 16 GPUs of a 2-server DGX H100 cluster, 4 micro-batches, nothing overlapped: every rank's
// trace reads back field for field; the replay runs every node; each rank computes m x its stage's layers; and the
// event-by-event step lands within 10% of the step model's closed form (the fill, the drain and the blocking sends
// are the same schedule, counted two ways).
TEST(StepTrace, AJobsStepAsChakraTraces) {
  const Plan plan = make_plan(testing::spec_from("cluster: {server: dgx-h100, servers: 2}\n"
                                                 "fabric: {topology: rail-optimized, switch: quantum2-qm9700, tiers: auto}\n"
                                                 "layout: {servers_per_rack: 4, racks_per_row: 8}\npower: {rack_power_limit_kw: 45}\n"),
                              testing::shipped_catalog());
  JobSpec job = parse_job_spec("name: small\nmodel: {layers: 8, hidden: 5120, sequence: 2048, vocab: 51200, ffn_hidden: 20480}\n"
                               "batch: {global: 16, micro: 1}\nparallelism: {tp: 2, pp: 2, dp: 4}\n"
                               "training: {overlap_grad_reduce: false, overlap_param_gather: false}\n",
                               "small.yaml");
  auto backend = make_backend("analytic", plan, {});
  const StepResult model = simulate_step(job, plan, *backend);
  const StepTraces st = step_traces(job, plan);
  ASSERT_EQ(st.ranks.size(), 16u);
  std::vector<RankTrace> back;
  int64_t nodes = 0;
  for (const RankTrace& t : st.ranks) {
    back.push_back(parse_chakra(serialize_chakra(t), t.file));
    ASSERT_EQ(back.back().nodes.size(), t.nodes.size());
    for (size_t i = 0; i < t.nodes.size(); ++i) {
      EXPECT_EQ(back.back().nodes[i].deps, t.nodes[i].deps);
      EXPECT_EQ(back.back().nodes[i].duration, t.nodes[i].duration);
      EXPECT_EQ(back.back().nodes[i].bytes, t.nodes[i].bytes);
      EXPECT_EQ(back.back().nodes[i].group, t.nodes[i].group);
    }
    nodes += static_cast<int64_t>(t.nodes.size());
  }
  const TraceReplayResult r = replay_traces(back, 16, st.groups, plan, *backend);
  EXPECT_EQ(r.nodes, nodes);
  EXPECT_NEAR(r.makespan.seconds() / model.step.seconds(), 1.0, 0.10) << r.makespan.seconds() << " vs " << model.step.seconds();
}

}  // namespace aifabric
