// End to end through the aifabric binary: bundled examples run, and every file in tests/bad-inputs fails
// with exit code 2, one line on standard error naming file:line:column, its expected message, no output file.
#include <gtest/gtest.h>

#include <algorithm>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The binary with `args`, started by `launcher` ("" = directly; else e.g. mpirun and its options).
Result run_with(const std::string& launcher, const std::string& args) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("aifabric-cli-{}", ::getpid());
  fs::create_directories(dir);
  const std::string cmd = fmt::format("{}{}{} {} >{} 2>{}", launcher, launcher.empty() ? "" : " ", AIFABRIC_BIN, args, (dir / "out").string(), (dir / "err").string());
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  return r;
}

Result run(const std::string& args) { return run_with("", args); }

const std::string kSrc = AIFABRIC_SOURCE_DIR;

TEST(Cli, PlanBundledExample) {
  const Result r = run("plan " + kSrc + "/examples/h100-1024-rail.yaml");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("leaf                 32 x quantum2-qm9700"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("spine                16 x quantum2-qm9700"), std::string::npos) << r.out;
}

// A sweep from the command line: every point a CSV row in grid order, the same with two threads; a grid naming a
// field the spec does not have is one located error line, exit 2, and nothing written.
TEST(Cli, SweepWritesARowPerPoint) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("aifabric-sweep-{}", ::getpid());
  fs::create_directories(dir);
  const std::string base = std::string(AIFABRIC_SOURCE_DIR) + "/examples/h100-1024-rail.yaml";
  std::ofstream(dir / "grid.yaml") << "base: " << base << "\naxes:\n  - {field: cluster.servers, values: [16, 32, 64]}\n"
                                   << "  - {field: fabric.load_balancing, values: [ecmp, spraying]}\nworkload: {size: 64M}\n";
  const std::string grid = (dir / "grid.yaml").string();
  const Result one = run(fmt::format("sweep {} --format csv -q", grid));
  ASSERT_EQ(one.code, 0) << one.err;
  const Result two = run(fmt::format("sweep {} --format csv -q --threads 2 --html {} --color-by fabric.load_balancing", grid, (dir / "sweep.html").string()));
  EXPECT_EQ(one.out, two.out);
  const std::string page = slurp(dir / "sweep.html");
  size_t dots = 0;
  for (size_t at = page.find("<circle class=\"mark\""); at != std::string::npos; at = page.find("<circle class=\"mark\"", at + 1)) ++dots;
  EXPECT_EQ(dots, 6u);
  EXPECT_NE(page.find("fabric.load_balancing = spraying"), std::string::npos);
  EXPECT_EQ(run(fmt::format("sweep {} -q --color-by fabric.nope", grid)).code, 2);
  const Result best = run(fmt::format("optimize {} --target 'busbw>=1' --minimize cost", grid));
  ASSERT_EQ(best.code, 0) << best.err;
  EXPECT_NE(best.out.find("winner: point "), std::string::npos) << best.out;
  EXPECT_NE(best.out.find("planned 6 points"), std::string::npos) << best.out;
  const Result bad_target = run(fmt::format("optimize {} --target 'speed>=1'", grid));
  EXPECT_EQ(bad_target.code, 2);
  EXPECT_NE(bad_target.err.find("--target"), std::string::npos) << bad_target.err;
  size_t rows = 0;
  for (char ch : one.out) rows += ch == '\n';
  EXPECT_EQ(rows, 1u + 6u);
  EXPECT_EQ(one.out.rfind("point,cluster.servers,fabric.load_balancing,status,", 0), 0u) << one.out.substr(0, 200);
  EXPECT_NE(one.out.find("\n5,64,spraying,ok,"), std::string::npos) << one.out;
  // With a journal: a second run takes every point from it, adds nothing and gives the same rows.
  const std::string journal = (dir / "rows.jsonl").string();
  const Result first = run(fmt::format("sweep {} --format csv -q --results {}", grid, journal));
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, one.out);
  const std::string kept = slurp(journal);
  EXPECT_EQ(std::count(kept.begin(), kept.end(), '\n'), 1 + 6);
  const Result again = run(fmt::format("sweep {} --format csv -q --results {}", grid, journal));
  EXPECT_EQ(again.out, one.out);
  EXPECT_EQ(slurp(journal), kept);
  std::ofstream(dir / "bad.yaml") << "base: " << base << "\naxes:\n  - {field: fabric.switchh, values: [quantum2-qm9700]}\n";
  const Result bad = run(fmt::format("sweep {} -o {}", (dir / "bad.yaml").string(), (dir / "never.csv").string()));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.yaml:3:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("axes[0].values[0]"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "never.csv"));
  fs::remove_all(dir);
}

// The same sweep (a job on each point: one fits, the others say why) serially, on two threads, and spread over MPI
// ranks (mpirun -np 2, each rank with one thread, then two): the JSON is byte-identical. A bad grid under mpirun is
// one located error from rank 0 and exit 2 from every rank. Open MPI's own allocations are never freed, so the leak
// checker is off for the ranks (ASan's other checks stay on).
TEST(Cli, SweepOverMpiRanksIsByteIdentical) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("aifabric-mpi-{}", ::getpid());
  fs::create_directories(dir);
  std::ofstream(dir / "grid.yaml") << "base: " << kSrc << "/examples/h100-1024-rail.yaml\naxes:\n  - {field: cluster.servers, values: [16, 32, 64]}\n"
                                   << "  - {field: fabric.load_balancing, values: [ecmp, spraying]}\nworkload: {size: 64M, job: " << kSrc << "/tests/data/sweep-job-256.yaml}\n";
  const std::string grid = (dir / "grid.yaml").string();
  const std::string mpirun = fmt::format("env ASAN_OPTIONS=detect_leaks=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 {} -np 2 --oversubscribe", AIFABRIC_MPIEXEC);
  const Result serial = run(fmt::format("sweep {} --format json -q", grid));
  ASSERT_EQ(serial.code, 0) << serial.err;
  EXPECT_NE(serial.out.find("\"mfu\""), std::string::npos) << serial.out.substr(0, 400);
  EXPECT_EQ(run(fmt::format("sweep {} --format json -q --threads 2", grid)).out, serial.out);
  const Result ranks = run_with(mpirun, fmt::format("sweep {} --format json -q", grid));
  ASSERT_EQ(ranks.code, 0) << ranks.err;
  EXPECT_EQ(ranks.out, serial.out);
  EXPECT_EQ(run_with(mpirun, fmt::format("sweep {} --format json -q --threads 2", grid)).out, serial.out);
  std::ofstream(dir / "bad.yaml") << "base: " << kSrc << "/examples/h100-1024-rail.yaml\naxes:\n  - {field: fabric.switchh, values: [x]}\n";
  const Result bad = run_with(mpirun, fmt::format("sweep {} -q -o {}", (dir / "bad.yaml").string(), (dir / "never.json").string()));
  EXPECT_EQ(bad.code, 2) << bad.err;  // mpirun's status: the first rank's non-zero one
  const size_t said = bad.err.find("aifabric: error: ");
  ASSERT_NE(said, std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("aifabric: error: ", said + 1), std::string::npos) << bad.err;  // once, from rank 0 only
  EXPECT_NE(bad.err.find("bad.yaml:3:"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "never.json"));
  fs::remove_all(dir);
}

// The bundled design questions answer: the cheapest 16K-GPU fabric losing at most 5% of a Llama-3-405B step to the
// network (DesignQuestion16k, under the label "long": 23 s in the sanitized build), and the lowest-power optics of
// the 1,024-GPU example at the bandwidth it has; each a winner found with fewer points simulated than the grid holds.
void expect_answer(const std::string& grid, const std::string& target, const std::string& minimize) {
  const Result r = run(fmt::format("optimize {}/examples/{} --target '{}' --minimize {} --threads 2", kSrc, grid, target, minimize));
  ASSERT_EQ(r.code, 0) << grid << ": " << r.err;
  EXPECT_NE(r.out.find("winner: point "), std::string::npos) << r.out;
  const size_t planned = r.out.find("planned "), simulated = r.out.find("simulated ");
  ASSERT_NE(simulated, std::string::npos) << r.out;
  EXPECT_LT(std::stoll(r.out.substr(simulated + 10)), std::stoll(r.out.substr(planned + 8))) << r.out;
}

TEST(Cli, DesignQuestionOptics) { expect_answer("sweep-1024-optics.yaml", "busbw>=340", "power"); }
TEST(Cli, DesignQuestion16k) { expect_answer("sweep-16k-llama3.yaml", "step_ms<=1.05*ideal", "cost"); }

TEST(Cli, JsonIsDeterministic) {
  const Result a = run("plan --json " + kSrc + "/examples/h100-1024-rail.yaml");
  const Result b = run("plan --json " + kSrc + "/examples/h100-1024-rail.yaml");
  EXPECT_EQ(a.code, 0);
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find("\"schema\": \"aifabric.plan/1\""), std::string::npos);
}

TEST(Cli, RunWritesReportFilesAtomically) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("aifabric-run-{}", ::getpid());
  fs::remove_all(dir);
  const Result r = run(fmt::format("run -q {}/examples/h100-1024-rail.yaml -o {}", kSrc, dir.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* f : {"plan.txt", "plan.json", "topology.dot"}) EXPECT_TRUE(fs::exists(dir / f)) << f;
  for (const auto& e : fs::directory_iterator(dir)) EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  EXPECT_NE(r.err.find("report written to"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Cli, CheckSeedProposalSaysWhereItDoesNotAddUp) {
  const Result r = run("check " + kSrc + "/examples/seed-001-1024-gpu-proposal.yaml");
  EXPECT_EQ(r.code, 3) << r.err;  // 3: the proposal does not add up
  EXPECT_NE(r.out.find("DOES NOT ADD UP"), std::string::npos);
  EXPECT_NE(r.out.find("9,484.8 W"), std::string::npos);
  EXPECT_NE(r.out.find("28,672 fibre positions"), std::string::npos);
}

TEST(Cli, JobComparesFabrics) {
  const Result r = run("job --job " + kSrc + "/examples/job-13b-dp512.yaml --spec " + kSrc + "/examples/cluster-100g.yaml --spec " + kSrc +
                       "/examples/cluster-400g.yaml");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("cluster-100g"), std::string::npos);
  EXPECT_NE(r.out.find("XPU utilisation"), std::string::npos);
}

TEST(Cli, PerfPrintsNcclTestsTable) {
  const Result r = run("perf all_reduce --spec " + kSrc + "/examples/h100-1024-rail.yaml -b 8 -e 1M -f 16 --group rail:0");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("#       size         count      type   redop    root     time   algbw   busbw #wrong"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# Avg bus bandwidth"), std::string::npos);
}

// The default algorithm is NCCL's choice per size, said in the header; --backend nccl-model prints NCCL's own time
// (Tree/LL at 8 B over 1,024 H100: 6.8 + 2 x (7 x 0.6 + 7 x 5.0) = 85.2 us).
TEST(Cli, PerfRunsNcclsChoiceAndPrintsItsModel) {
  const std::string base = "perf all_reduce --spec " + kSrc + "/examples/h100-1024-rail.yaml -b 8 -e 64M -f 8";
  const Result r = run(base);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("from 8 B: tree LL (16 channels); NCCL's choice: Tree/LL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tree LL128 (16 channels); NCCL's choice: Tree/LL128"), std::string::npos) << r.out;
  const Result m = run(base + " --backend nccl-model");
  EXPECT_EQ(m.code, 0) << m.err;
  EXPECT_NE(m.out.find("           8             2     float     sum      -1    85.20"), std::string::npos) << m.out;
  const Result forced = run(base + " --algo ring --proto simple");
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_NE(forced.out.find("from 8 B: ring Simple (16 channels); as asked: Ring/Simple"), std::string::npos) << forced.out;
}

// --execution graph runs the chunk graph on the flow and packet backends and says so, the analytic backend gives
// its bound; a bad value is a one-line error and exit 2. A 4 MiB all-reduce over 16 ranks at Simple crosses 2 x 15 steps
// in one loop of 2 MiB per step or less, so the graph and the steady state agree to well within 10%.
TEST(Cli, PerfRunsTheChunkGraphWhenAsked) {
  const std::string base = "perf all_reduce --spec " + kSrc + "/examples/h100-1024-rail.yaml --ranks 16 --algo ring --proto simple -b 4M -e 4M";
  const Result g = run(base + " --execution graph");
  ASSERT_EQ(g.code, 0) << g.err;
  EXPECT_NE(g.out.find("backend flow on the dependency graph of chunk transfers"), std::string::npos) << g.out;
  const Result p = run(base);
  ASSERT_EQ(p.code, 0) << p.err;
  auto time_us = [](const std::string& out) {
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream row(line);
      std::string col;
      for (int k = 0; k < 6; ++k) row >> col;
      return std::stod(col);
    }
    return -1.0;
  };
  EXPECT_NEAR(time_us(g.out) / time_us(p.out), 1.0, 0.10) << g.out << p.out;
  const Result bad = run(base + " --execution chunks");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--execution: 'chunks' is not valid; expected phases or graph"), std::string::npos) << bad.err;
  const Result packet = run(base + " --execution graph --backend packet");
  ASSERT_EQ(packet.code, 0) << packet.err;
  EXPECT_NEAR(time_us(packet.out) / time_us(g.out), 1.0, 0.05) << packet.out << g.out;
  const Result model = run(base + " --execution graph --backend nccl-model");
  EXPECT_EQ(model.code, 2);
  EXPECT_NE(model.err.find("--execution: NCCL's tuning model has no dependency graph"), std::string::npos) << model.err;
  EXPECT_EQ(model.out, "");
  const Result analytic = run(base + " --execution graph --backend analytic");
  ASSERT_EQ(analytic.code, 0) << analytic.err;
  EXPECT_LE(time_us(analytic.out), time_us(g.out) * (1 + 1e-4)) << analytic.out << g.out;
}

// Same input, same bytes: every bundled example run twice gives identical files; another seed changes
// what hashing decides (ECMP) and nothing else.
TEST(Cli, RunsAreDeterministic) {
  for (const auto& ex : fs::directory_iterator(fs::path(kSrc) / "examples")) {
    const std::string name = ex.path().filename().string();
    if (ex.path().extension() != ".yaml" || name.find("proposal") != std::string::npos || name.rfind("job-", 0) == 0 || name.rfind("sweep-", 0) == 0) continue;
    // The whole run (collectives, a step, packets with a failure) for one example; the plan for every example. (ECMP's
    // packet runs repeat below, by seed.)
    const bool big = name != "h100-1024-rail.yaml";
    std::string outs[2];
    for (int k = 0; k < 2; ++k) {
      const fs::path dir = fs::temp_directory_path() / fmt::format("aifabric-det-{}-{}", ::getpid(), k);
      fs::remove_all(dir);
      const Result r = run(fmt::format("run -q {} {} -o {}", big ? "--plan-only" : "", ex.path().string(), dir.string()));
      ASSERT_EQ(r.code, 0) << name << ": " << r.err;
      for (const char* f : {"plan.json", "results.json", "report.html", "plan.txt", "perf.csv", "bom.csv"}) outs[k] += slurp(dir / f);
      fs::remove_all(dir);
    }
    EXPECT_EQ(outs[0], outs[1]) << name << " is not byte-identical across runs";
  }
  // The seed picks the permutation's pairs and the sprayed paths: the same seed repeats, another differs.
  const std::string cmd = "packet --spec " + kSrc + "/examples/cluster-400g.yaml --traffic permutation --bytes 64K --seed ";
  const Result a = run(cmd + "1"), a2 = run(cmd + "1"), b = run(cmd + "2");
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, a2.out);
  EXPECT_NE(a.out, b.out) << "another seed should give another permutation and other paths";
}

// The receiver's ack policy is an option and the run says which one it used: with an ack per packet there are as
// many acks as data packets; coalesced, fewer; a size that is none is a located error.
TEST(Cli, PacketAckCoalescingIsAnOptionAndSaysSo) {
  const std::string cmd = "packet -q --spec " + kSrc + "/examples/cluster-400g.yaml --traffic permutation --bytes 64K --lb spraying --no-ecn --ack-every ";
  const Result every = run(cmd + "0"), coalesced = run(cmd + "16K"), bad = run(cmd + "4Q");
  ASSERT_EQ(every.code, 0) << every.err;
  ASSERT_EQ(coalesced.code, 0) << coalesced.err;
  EXPECT_NE(every.out.find("(an ack per packet)"), std::string::npos) << every.out;
  EXPECT_NE(coalesced.out.find("(an ack per 16,384 B, selective)"), std::string::npos) << coalesced.out;
  auto counts = [](const std::string& out) {
    const size_t at = out.find(" data + ");
    const size_t start = out.rfind(' ', at - 1) + 1;
    return std::pair{std::stoll(out.substr(start, at - start)), std::stoll(out.substr(at + 8))};
  };
  const auto [data_every, acks_every] = counts(every.out);
  const auto [data_coalesced, acks_coalesced] = counts(coalesced.out);
  EXPECT_EQ(acks_every, data_every);
  EXPECT_LT(acks_coalesced, data_coalesced / 2);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--ack-every"), std::string::npos) << bad.err;
}

// `trace` replays ASTRA-sim's 8-rank all-reduce microbenchmark, and a SimAI workload of one 16-rank all-reduce, and
// each gives the collective's own time from `perf` on the same ranks; a prefix with no files is a located error.
TEST(Cli, TraceReplaysChakraFiles) {
  const std::string spec = kSrc + "/examples/cluster-400g.yaml";
  const Result t = run("trace " + kSrc + "/tests/data/chakra/astra-sim-microbenchmarks/all_reduce/8npus_1MB/all_reduce --spec " + spec + " --backend analytic --json");
  ASSERT_EQ(t.code, 0) << t.err;
  const auto j = nlohmann::json::parse(t.out);
  EXPECT_EQ(j["schema"], "aifabric.trace/1");
  EXPECT_EQ(j["nodes"], 8);
  const Result p = run("perf all_reduce --spec " + spec + " --ranks 8 -b 1M -e 1M --backend analytic --json");
  ASSERT_EQ(p.code, 0) << p.err;
  const auto pj = nlohmann::json::parse(p.out);
  EXPECT_EQ(j["makespan_ps"].get<int64_t>(), pj["rows"][0]["time_ps"].get<int64_t>()) << t.out << p.out;
  // A SimAI workload file (one all-reduce over 16 ranks) the same way.
  const Result s = run("trace " + kSrc + "/tests/data/simai/micro-allreduce-16.txt --spec " + spec + " --backend analytic --json");
  ASSERT_EQ(s.code, 0) << s.err;
  const Result p16 = run("perf all_reduce --spec " + spec + " --ranks 16 -b 1M -e 1M --backend analytic --json");
  EXPECT_EQ(nlohmann::json::parse(s.out)["makespan_ps"].get<int64_t>(), nlohmann::json::parse(p16.out)["rows"][0]["time_ps"].get<int64_t>());
  // A job's step written as Chakra traces replays through `trace` with the process groups written beside them.
  const std::string dir = (fs::temp_directory_path() / fmt::format("aifabric-chakra-{}", ::getpid())).string();
  fs::create_directories(dir);
  std::ofstream(dir + "/two.yaml") << "cluster: {server: dgx-h100, servers: 2}\nfabric: {topology: rail-optimized, switch: quantum2-qm9700}\n"
                                       "layout: {servers_per_rack: 4, racks_per_row: 8}\npower: {rack_power_limit_kw: 45}\n";
  std::ofstream(dir + "/job.yaml") << "model: {layers: 8, hidden: 5120, sequence: 2048, vocab: 51200, ffn_hidden: 20480}\n"
                                      "batch: {global: 16}\nparallelism: {tp: 2, pp: 2, dp: 4}\n";
  const Result w = run("job --job " + dir + "/job.yaml --spec " + dir + "/two.yaml --backend analytic --chakra-out " + dir + "/step");
  ASSERT_EQ(w.code, 0) << w.err;
  EXPECT_TRUE(fs::exists(dir + "/step.15.et"));
  const Result back = run("trace " + dir + "/step --spec " + dir + "/two.yaml --backend analytic --comm-groups " + dir + "/step.groups.json --json");
  ASSERT_EQ(back.code, 0) << back.err;
  EXPECT_EQ(nlohmann::json::parse(back.out)["world"], 16);
  fs::remove_all(dir);
  const Result missing = run("trace /nonexistent/prefix --spec " + spec);
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/prefix.0.et: prefix: no such file"), std::string::npos) << missing.err;
}

TEST(Cli, CompareDesignsSideBySide) {
  const Result r = run("compare --spec " + kSrc + "/examples/oversub-1to1.yaml --spec " + kSrc + "/examples/oversub-2to1.yaml --size 256M --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"schema\": \"aifabric.compare/1\""), std::string::npos);
  EXPECT_NE(r.out.find("\"oversub-1to1\""), std::string::npos);
  EXPECT_NE(r.out.find("\"oversub-2to1\""), std::string::npos);
  const Result t = run("compare --spec " + kSrc + "/examples/cluster-100g.yaml --spec " + kSrc + "/examples/cluster-400g.yaml --job " + kSrc +
                       "/examples/job-13b-dp512.yaml --group rail:0 --size 1G");
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.out.find("util %"), std::string::npos);
  EXPECT_EQ(run("compare --spec " + kSrc + "/examples/cluster-400g.yaml").code, 2) << "one design is not a comparison";
}

// SHARP on the QM9700s: NCCL runs NVLS across nodes and the 1 GiB all-reduce is bound by NVLink, not the NICs:
// algbw = 370.75 GB/s x 5/6 (NVLS) x 8/9 (each GPU moves S (1 + 1/8) each way) = 274.6 GB/s, busbw x 2 x 1023/1024,
// less the latency of 43 us on 3.9 ms. Without SHARP the tree is bound by the NICs, well below.
TEST(Cli, InNetworkReductionIsComparedAgainstTheSameFabricWithout) {
  const Result r = run("compare --spec " + kSrc + "/examples/h100-1024-rail.yaml --spec " + kSrc + "/examples/h100-1024-rail-sharp.yaml --size 1G --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const double plain = j["designs"][0]["busbw_gbytes_per_s"], sharp = j["designs"][1]["busbw_gbytes_per_s"];
  const double nvlink_bound = 370.75 * 5 / 6 * 8 / 9 * 2 * 1023 / 1024;
  EXPECT_LT(sharp, nvlink_bound);
  EXPECT_GT(sharp, 0.97 * nvlink_bound);
  EXPECT_LT(plain, 0.7 * sharp);
}

// The same hot-spot traffic packet by packet on an ECMP + RoCE + PFC fabric and a cell fabric, from specs
// that carry their transport and flow control: one row each, with the hot spot and the victims apart.
TEST(Cli, CompareRunsTrafficPacketByPacket) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("aifabric-cmp-{}", ::getpid());
  fs::create_directories(dir);
  const std::string common = "cluster: {server: dgx-h100, servers: 16}\nlayout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n";
  std::ofstream(dir / "ecmp.yaml") << "name: ecmp-roce-pfc\nfabric: {tiers: 2, load_balancing: ecmp, transport: roce, pfc: true}\n" << common;
  std::ofstream(dir / "cells.yaml") << "name: cells\nfabric: {architecture: switch-scheduled, transport: roce}\n" << common;
  const Result r = run("compare --spec " + (dir / "ecmp.yaml").string() + " --spec " + (dir / "cells.yaml").string() +
                       " --size 16M --traffic hotspot:16 --bytes 64K --json --html " + (dir / "cmp.html").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = slurp(dir / "cmp.html");
  EXPECT_NE(html.find("Packet level: hotspot:16"), std::string::npos);
  EXPECT_NE(html.find("Victims' p99 completion time"), std::string::npos);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["designs"].size(), 2u);
  const auto& ecmp = j["designs"][0]["packet"];
  const auto& cells = j["designs"][1]["packet"];
  EXPECT_EQ(ecmp["settings"].get<std::string>(), "ecmp, roce-dcqcn transport, PFC (th5-64x800g-osfp: no published thresholds, XOFF half the port buffer, XON two "
                              "packets below; headroom per ingress from its link)");
  EXPECT_EQ(cells["settings"], "switch-scheduled cells, roce-dcqcn transport, lossless by credits");
  EXPECT_TRUE(ecmp["conserved"].get<bool>());
  EXPECT_TRUE(cells["conserved"].get<bool>());
  EXPECT_EQ(cells["drops"], 0);
  EXPECT_EQ(cells["pfc_pauses"], 0);
  EXPECT_GT(cells["hot_spot"]["jain_index"].get<double>(), 0.99);
  EXPECT_EQ(run("compare --spec " + (dir / "ecmp.yaml").string() + " --spec " + (dir / "cells.yaml").string() + " --traffic hotspot:16 --bytes none").code, 2);
  fs::remove_all(dir);
}

// With --fail, perf also times the whole fabric: one plane of two down halves the rail's bus bandwidth, and a
// packet run says what was lost with a spine and that every byte still arrived.
TEST(Cli, FailuresAreCostedAgainstTheWholeFabric) {
  const Result r = run("perf all_reduce --spec " + kSrc + "/examples/8k-51t-2plane-2tier.yaml --group rail:0 -b 8G -e 8G --fail plane:0 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const double hurt = j["rows"][0]["busbw_gbytes_per_s"], whole = j["without_failures"][0]["busbw_gbytes_per_s"];
  EXPECT_NEAR(hurt / whole, 0.5, 0.03) << "large messages: bandwidth-bound";
  const Result p = run("packet --spec " + kSrc + "/examples/cluster-400g.yaml --traffic permutation --bytes 256K --lb spraying --fail switch:spine1@5us -q --json");
  ASSERT_EQ(p.code, 0) << p.err;
  const auto k = nlohmann::json::parse(p.out);
  EXPECT_EQ(k["bytes_delivered"], k["bytes_offered"]);
  ASSERT_EQ(k["failures"].size(), 1u);
  EXPECT_EQ(k["failures"][0]["at_ps"], 5'000'000);
  EXPECT_TRUE(k.contains("without_failures"));
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("plan").code, 2);
  EXPECT_EQ(run("frobnicate x").code, 2);
  const Result r = run("plan /no/such/spec.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/no/such/spec.yaml"), std::string::npos);
}

// Every bundled example plans cleanly (proposals are checked by `check`).
class Example : public ::testing::TestWithParam<std::string> {};

TEST_P(Example, Plans) {
  const Result r = run("plan " + kSrc + "/examples/" + GetParam());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("deployment checks:"), std::string::npos);
}

std::vector<std::string> examples() {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(fs::path(kSrc) / "examples")) {
    const std::string n = e.path().filename().string();
    if (e.path().extension() == ".yaml" && n.find("proposal") == std::string::npos && n.rfind("job-", 0) != 0 && n.rfind("sweep-", 0) != 0) v.push_back(n);
  }
  std::sort(v.begin(), v.end());
  return v;
}

INSTANTIATE_TEST_SUITE_P(Bundled, Example, ::testing::ValuesIn(examples()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n) if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

// One test per file in tests/bad-inputs: the first line says "# expect: <text>"; "# command: check" picks the command.
class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, FailsCleanly) {
  const fs::path file = fs::path(kSrc) / "tests/bad-inputs" / GetParam();
  std::ifstream in(file);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  ASSERT_EQ(first.rfind("# expect: ", 0), 0u) << "first line must be '# expect: ...'";
  const std::string expect = first.substr(10);
  std::string command = second.rfind("# command: ", 0) == 0 ? second.substr(11) : "plan";
  for (size_t at; (at = command.find("{src}")) != std::string::npos;) command.replace(at, 5, kSrc);
  const fs::path out = fs::temp_directory_path() / fmt::format("aifabric-bad-{}-{}", ::getpid(), GetParam());
  fs::remove(out);
  // The file goes where the command says {file}, else at the end.
  std::string cmdline = command;
  if (const auto at = cmdline.find("{file}"); at != std::string::npos) cmdline.replace(at, 6, file.string());
  else cmdline += fmt::format(" {}", file.string());
  const Result r = run(fmt::format("{} -o {}", cmdline, out.string()));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_EQ(r.err.rfind("aifabric: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(expect), std::string::npos) << "expected '" << expect << "' in: " << r.err;
  EXPECT_FALSE(fs::exists(out)) << "no partial output";
  // Errors about a spot in a file carry file:line:column.
  const std::string located = r.err.substr(17);
  const bool has_position = located.find(".yaml:") != std::string::npos || located.find(".txt:") != std::string::npos ||
                            located.find(".csv:") != std::string::npos;
  EXPECT_TRUE(has_position || r.err.find("cannot open") != std::string::npos || r.err.find("error: command line: ") != std::string::npos) << r.err;
}

std::vector<std::string> bad_inputs() {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(fs::path(kSrc) / "tests/bad-inputs")) {
    if (e.path().extension() == ".yaml" || e.path().extension() == ".csv") v.push_back(e.path().filename().string());
  }
  std::sort(v.begin(), v.end());
  return v;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(bad_inputs()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n) if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

TEST(BadInputCorpus, HasAtLeastFortyCases) { EXPECT_GE(bad_inputs().size(), 40u); }

}  // namespace
