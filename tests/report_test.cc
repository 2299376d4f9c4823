// The report a person looks at: rendered in headless Chromium with no script errors and a mark in every plot,
// a screenshot kept as a test artifact; the 131,072-XPU report stays small; interrupted runs say they are partial.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/progress.h"

namespace {

namespace fs = std::filesystem;
const std::string kSrc = AIFABRIC_SOURCE_DIR;
const std::string kBin = AIFABRIC_BIN;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int sh(const std::string& cmd) {
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / fmt::format("aifabric-{}-{}", name, ::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

const char* kChromium =
    "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --hide-scrollbars";

// Renders `html` in headless Chromium; the page's own script records errors and counts marks per plot.
void check_in_browser(const fs::path& html, const fs::path& out, int min_plots) {
  const fs::path profile = out / "profile";
  ASSERT_EQ(sh(fmt::format("{} --user-data-dir={} --enable-logging=stderr --v=0 --dump-dom file://{} >{} 2>{}", kChromium, profile.string(), html.string(),
                           (out / "dom.html").string(), (out / "console.log").string())),
            0);
  const std::string dom = slurp(out / "dom.html");
  const auto at = dom.find("data-result=\"");
  ASSERT_NE(at, std::string::npos) << "the self-check did not run";
  const std::string quoted = dom.substr(at + 13, dom.find('"', at + 13) - at - 13);
  std::string json;  // the attribute's &quot; back to quotes (built anew: GCC 12 warns falsely on replace in place)
  for (size_t i = 0; i < quoted.size();) {
    if (quoted.compare(i, 6, "&quot;") == 0) { json += '"'; i += 6; } else { json += quoted[i++]; }
  }
  const auto r = nlohmann::json::parse(json);
  EXPECT_GE(r["plots"].get<int>(), min_plots) << json;
  EXPECT_TRUE(r["empty"].empty()) << "plots with no marks: " << json;
  EXPECT_TRUE(r["errors"].empty()) << "script errors: " << json;
  const std::string console = slurp(out / "console.log");
  EXPECT_EQ(console.find("Uncaught"), std::string::npos) << console;
}

TEST(Report, RendersInHeadlessChromium) {
  ASSERT_EQ(sh("command -v chromium >/dev/null"), 0) << "chromium is installed by scripts/install-deps.sh (make test runs it)";
  const fs::path out = fresh_dir("report");
  ASSERT_EQ(sh(fmt::format("{} run -q {}/examples/h100-1024-rail.yaml -o {} 2>/dev/null", kBin, kSrc, out.string())), 0);
  const fs::path html = out / "report.html";
  ASSERT_TRUE(fs::exists(html));
  // Self-contained: no network fetches.
  const std::string text = slurp(html);
  for (size_t p = text.find("http://"); p != std::string::npos; p = text.find("http://", p + 1)) {
    EXPECT_EQ(text.compare(p, 26, "http://www.w3.org/2000/svg"), 0) << "a fetchable address at " << p;  // the SVG namespace is a name, not a fetch
  }
  EXPECT_EQ(text.find("https://"), std::string::npos);
  EXPECT_EQ(text.find("<link "), std::string::npos);
  EXPECT_EQ(text.find(" src=\""), std::string::npos);
  check_in_browser(html, out, 10);  // topology, power, racks, rack elevations, lengths, busbw, utilisation, two over time, step
  EXPECT_NE(text.find("data-plot=\"rack-elevations\""), std::string::npos);
  EXPECT_NE(text.find("<title>su0-srv0 (server, dgx-h100), U1-8</title>"), std::string::npos) << "a DGX H100 (8U) at the bottom of its rack";
  const fs::path profile = out / "profile";
  // Screenshot kept as an artifact beside the test binary.
  const fs::path shot = fs::current_path() / "artifacts" / "report.png";
  fs::create_directories(shot.parent_path());
  ASSERT_EQ(sh(fmt::format("{} --user-data-dir={} --window-size=1250,3600 --screenshot={} file://{} >/dev/null 2>&1", kChromium, profile.string(), shot.string(),
                           html.string())),
            0);
  ASSERT_TRUE(fs::exists(shot));
  EXPECT_GT(fs::file_size(shot), 50'000u);
  EXPECT_EQ(slurp(shot).substr(1, 3), "PNG");
}

TEST(Report, CompareRendersSideBySide) {
  ASSERT_EQ(sh("command -v chromium >/dev/null"), 0);
  const fs::path out = fresh_dir("compare");
  ASSERT_EQ(sh(fmt::format("{} compare --spec {}/examples/cluster-100g.yaml --spec {}/examples/cluster-400g.yaml --job {}/examples/job-13b-dp512.yaml "
                           "--group rail:0 --size 1G --html {} >/dev/null 2>&1",
                           kBin, kSrc, kSrc, kSrc, (out / "compare.html").string())),
            0);
  check_in_browser(out / "compare.html", out, 4);
}

TEST(Report, LargePlanStaysSmallAndAggregated) {
  const fs::path out = fresh_dir("report131k");
  ASSERT_EQ(sh(fmt::format("{} run -q --plan-only {}/examples/multiplane-131k.yaml -o {} 2>/dev/null", kBin, kSrc, out.string())), 0);
  const auto size = fs::file_size(out / "report.html");
  EXPECT_LT(size, 3'000'000u) << "report of 131,072 XPUs should stay under a few MB";
  const std::string text = slurp(out / "report.html");
  // Aggregated topology: at most 16 boxes per tier, so a few dozen rectangles, not 6,144 switches.
  const auto topo_begin = text.find("data-plot=\"topology\"");
  const auto topo_end = text.find("</figure>", topo_begin);
  size_t rects = 0;
  for (size_t p = text.find("<rect", topo_begin); p != std::string::npos && p < topo_end; p = text.find("<rect", p + 1)) ++rects;
  EXPECT_GT(rects, 2u);
  EXPECT_LE(rects, 16u * 3);
}

TEST(Report, JsonCarriesEveryNumberWithUnits) {
  const fs::path out = fresh_dir("reportjson");
  ASSERT_EQ(sh(fmt::format("{} run -q {}/examples/h100-1024-rail.yaml -o {} 2>/dev/null", kBin, kSrc, out.string())), 0);
  const auto res = nlohmann::json::parse(slurp(out / "results.json"));
  EXPECT_EQ(res["schema"], "aifabric.results/1");
  EXPECT_FALSE(res["partial"].get<bool>());
  ASSERT_EQ(res["allreduce_sweeps"].size(), 3u);  // analytic, flow and (for clusters up to 2,048 XPUs) packet
  EXPECT_EQ(res["allreduce_sweeps"][2]["backend"], "packet");
  EXPECT_TRUE(res["allreduce_sweeps"][1]["rows"][0].contains("busbw_gbytes_per_s"));
  EXPECT_TRUE(res["training_step"].contains("step_ps"));
  ASSERT_TRUE(res.contains("packet_timeline"));
  EXPECT_GT(res["packet_timeline"]["samples"].size(), 10u);
  EXPECT_EQ(res["packet_timeline"]["samples"][0]["utilisation_by_tier"].size(), 2u);
  // The same run with one spine failing: its samples, and what it lost, how long recovery took, what it cost.
  ASSERT_TRUE(res.contains("packet_failure"));
  EXPECT_GT(res["packet_failure"]["samples"].size(), 10u);
  EXPECT_EQ(res["packet_failure"]["findings"].size(), 3u);
  EXPECT_NE(slurp(out / "report.html").find("When a spine fails"), std::string::npos);
  for (const char* csv : {"bom.csv", "racks.csv", "links.csv", "perf.csv", "step.csv"}) EXPECT_TRUE(fs::exists(out / csv)) << csv;
}

TEST(Report, InterruptedRunIsMarkedPartial) {
  const fs::path out = fresh_dir("interrupt");
  // A 131,072-XPU run takes long enough to be interrupted mid-way.
  const std::string cmd = fmt::format("{} run -q {}/examples/multiplane-131k.yaml -o {} 2>/dev/null & pid=$!; sleep 1.5; kill -INT $pid; wait $pid", kBin, kSrc, out.string());
  const int code = sh(cmd);
  if (code == 0) GTEST_SKIP() << "the run finished before the signal";
  EXPECT_EQ(code, 130);
  const auto res = nlohmann::json::parse(slurp(out / "results.json"));
  EXPECT_TRUE(res["partial"].get<bool>());
  EXPECT_NE(slurp(out / "report.html").find("interrupted"), std::string::npos);
  for (const auto& e : fs::directory_iterator(out)) EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos);
}

TEST(Progress, DrawsOnlyAfterASecondAndOnlyWhenEnabled) {
  double now = 0;
  auto clock = [&] { return now; };
  ::testing::internal::CaptureStderr();
  {
    aifabric::Progress p(10, true, clock);
    now = 0.5;
    p.update(1, "early");
    now = 1.5;
    p.update(5, "later");
    aifabric::Progress quiet(10, false, clock);
    now = 3;
    quiet.update(9, "quiet");
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.find("early"), std::string::npos);
  EXPECT_NE(err.find("5/10 later"), std::string::npos);
  EXPECT_EQ(err.find("quiet"), std::string::npos);
}

}  // namespace
