// NCCL-tests columns: size count type redop root | time algbw busbw #wrong | (in-place) time algbw busbw #wrong.
#include "report/perf_table.h"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace aifabric {

PerfRow perf_row(CollectiveKind kind, int64_t ranks, int64_t bytes, Picoseconds time) {
  PerfRow r;
  r.bytes = bytes;
  r.time = time;
  const double sec = time.seconds();
  r.algbw_gbs = sec > 0 ? static_cast<double>(bytes) / sec / 1e9 : 0;
  r.busbw_gbs = r.algbw_gbs * busbw_factor(kind, ranks);
  return r;
}

namespace {
// NCCL-tests prints time in microseconds with fewer decimals as it grows.
std::string time_us(double us) {
  if (us < 10000) return fmt::format("{:7.2f}", us);
  if (us < 100000) return fmt::format("{:7.1f}", us);
  return fmt::format("{:7.0f}", us);
}
}  // namespace

std::string render_perf_table(const PerfSweep& s) {
  std::string o;
  o += "# " + s.title + "\n";
  for (const std::string& c : s.choices) o += "#   " + c + "\n";
  o += "#\n";
  o += "#                                                              out-of-place                       in-place          \n";
  o += "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong\n";
  o += "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       \n";
  const bool rooted = s.kind == CollectiveKind::Broadcast || s.kind == CollectiveKind::Reduce;
  double sum = 0;
  for (const auto& r : s.rows) {
    const std::string t = time_us(r.time.seconds() * 1e6);
    const std::string half = fmt::format("  {}  {:6.2f}  {:6.2f}  {:>5}", t, r.algbw_gbs, r.busbw_gbs, "N/A");
    o += fmt::format("{:>12}  {:>12}  {:>8}  {:>6}  {:>6}{}{}\n", r.bytes, r.bytes / 4, "float", nccl_tests_redop(s.kind), rooted ? 0 : -1, half, half);
    sum += r.busbw_gbs;
  }
  o += "# Out of bounds values : 0 OK\n";
  o += fmt::format("# Avg bus bandwidth    : {:.4f} \n#\n", s.rows.empty() ? 0.0 : sum / static_cast<double>(s.rows.size()));
  for (size_t i = 0; i < s.healthy.size() && i < s.rows.size(); ++i) {
    const PerfRow& h = s.healthy[i];
    const PerfRow& r = s.rows[i];
    o += fmt::format("# without the failures at {} B: busbw {:.2f} GB/s, time {} us; the failures cost {:.1f}% of the bandwidth\n", r.bytes, h.busbw_gbs,
                     time_us(h.time.seconds() * 1e6), h.busbw_gbs > 0 ? 100 * (1 - r.busbw_gbs / h.busbw_gbs) : 0.0);
  }
  return o;
}

std::string render_perf_json(const PerfSweep& s) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.perf/1";
  j["title"] = s.title;
  j["collective"] = std::string(to_string(s.kind));
  j["ranks"] = s.ranks;
  j["busbw_factor"] = busbw_factor(s.kind, s.ranks);
  j["choices"] = s.choices;
  auto rows = nlohmann::ordered_json::array();
  for (const auto& r : s.rows) {
    rows.push_back({{"size_bytes", r.bytes}, {"time_ps", r.time.count()}, {"algbw_gbytes_per_s", r.algbw_gbs}, {"busbw_gbytes_per_s", r.busbw_gbs}});
  }
  j["rows"] = rows;
  if (!s.healthy.empty()) {
    auto healthy = nlohmann::ordered_json::array();
    for (const auto& r : s.healthy) healthy.push_back({{"size_bytes", r.bytes}, {"time_ps", r.time.count()}, {"busbw_gbytes_per_s", r.busbw_gbs}});
    j["without_failures"] = healthy;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int64_t parse_size(const std::string& s) {
  if (s.empty()) return -1;
  size_t i = 0;
  int64_t v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (v > (int64_t{1} << 50)) return -1;
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  if (i == 0) return -1;
  if (i == s.size()) return v;
  if (i + 1 != s.size()) return -1;
  switch (std::toupper(static_cast<unsigned char>(s[i]))) {
    case 'K': return v << 10;
    case 'M': return v << 20;
    case 'G': return v << 30;
    case 'T': return v << 40;
    default: return -1;
  }
}

}  // namespace aifabric
