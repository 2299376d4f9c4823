// The sweep journal: rows as JSON lines (exact numbers), read back on a rerun, appended and flushed as points finish.
#include "sweep/sweep_results.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/input_error.h"
#include "core/yaml_reader.h"

namespace aifabric {

namespace {

constexpr const char* kSchema = "aifabric.sweep-results/1";

uint64_t fnv1a(uint64_t h, const std::string& s) {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return (h ^ 0xff) * 0x100000001b3ULL;  // a separator, so that ("ab", "c") and ("a", "bc") differ
}

}  // namespace

uint64_t sweep_fingerprint(const SweepGrid& grid, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL;
  h = fnv1a(h, grid.text);
  h = fnv1a(h, grid.base_text);
  if (!grid.workload.job.empty()) h = fnv1a(h, read_text_file(grid.workload.job, "job spec"));
  return fnv1a(h, fmt::format("{}", seed));
}

std::string sweep_row_line(const SweepRow& r) {
  nlohmann::ordered_json j;
  j["point"] = r.index;
  j["values"] = r.labels;
  j["built"] = r.built;
  j["reason"] = r.reason;
  const DesignResult& d = r.design;
  j["name"] = d.name;
  j["description"] = d.description;
  j["xpus"] = d.xpus;
  j["switches"] = d.switches;
  j["optical_modules"] = d.optical_modules;
  j["fibre_strands"] = d.fibre_strands;
  j["network_kw"] = d.network_kw;
  j["network_cost_usd"] = d.network_cost_usd;
  j["bisection_tbps"] = d.bisection_tbps;
  j["busbw_gbs"] = d.busbw_gbs;
  j["collective_ps"] = d.collective_time.count();
  j["unreachable"] = d.unreachable;
  if (d.utilisation) j["utilisation"] = *d.utilisation;
  if (d.step_ms) j["step_ms"] = *d.step_ms;
  if (r.mfu) j["mfu"] = *r.mfu;
  if (r.tflops_per_xpu) j["tflops_per_xpu"] = *r.tflops_per_xpu;
  if (r.ideal_step_ms) j["ideal_step_ms"] = *r.ideal_step_ms;
  if (d.packet) {
    const PacketRunSummary& p = *d.packet;
    j["packet"] = {{"settings", p.settings}, {"fct_p50_us", p.fct_p50_us}, {"fct_p99_us", p.fct_p99_us}, {"fct_max_us", p.fct_max_us}, {"jain", p.jain},
                   {"drops", p.drops}, {"retransmits", p.retransmits}, {"pauses", p.pauses}, {"conserved", p.conserved}};
  }
  return j.dump();
}

SweepRow sweep_row_from_line(const std::string& line) {
  const nlohmann::json j = nlohmann::json::parse(line);
  SweepRow r;
  r.index = j.at("point").get<int64_t>();
  r.labels = j.at("values").get<std::vector<std::string>>();
  r.built = j.at("built").get<bool>();
  r.reason = j.at("reason").get<std::string>();
  DesignResult& d = r.design;
  d.name = j.at("name").get<std::string>();
  d.description = j.at("description").get<std::string>();
  d.xpus = j.at("xpus").get<int64_t>();
  d.switches = j.at("switches").get<int64_t>();
  d.optical_modules = j.at("optical_modules").get<int64_t>();
  d.fibre_strands = j.at("fibre_strands").get<int64_t>();
  d.network_kw = j.at("network_kw").get<double>();
  d.network_cost_usd = j.at("network_cost_usd").get<double>();
  d.bisection_tbps = j.at("bisection_tbps").get<double>();
  d.busbw_gbs = j.at("busbw_gbs").get<double>();
  d.collective_time = Picoseconds(j.at("collective_ps").get<int64_t>());
  d.unreachable = j.at("unreachable").get<int64_t>();
  if (j.contains("utilisation")) d.utilisation = j["utilisation"].get<double>();
  if (j.contains("step_ms")) d.step_ms = j["step_ms"].get<double>();
  if (j.contains("mfu")) r.mfu = j["mfu"].get<double>();
  if (j.contains("tflops_per_xpu")) r.tflops_per_xpu = j["tflops_per_xpu"].get<double>();
  if (j.contains("ideal_step_ms")) r.ideal_step_ms = j["ideal_step_ms"].get<double>();
  if (j.contains("packet")) {  // what the sweep's tables show of a packet run
    const nlohmann::json& q = j["packet"];
    PacketRunSummary p;
    p.settings = q.at("settings").get<std::string>();
    p.fct_p50_us = q.at("fct_p50_us").get<double>();
    p.fct_p99_us = q.at("fct_p99_us").get<double>();
    p.fct_max_us = q.at("fct_max_us").get<double>();
    p.jain = q.at("jain").get<double>();
    p.drops = q.at("drops").get<int64_t>();
    p.retransmits = q.at("retransmits").get<int64_t>();
    p.pauses = q.at("pauses").get<int64_t>();
    p.conserved = q.at("conserved").get<bool>();
    d.packet = p;
  }
  return r;
}

SweepJournal::SweepJournal(const std::string& path, uint64_t fingerprint, int64_t points) : path_(path) {
  const std::string header = nlohmann::ordered_json{{"schema", kSchema}, {"fingerprint", fmt::format("{:016x}", fingerprint)}}.dump();
  std::vector<std::string> kept;  // the rows already there, as lines
  bool torn = false;
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    if (!lines.empty() && lines.front() != header) {
      throw InputError({path, 1, 1}, "--results",
                       "holds the results of another grid, base spec, job or seed (or is not a sweep results file); remove it or name another file");
    }
    for (size_t i = 1; i < lines.size(); ++i) {
      const int64_t number = static_cast<int64_t>(i) + 1;
      try {
        SweepRow r = sweep_row_from_line(lines[i]);
        if (r.index < 0 || r.index >= points) throw InputError({path, static_cast<int>(number), 1}, "--results", fmt::format("point {} is outside the grid's {} points", r.index, points));
        done_[r.index] = std::move(r);
        kept.push_back(lines[i]);
      } catch (const nlohmann::json::exception&) {
        if (i + 1 != lines.size()) throw InputError({path, static_cast<int>(number), 1}, "--results", "a line that is not a sweep row; the file is damaged: remove it to start again");
        torn = true;  // the last line, torn by an interrupted write: that point runs again
      }
    }
    if (lines.empty()) torn = true;  // an empty file: written afresh
  } else {
    torn = true;
  }
  // A new file, or one whose torn tail must go, is written whole; otherwise rows are appended.
  file_ = std::fopen(path.c_str(), torn ? "w" : "a");
  if (!file_) throw InputError({path, 0, 0}, "--results", "cannot be opened for writing");
  if (torn) {
    std::fputs(header.c_str(), file_);
    std::fputc('\n', file_);
    for (const std::string& line : kept) {
      std::fputs(line.c_str(), file_);
      std::fputc('\n', file_);
    }
    std::fflush(file_);
  }
}

SweepJournal::~SweepJournal() {
  if (file_) std::fclose(file_);
}

void SweepJournal::append(const SweepRow& row) {
  const std::string line = sweep_row_line(row);
  const std::lock_guard<std::mutex> lock(mutex_);
  std::fputs(line.c_str(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

}  // namespace aifabric
