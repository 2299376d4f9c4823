// Design sweeps: a grid's expansion, its points' specs, the same rows whatever the number of threads, and bad grids
// refused where they are wrong, before anything runs.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include <fmt/format.h>

#include "backend/collective_backend.h"
#include "backend/ideal_network_backend.h"
#include "collective/schedule.h"
#include "sweep/sweep_grid.h"
#include "workload/job_spec.h"
#include "workload/training_step.h"
#include "sweep/sweep_html.h"
#include "sweep/sweep_optimize.h"
#include "sweep/sweep_results.h"
#include "sweep/sweep_run.h"
#include "sweep/sweep_table.h"
#include "test_support.h"

namespace aifabric {
using testing::source_path;

namespace {

// A grid next to the examples (its base resolved against examples/).
SweepGrid grid_from(const std::string& body) { return parse_sweep_grid("base: h100-1024-rail.yaml\n" + body, source_path("examples/test-grid.yaml")); }

const char* kFourPoints = R"(axes:
  - field: cluster.servers
    values: [16, 32]
  - field: fabric.load_balancing
    values: [ecmp, adaptive]
workload: {collective: all_reduce, size: 64M, backend: flow}
)";

}  // namespace

// Two axes of two values: four points, the last axis fastest, each a spec with both values set and the base's
// other fields kept; a range expands arithmetically or geometrically.
TEST(Sweep, GridExpandsToTheCrossProduct) {
  const SweepGrid g = grid_from(kFourPoints);
  ASSERT_EQ(g.points(), 4);
  const SweepPoint p = sweep_point(g, 1);
  EXPECT_EQ(p.labels, (std::vector<std::string>{"16", "adaptive"}));
  const ClusterSpec s = point_spec(g, p);
  EXPECT_EQ(s.servers, 16);
  EXPECT_EQ(s.fabric.load_balancing, LoadBalancing::Adaptive);
  EXPECT_EQ(s.fabric.leaf_switch, "quantum2-qm9700");
  EXPECT_EQ(point_spec(g, sweep_point(g, 2)).servers, 32);
  const SweepGrid r = grid_from("axes:\n  - {field: cluster.servers, range: {from: 64, to: 512, factor: 2}}\n  - {field: fabric.scalable_unit_servers, range: {from: 8, to: 32, step: 8}}\n");
  EXPECT_EQ(r.axes[0].labels, (std::vector<std::string>{"64", "128", "256", "512"}));
  EXPECT_EQ(r.axes[1].labels, (std::vector<std::string>{"8", "16", "24", "32"}));
  EXPECT_EQ(r.points(), 16);
}

// The rows are byte-identical with one thread and with three; every point planned and timed, in grid order.
TEST(Sweep, SameRowsWhateverTheThreads) {
  const SweepGrid g = grid_from(kFourPoints);
  const Catalog& cat = testing::shipped_catalog();
  SweepOptions one, three;
  three.threads = 3;
  const std::vector<SweepRow> a = run_sweep(g, cat, one), b = run_sweep(g, cat, three);
  ASSERT_EQ(a.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index, static_cast<int64_t>(i));
    EXPECT_TRUE(a[i].built) << a[i].reason;
    EXPECT_TRUE(a[i].reason.empty()) << a[i].reason;
    EXPECT_GT(a[i].design.busbw_gbs, 0);
  }
  EXPECT_EQ(a[0].design.xpus, 128);
  EXPECT_EQ(a[2].design.xpus, 256);
  EXPECT_EQ(render_sweep_json(g, a), render_sweep_json(g, b));
  EXPECT_EQ(render_sweep_csv(g, a), render_sweep_csv(g, b));
  EXPECT_EQ(render_sweep_text(g, a), render_sweep_text(g, b));
}

// Helpers (what the MPI ranks are to rank 0) share the points with the local thread: they take indices, run them and
// hand their rows back as journal lines; the rows are the serial run's, byte for byte.
TEST(Sweep, HelpersShareThePointsAndChangeNoRow) {
  const SweepGrid g = grid_from(kFourPoints);
  const Catalog& cat = testing::shipped_catalog();
  const std::vector<SweepRow> serial = run_sweep(g, cat, SweepOptions{});
  SweepOptions o;
  int64_t helped = 0;
  o.helpers = [&](const std::function<int64_t()>& take, const std::function<void(SweepRow&&)>& deliver) {
    for (int64_t i = take(); i >= 0; i = take(), ++helped) deliver(sweep_row_from_line(sweep_row_line(sweep_one_point(g, i, cat, o, std::nullopt, g.workload.backend, false))));
  };
  const std::vector<SweepRow> shared = run_sweep(g, cat, o);
  EXPECT_GE(helped, 1);
  EXPECT_LE(helped, 4);
  EXPECT_EQ(render_sweep_json(g, shared), render_sweep_json(g, serial));
  EXPECT_EQ(render_sweep_text(g, shared), render_sweep_text(g, serial));
}

// A point whose job does not fit is reported with the reason, not dropped: the job wants 256 GPUs, so the
// 16-server point (128 GPUs) is not run and the 32-server one is.
TEST(Sweep, PointsThatCannotRunSayWhy) {
  const std::string job = source_path("tests/data/sweep-job-256.yaml");
  const SweepGrid g = grid_from(fmt::format("axes:\n  - {{field: cluster.servers, values: [16, 32]}}\nworkload: {{size: 16M, job: {}}}\n", job));
  const std::vector<SweepRow> rows = run_sweep(g, testing::shipped_catalog(), {});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].built);
  EXPECT_NE(rows[0].reason.find("256 ranks"), std::string::npos) << rows[0].reason;
  EXPECT_TRUE(rows[1].reason.empty()) << rows[1].reason;
  ASSERT_TRUE(rows[1].mfu.has_value());
  EXPECT_GT(*rows[1].mfu, 0);
  EXPECT_NE(render_sweep_csv(g, rows).find(",not run,"), std::string::npos);
}

// A sweep stopped after two of four points keeps them in its journal; the rerun takes them from it, runs the other
// two, and gives the rows an uninterrupted sweep gives, byte for byte. A torn last line (a write cut short) is
// dropped and its point run again; a journal of another grid is refused.
TEST(Sweep, InterruptedSweepsResume) {
  const SweepGrid g = grid_from(kFourPoints);
  const Catalog& cat = testing::shipped_catalog();
  const std::string path = (std::filesystem::temp_directory_path() / fmt::format("aifabric-sweep-journal-{}.jsonl", ::getpid())).string();
  std::filesystem::remove(path);
  const uint64_t fp = sweep_fingerprint(g, 1);
  const std::string whole = render_sweep_json(g, run_sweep(g, cat, {}));
  {
    volatile int stop = 0;
    SweepOptions o;
    o.results = path;
    o.stop = &stop;
    o.progress = [&](int64_t done, int64_t) { if (done >= 2) stop = 1; };
    const std::vector<SweepRow> part = run_sweep(g, cat, o);
    int64_t ran = 0;
    for (const SweepRow& r : part) ran += r.index >= 0 ? 1 : 0;
    EXPECT_EQ(ran, 2);
  }
  EXPECT_EQ(SweepJournal(path, fp, g.points()).done().size(), 2u);
  {
    SweepOptions o;
    o.results = path;
    int64_t run_now = 0;
    o.progress = [&](int64_t, int64_t) { ++run_now; };
    EXPECT_EQ(render_sweep_json(g, run_sweep(g, cat, o)), whole);
    EXPECT_EQ(run_now, 2);
  }
  {  // a torn tail: the last row cut in the middle
    std::string text;
    {
      std::ifstream in(path);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    text.resize(text.size() - 20);
    std::ofstream(path, std::ios::trunc) << text;
    EXPECT_EQ(SweepJournal(path, fp, g.points()).done().size(), 3u);
    SweepOptions o;
    o.results = path;
    EXPECT_EQ(render_sweep_json(g, run_sweep(g, cat, o)), whole);
  }
  const std::string other = testing::error_of([&] { SweepJournal j(path, fp + 1, g.points()); });
  EXPECT_NE(other.find("another grid"), std::string::npos) << other;
  std::filesystem::remove(path);
}

// The Pareto front by hand: (cost, busbw) = (1, 10) (2, 30) (2, 20) (3, 25) (4, 40) and one that did not run; the
// front is the cheapest, the best of the two at cost 2, and the dearest (the one at cost 3 is beaten by a cheaper one).
// The page draws every point that ran and tables the front.
TEST(Sweep, ParetoFrontAndPage) {
  std::vector<SweepRow> rows(6);
  const double cost[] = {1, 2, 2, 3, 4, 0.5}, bw[] = {10, 30, 20, 25, 40, 99};
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].index = static_cast<int64_t>(i);
    rows[i].built = true;
    rows[i].labels = {fmt::format("{}", i)};
    rows[i].design.network_cost_usd = cost[i] * 1e6;
    rows[i].design.busbw_gbs = bw[i];
  }
  rows[5].reason = "job: does not fit";
  EXPECT_EQ(sweep_pareto_front(rows), (std::vector<bool>{true, true, false, false, true, false}));
  const SweepGrid g = grid_from("axes:\n  - {field: cluster.servers, values: [16, 32, 48, 64, 80, 96]}\n");
  const std::string page = render_sweep_html(g, rows, 0);
  size_t marks = 0;
  for (size_t at = page.find("<circle class=\"mark\""); at != std::string::npos; at = page.find("<circle class=\"mark\"", at + 1)) ++marks;
  EXPECT_EQ(marks, 5u);
  size_t table_rows = 0;
  const size_t table = page.find("<h2>The Pareto front</h2>");
  ASSERT_NE(table, std::string::npos);
  for (size_t at = page.find("<tr><td", table); at != std::string::npos && at < page.find("</table>", table); at = page.find("<tr><td", at + 1)) ++table_rows;
  EXPECT_EQ(table_rows, 3u);
  EXPECT_NE(page.find("Points that did not run (1)"), std::string::npos);
}

// optimize finds the winner an exhaustive sweep finds (the least network cost among the points whose bus bandwidth
// meets the target; ties to the lower point), simulating fewer points than the grid holds, and says of every cheaper
// point why it failed.
TEST(Sweep, OptimizeAgreesWithTheExhaustiveSweep) {
  const SweepGrid g = grid_from(R"(axes:
  - {field: cluster.servers, values: [16, 32]}
  - {field: fabric.oversubscription.leaf, values: ["1:1", "2:1", "4:1"]}
  - {field: fabric.load_balancing, values: [ecmp, adaptive]}
workload: {collective: all_reduce, size: 256M, backend: flow}
)");
  const Catalog& cat = testing::shipped_catalog();
  const std::vector<SweepRow> all = run_sweep(g, cat, {});
  std::vector<double> bw;
  for (const SweepRow& r : all) if (r.built && r.reason.empty()) bw.push_back(r.design.busbw_gbs);
  ASSERT_GE(bw.size(), 6u);
  std::sort(bw.begin(), bw.end());
  for (const double threshold : {bw[bw.size() / 2], bw.back(), bw.front()}) {
    const OptimizeTarget t = parse_optimize_target(fmt::format("busbw>={}", threshold));
    int64_t expected = -1;
    for (const SweepRow& r : all) {
      if (!r.built || !r.reason.empty() || r.design.busbw_gbs < threshold) continue;
      if (expected < 0 || r.design.network_cost_usd < all[static_cast<size_t>(expected)].design.network_cost_usd) expected = r.index;
    }
    const OptimizeResult o = optimize_sweep(g, cat, {}, t, Objective::Cost, 1);
    ASSERT_TRUE(o.winner.has_value()) << threshold;
    EXPECT_EQ(o.winner->index, expected) << threshold;
    EXPECT_LT(o.simulated, o.points) << threshold;
    for (const OptimizeVerdict& v : o.cheaper_failed) {
      EXPECT_LE(v.row.design.network_cost_usd, o.winner->design.network_cost_usd);
      EXPECT_FALSE(v.why.empty());
    }
    const std::string text = render_optimize_text(g, t, Objective::Cost, o);
    EXPECT_NE(text.find(fmt::format("winner: point {} ", expected)), std::string::npos) << text;
  }
  EXPECT_NE(testing::error_of([] { parse_optimize_target("busbw=>300"); }).find("--target"), std::string::npos);
  EXPECT_NE(testing::error_of([] { parse_optimize_target("speed>=3"); }).find("unknown metric"), std::string::npos);
  EXPECT_NE(testing::error_of([&] { optimize_sweep(g, cat, {}, parse_optimize_target("mfu>=40"), Objective::Cost); }).find("needs a job"), std::string::npos);
}

// The ideal back-end network keeps a schedule's transfers inside a scale-up domain and nothing else: an all-reduce
// over the 8 GPUs of one server is left whole, one over rail 0 (one GPU per server) loses every transfer and takes no
// time, one over two servers keeps only its NVLink part. With every XPU its own domain, a job's step is its compute
// alone; with TP 8 in the server, its ideal is above the compute (NVLink is still timed) and below the step on the
// real fabric.
TEST(Sweep, IdealNetworkTimesOnlyTheScaleUpDomain) {
  const Plan plan = testing::plan_from("cluster: {server: dgx-h100, servers: 32}\nfabric: {topology: rail-optimized, switch: quantum2-qm9700}\n");
  const Fabric& f = plan.fabric;
  auto ideal = [&] { return IdealNetworkBackend(make_backend("analytic", plan, {}), 8); };
  auto schedule = [&](const std::string& group) { return build_schedule(CollectiveKind::AllReduce, Algorithm::Ring, make_communicator(f, group, "test"), 64 << 20, f); };
  const Schedule one_server = schedule("server:3"), rail = schedule("rail:0"), two = schedule("first:16");
  EXPECT_EQ(inside_scale_up(one_server, 8).transfer_count(), one_server.transfer_count());
  EXPECT_EQ(inside_scale_up(rail, 8).phases.size(), 0u);
  const Schedule cut = inside_scale_up(two, 8);
  EXPECT_GT(cut.transfer_count(), 0);
  EXPECT_LT(cut.transfer_count(), two.transfer_count());
  for (const Phase& p : cut.phases) for (const Transfer& t : p.transfers) EXPECT_EQ(t.src / 8, t.dst / 8);
  auto analytic = make_backend("analytic", plan, {});
  EXPECT_EQ(ideal().run(one_server).time, analytic->run(one_server).time);
  EXPECT_EQ(ideal().run(rail).time, Picoseconds(0));
  // Every XPU its own domain: no transfer is left, and the step is its compute alone.
  JobSpec dp = parse_job_spec("name: dp\nmodel: {layers: 8, hidden: 2048, vocab: 32000, sequence: 2048}\nbatch: {global: 256, micro: 1}\nparallelism: {tp: 1, dp: 256}\n", "dp.yaml");
  IdealNetworkBackend alone(make_backend("analytic", plan, {}), 1);
  const StepResult no_comm = simulate_step(dp, plan, alone);
  EXPECT_EQ(no_comm.step, no_comm.compute);
  EXPECT_GT(simulate_step(dp, plan, *analytic).step, no_comm.step);
  IdealNetworkBackend no_network = ideal();
  const JobSpec tp = load_job_spec(source_path("tests/data/sweep-job-256.yaml"));
  const StepResult tp_ideal = simulate_step(tp, plan, no_network);
  EXPECT_GT(tp_ideal.step, tp_ideal.compute);
  auto flow = make_backend("flow", plan, {});
  EXPECT_LT(tp_ideal.step, simulate_step(tp, plan, *flow).step);
}

// A target against the ideal ("step_ms<=1.05*ideal": the network costs the step at most 5%) finds what the
// exhaustive sweep finds, pruned by the analytic bound (whose ideal is the same, so the pruning is sound).
TEST(Sweep, OptimizeAgainstTheIdealStep) {
  const std::string job = source_path("tests/data/sweep-job-256.yaml");
  const SweepGrid g = grid_from(fmt::format("axes:\n  - {{field: cluster.servers, values: [32]}}\n  - {{field: fabric.oversubscription.leaf, values: [\"1:1\", \"2:1\", \"4:1\", \"8:1\"]}}\n"
                                            "  - {{field: fabric.topology, values: [rail-optimized, clos]}}\nworkload: {{size: 16M, job: {}}}\n", job));
  const Catalog& cat = testing::shipped_catalog();
  const std::vector<SweepRow> all = run_sweep(g, cat, {});
  std::vector<double> loss;
  for (const SweepRow& r : all) {
    ASSERT_TRUE(r.network_loss().has_value()) << r.reason;
    EXPECT_GE(*r.network_loss(), 0);
    loss.push_back(*r.network_loss());
  }
  std::sort(loss.begin(), loss.end());
  ASSERT_LT(loss.front(), loss.back());
  for (const double allowed : {loss[loss.size() / 2], loss.back()}) {
    const double k = 1 + allowed + 1e-9;
    int64_t expected = -1;
    for (const SweepRow& r : all) {
      if (*r.design.step_ms > k * *r.ideal_step_ms) continue;
      if (expected < 0 || r.design.network_cost_usd < all[static_cast<size_t>(expected)].design.network_cost_usd) expected = r.index;
    }
    const OptimizeResult o = optimize_sweep(g, cat, {}, parse_optimize_target(fmt::format("step_time <= {:.12f} * ideal", k)), Objective::Cost, 1);
    ASSERT_TRUE(o.winner.has_value()) << allowed;
    EXPECT_EQ(o.winner->index, expected) << allowed;
  }
  EXPECT_NE(testing::error_of([] { parse_optimize_target("busbw>=2*ideal"); }).find("only step_ms"), std::string::npos);
  EXPECT_NE(testing::error_of([] { parse_optimize_target("step_ms<=2*best"); }).find("only 'ideal'"), std::string::npos);
}

// The final few again on the packet engine: with the target at the flow backend's figure for the winner, a finalist
// meets it on the packet engine exactly when its packet figure reaches it; the answer is the first that does, and the
// packet rows are those of the point run alone on the packet backend.
TEST(Sweep, OptimizeConfirmsTheFinalistsOnThePacketEngine) {
  const SweepGrid g = grid_from(R"(axes:
  - {field: cluster.servers, values: [8, 16]}
  - {field: fabric.load_balancing, values: [ecmp, adaptive]}
workload: {collective: all_reduce, size: 16M, backend: flow}
)");
  const Catalog& cat = testing::shipped_catalog();
  const OptimizeResult first = optimize_sweep(g, cat, {}, parse_optimize_target("busbw>=1"), Objective::Cost, 0);
  ASSERT_TRUE(first.winner.has_value());
  const double threshold = first.winner->design.busbw_gbs;
  const OptimizeResult r = optimize_sweep(g, cat, {}, parse_optimize_target(fmt::format("busbw>={:.17g}", threshold)), Objective::Cost, 0, {"packet", 3});
  ASSERT_TRUE(r.winner.has_value());
  EXPECT_TRUE(r.runners_up.empty());
  ASSERT_GE(r.confirmed.size(), 1u);
  EXPECT_LE(r.confirmed.size(), 3u);
  EXPECT_EQ(r.confirmed.front().row.index, r.winner->index);
  std::optional<int64_t> answer;
  for (const OptimizeVerdict& v : r.confirmed) {
    const SweepRow alone = sweep_one_point(g, v.row.index, cat, {}, std::nullopt, "packet", false);
    EXPECT_EQ(sweep_row_line(alone), sweep_row_line(v.row));
    const bool meets = alone.design.busbw_gbs >= threshold;
    EXPECT_EQ(v.why.empty(), meets) << v.why;
    if (meets && !answer) answer = v.row.index;
  }
  EXPECT_EQ(r.confirmed_winner.has_value(), answer.has_value());
  if (answer) {
    EXPECT_EQ(r.confirmed_winner->index, *answer);
  }
  EXPECT_NE(render_optimize_text(g, parse_optimize_target("busbw>=1"), Objective::Cost, r).find("again on the packet backend"), std::string::npos);
}

// Traffic on every point, packet by packet with the point's load balancing: each row has its flow completion times
// (none below a 1 MiB flow's serialisation on a 400G host link, 1,048,576 x 8 / 400e9 s = 20.97 us), the journal
// gives them back exactly, and an FCT target finds what the exhaustive sweep finds, every candidate simulated.
TEST(Sweep, TrafficOnEveryPoint) {
  const SweepGrid g = grid_from("axes:\n  - {field: cluster.servers, values: [16, 32]}\n  - {field: fabric.load_balancing, values: [ecmp, adaptive]}\n"
                                "workload: {size: 16M, traffic: permutation, traffic_bytes: 1M}\n");
  const Catalog& cat = testing::shipped_catalog();
  const std::vector<SweepRow> rows = run_sweep(g, cat, {});
  ASSERT_EQ(rows.size(), 4u);
  for (const SweepRow& r : rows) {
    ASSERT_TRUE(r.design.packet.has_value()) << r.reason;
    EXPECT_TRUE(r.design.packet->conserved);
    EXPECT_GE(r.design.packet->fct_p50_us, 1048576.0 * 8 / 400e9 * 1e6);
    EXPECT_GE(r.design.packet->fct_p99_us, r.design.packet->fct_p50_us);
    EXPECT_EQ(sweep_row_line(sweep_row_from_line(sweep_row_line(r))), sweep_row_line(r));
  }
  const std::string csv = render_sweep_csv(g, rows);
  EXPECT_NE(csv.find(",fct_p50_us,fct_p99_us,fct_max_us,drops,retransmits\n"), std::string::npos);
  std::vector<double> p99;
  for (const SweepRow& r : rows) p99.push_back(r.design.packet->fct_p99_us);
  std::sort(p99.begin(), p99.end());
  for (const double limit : {p99[1], p99[3]}) {
    int64_t expected = -1;
    for (const SweepRow& r : rows) {
      if (r.design.packet->fct_p99_us > limit) continue;
      if (expected < 0 || r.design.network_cost_usd < rows[static_cast<size_t>(expected)].design.network_cost_usd) expected = r.index;
    }
    const OptimizeResult o = optimize_sweep(g, cat, {}, parse_optimize_target(fmt::format("fct_p99_us<={:.17g}", limit)), Objective::Cost, 0);
    ASSERT_TRUE(o.winner.has_value()) << limit;
    EXPECT_EQ(o.winner->index, expected) << limit;
    EXPECT_EQ(o.bounded, 0);
  }
  EXPECT_NE(testing::error_of([&] { optimize_sweep(grid_from(kFourPoints), cat, {}, parse_optimize_target("fct_p99_us<=5"), Objective::Cost); }).find("needs traffic"),
            std::string::npos);
}

// Bad grids are errors at their place in the grid file, before any point runs.
TEST(Sweep, BadGridsAreLocatedErrors) {
  const Catalog& cat = testing::shipped_catalog();
  auto run_error = [&](const std::string& body, SweepOptions o = {}) {
    return testing::error_of([&] { run_sweep(grid_from(body), cat, o); });
  };
  // An unknown field: the spec reader's word, at the value.
  std::string e = run_error("axes:\n  - field: fabric.nope\n    values: [1]\n");
  EXPECT_NE(e.find("test-grid.yaml:4:"), std::string::npos) << e;
  EXPECT_NE(e.find("axes[0].values[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("nope"), std::string::npos) << e;
  // A value the field refuses: a switch the catalog does not have.
  e = run_error("axes:\n  - field: fabric.switch\n    values: [quantum2-qm9700, no-such-switch]\n");
  EXPECT_NE(e.find("axes[0].values[1]"), std::string::npos) << e;
  EXPECT_NE(e.find("no-such-switch"), std::string::npos) << e;
  // Too many points for --max-points.
  SweepOptions small;
  small.max_points = 3;
  e = run_error(kFourPoints, small);
  EXPECT_NE(e.find("4 points"), std::string::npos) << e;
  EXPECT_NE(e.find("--max-points 3"), std::string::npos) << e;
  // A grid of 10^10 points without --max-points is refused at once.
  e = run_error("axes:\n  - {field: cluster.servers, range: {from: 1, to: 100000, step: 1}}\n  - {field: layout.servers_per_rack, range: {from: 1, to: 100000, step: 1}}\n");
  EXPECT_NE(e.find("10000000000 points"), std::string::npos) << e;
  // Grid syntax: no axes, an empty range, a workload that does not exist.
  auto parse_error = [&](const std::string& body) { return testing::error_of([&] { grid_from(body); }); };
  EXPECT_NE(parse_error("workload: {size: 1G}\n").find("axes"), std::string::npos);
  e = parse_error("axes:\n  - {field: cluster.servers, range: {from: 64, to: 16, step: 8}}\n");
  EXPECT_NE(e.find("axes[0].range.step"), std::string::npos) << e;
  e = parse_error("axes:\n  - {field: cluster.servers, values: [16]}\nworkload: {collective: all_sum}\n");
  EXPECT_NE(e.find("workload.collective"), std::string::npos) << e;
  EXPECT_NE(e.find("test-grid.yaml:4:"), std::string::npos) << e;
}

}  // namespace aifabric
