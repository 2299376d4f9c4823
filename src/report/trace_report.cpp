// Trace replay as text and JSON.
#include "report/trace_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/number_format.h"

namespace aifabric {

namespace {
double us(Picoseconds p) { return p.seconds() * 1e6; }
std::string op_name(const TraceCollective& c) { return c.point_to_point ? std::string("send/recv") : std::string(to_string(c.kind)); }
}  // namespace

std::string render_trace_text(const TraceReplayResult& r, const std::string& title) {
  std::string o = fmt::format("aifabric trace: {}\n", title);
  o += fmt::format("  {} nodes executed, each once, in dependency order; the last finishes at {:.3f} us (rank {})\n", with_thousands(r.nodes), us(r.makespan),
                   r.critical_rank);
  const auto [lo, hi] = std::minmax_element(r.finish.begin(), r.finish.end());
  o += fmt::format("  finish per traced rank: {:.3f} to {:.3f} us; XPU compute busy {:.3f} to {:.3f} us\n", us(*lo), us(*hi),
                   us(*std::min_element(r.compute.begin(), r.compute.end())), us(*std::max_element(r.compute.begin(), r.compute.end())));
  const Picoseconds exposed = r.finish[static_cast<size_t>(r.critical_rank)] - r.compute[static_cast<size_t>(r.critical_rank)];
  o += fmt::format("  rank {}: its XPU not computing for {:.3f} us (communication it waited for, host-side work, idle)\n", r.critical_rank, us(exposed));
  o += fmt::format("  critical path: {} nodes, compute {:.3f} us, communication {:.3f} us\n", r.path_nodes, us(r.path_compute), us(r.path_communication));
  if (r.control_deps > 0) o += fmt::format("  {} control dependencies read and not followed (execution follows data dependencies, as Chakra's feeder)\n", with_thousands(r.control_deps));
  if (r.traced < r.world) o += fmt::format("  ranks {} to {} have no trace: they mirror the traced ones (ready for every operation when these are)\n", r.traced, r.world - 1);
  o += "  communication (each distinct operation):\n";
  o += fmt::format("    {:<16} {:>16} {:>7} {:>7} {:>12} {:>12}\n", "operation", "bytes", "ranks", "count", "each us", "total us");
  for (const TraceCollective& c : r.collectives) {
    o += fmt::format("    {:<16} {:>16} {:>7} {:>7} {:>12.3f} {:>12.3f}\n", op_name(c), with_thousands(c.bytes), c.group_size, c.count, us(c.each),
                     us(c.each) * static_cast<double>(c.count));
  }
  return o;
}

std::string render_trace_json(const TraceReplayResult& r, const std::string& title) {
  nlohmann::ordered_json j;
  j["schema"] = "aifabric.trace/1";
  j["title"] = title;
  j["world"] = r.world;
  j["traced"] = r.traced;
  j["nodes"] = r.nodes;
  j["control_deps_not_followed"] = r.control_deps;
  j["makespan_ps"] = r.makespan.count();
  j["critical_rank"] = r.critical_rank;
  j["critical_path"] = {{"nodes", r.path_nodes}, {"compute_ps", r.path_compute.count()}, {"communication_ps", r.path_communication.count()}};
  auto ranks = nlohmann::ordered_json::array();
  for (size_t i = 0; i < r.finish.size(); ++i) ranks.push_back({{"rank", i}, {"finish_ps", r.finish[i].count()}, {"compute_ps", r.compute[i].count()}});
  j["ranks"] = ranks;
  auto ops = nlohmann::ordered_json::array();
  for (const TraceCollective& c : r.collectives) {
    ops.push_back({{"operation", op_name(c)}, {"bytes", c.bytes}, {"ranks", c.group_size}, {"count", c.count}, {"each_ps", c.each.count()}});
  }
  j["communication"] = ops;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace aifabric
