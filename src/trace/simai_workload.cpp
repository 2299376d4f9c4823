// SimAI workload files: text to SimaiWorkload and back, and the per-rank traces and groups a step replays with.
#include "trace/simai_workload.h"

#include <fmt/format.h>

#include "core/input_error.h"
#include "core/yaml_reader.h"

namespace aifabric {

namespace {

struct Token {
  std::string text;
  int column = 0;
};

std::vector<Token> tokens_of(const std::string& line) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size()) break;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    out.push_back({line.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return out;
}

[[noreturn]] void refuse(const std::string& file, int line, int column, const std::string& field, const std::string& message) {
  throw InputError({file, line, column}, field, message);
}

// A plain integer in [lo, hi], as SimAI's stream reads need (a '1.5' would shift every later column).
int64_t integer(const Token& t, const std::string& file, int line, const std::string& field, int64_t lo, int64_t hi) {
  size_t i = t.text[0] == '-' ? 1 : 0;
  if (i == t.text.size()) refuse(file, line, t.column, field, fmt::format("'{}' is not an integer", t.text));
  int64_t v = 0;
  for (; i < t.text.size(); ++i) {
    if (t.text[i] < '0' || t.text[i] > '9') refuse(file, line, t.column, field, fmt::format("'{}' is not a plain integer (SimAI reads whole numbers)", t.text));
    if (v > (int64_t{1} << 58)) refuse(file, line, t.column, field, fmt::format("'{}' is out of range; expected {} to {}", t.text, lo, hi));
    v = v * 10 + (t.text[i] - '0');
  }
  if (t.text[0] == '-') v = -v;
  if (v < lo || v > hi) refuse(file, line, t.column, field, fmt::format("{} is out of range; expected {} to {}", v, lo, hi));
  return v;
}

// "ALLREDUCE", "ALLGATHER_EP", "REDUCESCATTER_DP_EP", ...: SimAI matches the type by prefix and the group by suffix;
// the bare type runs over TP in the forward and input-gradient columns, over DP in the weight-gradient column.
SimaiComm comm_of(const Token& type, const Token& size, bool weight_grad, const std::string& file, int line, const std::string& field) {
  SimaiComm c;
  c.text = type.text;
  c.bytes = integer(size, file, line, field + " size", 0, int64_t{1} << 44);
  struct Kind { const char* prefix; CollectiveKind kind; };
  static const Kind kinds[] = {{"ALLREDUCE", CollectiveKind::AllReduce}, {"ALLTOALL", CollectiveKind::AllToAll}, {"ALLGATHER", CollectiveKind::AllGather},
                               {"REDUCESCATTER", CollectiveKind::ReduceScatter}};
  for (const Kind& k : kinds) {
    const std::string p = k.prefix;
    if (type.text.rfind(p, 0) != 0) continue;
    const std::string suffix = type.text.substr(p.size());
    if (suffix.empty()) c.group = weight_grad ? "dp" : "tp";
    else if (suffix == "_EP") c.group = "ep";
    else if (suffix == "_DP_EP") c.group = "dp_ep";
    else refuse(file, line, type.column, field, fmt::format("'{}': the group suffix is not _EP or _DP_EP", type.text));
    c.kind = k.kind;
    c.none = c.bytes == 0;
    return c;
  }
  if (type.text != "NONE" && type.text != "BROADCAST") {
    refuse(file, line, type.column, field, fmt::format("'{}' is not a SimAI collective; expected ALLREDUCE, ALLGATHER, REDUCESCATTER, ALLTOALL (optionally _EP or _DP_EP) or NONE", type.text));
  }
  return c;  // SimAI runs no collective for NONE or BROADCAST
}

std::string group_name(const std::string& g, int64_t instance) { return fmt::format("{}.{}", g, instance); }

}  // namespace

SimaiWorkload parse_simai(const std::string& text, const std::string& file) {
  SimaiWorkload w;
  w.file = file;
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  while (lines.size() > 1 && tokens_of(lines.back()).empty()) lines.pop_back();  // a final newline, trailing blank lines
  if (lines.empty() || tokens_of(lines[0]).empty()) refuse(file, 1, 1, "policy", "empty file; expected a SimAI workload header such as HYBRID_TRANSFORMER_FWD_IN_BCKWD model_parallel_NPU_group: 8 ...");
  const std::vector<Token> head = tokens_of(lines[0]);
  w.policy = head[0].text;
  if (w.policy != "HYBRID_TRANSFORMER_FWD_IN_BCKWD" && w.policy != "HYBRID_TRANSFORMER") {
    refuse(file, 1, 1, "policy", fmt::format("'{}' is not a policy aifabric runs; expected HYBRID_TRANSFORMER_FWD_IN_BCKWD or HYBRID_TRANSFORMER (what AICB writes)", w.policy));
  }
  for (size_t i = 1; i < head.size(); ++i) {
    const std::string& k = head[i].text;
    int64_t* slot = k == "model_parallel_NPU_group:" ? &w.tp : k == "ep:" ? &w.ep : k == "pp:" ? &w.pp : k == "vpp:" ? &w.vpp : k == "ga:" ? &w.ga
                    : k == "all_gpus:" ? &w.all_gpus : (k == "pp_comm:" || k == "pp_comm") ? &w.pp_comm : nullptr;
    if (k == "checkpoints:" || k == "checkpoint_initiates:") {
      if (i + 1 < head.size() && integer(head[i + 1], file, 1, k, 0, 0) == 0) ++i;
      continue;
    }
    if (!slot) continue;  // SimAI ignores what it does not know
    if (i + 1 >= head.size()) refuse(file, 1, head[i].column, k, "has no value");
    *slot = integer(head[i + 1], file, 1, k, k.rfind("pp_comm", 0) == 0 ? 0 : 1, k.rfind("pp_comm", 0) == 0 ? (int64_t{1} << 44) : (int64_t{1} << 20));
    ++i;
  }
  if (w.pp != 1) refuse(file, 1, 1, "pp:", fmt::format("pp {}: SimAI runs pipeline stages only in its analytical report; aifabric replays pp 1 workloads (time pipelines with `aifabric job`)", w.pp));
  if (w.all_gpus % (w.tp * w.pp) != 0) refuse(file, 1, 1, "all_gpus:", fmt::format("{} GPUs do not split into TP groups of {}", w.all_gpus, w.tp));
  const int64_t dp = w.all_gpus / (w.tp * w.pp);
  if (dp % w.ep != 0) refuse(file, 1, 1, "ep:", fmt::format("ep {} does not divide the {} data-parallel ranks", w.ep, dp));
  if (lines.size() < 2 || tokens_of(lines[1]).size() != 1) refuse(file, 2, 1, "layers", "expected the number of layer lines alone on line 2");
  const int64_t n = integer(tokens_of(lines[1])[0], file, 2, "layers", 0, 100000);
  if (w.all_gpus * (9 * n + 1) > 50'000'000) {
    refuse(file, 2, 1, "layers", fmt::format("{} layers on {} GPUs would be {} trace nodes; at most 50,000,000 are replayed", n, w.all_gpus, w.all_gpus * (9 * n + 1)));
  }
  static const char* names[] = {"name", "reserved", "forward compute", "forward comm", "forward comm size", "input-gradient compute", "input-gradient comm",
                                "input-gradient comm size", "weight-gradient compute", "weight-gradient comm", "weight-gradient comm size", "update delay"};
  for (int64_t l = 0; l < n; ++l) {
    const int line = static_cast<int>(l) + 3;
    if (static_cast<size_t>(line) > lines.size()) refuse(file, line, 1, "layers", fmt::format("line 2 promises {} layer lines; the file has {}", n, l));
    const std::vector<Token> t = tokens_of(lines[static_cast<size_t>(line - 1)]);
    if (t.size() != 12) {
      refuse(file, line, 1, "layer", fmt::format("{} columns; expected 12 ({}, ...)", t.size(), fmt::join(std::vector<std::string>(names, names + 12), ", ")));
    }
    SimaiLayer L;
    L.name = t[0].text;
    L.reserved = integer(t[1], file, line, names[1], -(int64_t{1} << 31), int64_t{1} << 31);
    L.fwd_ns = integer(t[2], file, line, names[2], 0, int64_t{1} << 50);
    L.fwd = comm_of(t[3], t[4], false, file, line, names[3]);
    L.ig_ns = integer(t[5], file, line, names[5], 0, int64_t{1} << 50);
    L.ig = comm_of(t[6], t[7], false, file, line, names[6]);
    L.wg_ns = integer(t[8], file, line, names[8], 0, int64_t{1} << 50);
    L.wg = comm_of(t[9], t[10], true, file, line, names[9]);
    L.update_ns = integer(t[11], file, line, names[11], 0, int64_t{1} << 50);
    for (const SimaiComm* c : {&L.fwd, &L.ig, &L.wg}) {
      const int64_t size = c->group == "tp" ? w.tp : c->group == "dp" ? dp : c->group == "ep" ? w.ep : c->group == "dp_ep" ? dp / w.ep : 0;
      if (!c->none && size < 2) refuse(file, line, 1, "layer", fmt::format("{} runs over a group of {} (a {} group of one rank); write NONE", c->text, size, c->group));
    }
    w.layers.push_back(std::move(L));
  }
  return w;
}

SimaiWorkload read_simai_file(const std::string& path) { return parse_simai(read_text_file(path, "SimAI workload"), path); }

std::string serialize_simai(const SimaiWorkload& w) {
  std::string o = fmt::format("{} model_parallel_NPU_group: {} ep: {} pp: {} vpp: {} ga: {} all_gpus: {} checkpoints: 0 checkpoint_initiates: 0 pp_comm: {}\n",
                              w.policy, w.tp, w.ep, w.pp, w.vpp, w.ga, w.all_gpus, w.pp_comm);
  o += fmt::format("{}\n", w.layers.size());
  auto comm = [](const SimaiComm& c) { return fmt::format("{}\t{}", c.text.empty() ? "NONE" : c.text, c.bytes); };
  for (const SimaiLayer& L : w.layers) {
    o += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", L.name, L.reserved, L.fwd_ns, comm(L.fwd), L.ig_ns, comm(L.ig), L.wg_ns, comm(L.wg), L.update_ns);
  }
  return o;
}

namespace {

// The instance of group `g` rank r belongs to, as SimAI lays groups out: TP ranks contiguous, DP strided by TP, EP
// rank j of ep consecutive TP groups, DP_EP rank j of the TP groups that share a residue modulo ep.
std::string instance_of(const SimaiWorkload& w, const std::string& g, int64_t r) {
  const int64_t k = r / w.tp, j = r % w.tp;
  if (g == "tp") return group_name(g, k);
  if (g == "dp") return group_name(g, j);
  if (g == "ep") return group_name(g, (k / w.ep) * w.tp + j);
  return group_name(g, (k % w.ep) * w.tp + j);
}

}  // namespace

CommGroups simai_groups(const SimaiWorkload& w) {
  CommGroups g;
  for (int64_t r = 0; r < w.all_gpus; ++r)
    for (const char* kind : {"tp", "dp", "ep", "dp_ep"}) g.groups[instance_of(w, kind, r)].push_back(r);
  return g;
}

std::vector<RankTrace> simai_traces(const SimaiWorkload& w) {
  std::vector<RankTrace> out;
  out.reserve(static_cast<size_t>(w.all_gpus));
  for (int64_t r = 0; r < w.all_gpus; ++r) {
    RankTrace t;
    t.file = fmt::format("{} (rank {})", w.file, r);
    t.version = "0.0.4";
    uint64_t id = 0;
    uint64_t last = 0;  // the node the next step of the loop waits for (0: none yet)
    std::vector<uint64_t> weight_grads;
    auto node = [&](TraceNodeKind kind, std::string name, int64_t ns, std::vector<uint64_t> deps) {
      TraceNode n;
      n.id = ++id;
      n.name = std::move(name);
      n.kind = kind;
      n.duration = Picoseconds(ns * 1000);
      n.deps = std::move(deps);
      n.ctrl_from = static_cast<uint32_t>(n.deps.size());
      t.nodes.push_back(std::move(n));
      return id;
    };
    auto after = [&]() { return last ? std::vector<uint64_t>{last} : std::vector<uint64_t>{}; };
    auto collective = [&](const SimaiComm& c, const std::string& name, int64_t update_ns, std::vector<uint64_t> deps) {
      const uint64_t n = node(TraceNodeKind::Collective, name, 0, std::move(deps));
      TraceNode& tn = t.nodes.back();
      tn.collective = c.kind;
      tn.bytes = c.bytes;
      tn.group = instance_of(w, c.group, r);
      return update_ns > 0 ? node(TraceNodeKind::Other, name + " update", update_ns, {n}) : n;
    };
    for (const SimaiLayer& L : w.layers) {
      last = node(TraceNodeKind::Compute, L.name + " forward", L.fwd_ns, after());
      if (!L.fwd.none) last = collective(L.fwd, L.name + " forward comm", L.update_ns, after());
    }
    for (size_t i = w.layers.size(); i-- > 0;) {
      const SimaiLayer& L = w.layers[i];
      last = node(TraceNodeKind::Compute, L.name + " input grad", L.ig_ns, after());
      if (!L.ig.none) last = collective(L.ig, L.name + " input grad comm", L.update_ns, after());
      const uint64_t wg = node(TraceNodeKind::Compute, L.name + " weight grad", L.wg_ns, after());
      if (!L.wg.none) weight_grads.push_back(collective(L.wg, L.name + " weight grad comm", L.update_ns, {wg}));
      last = wg;
    }
    std::vector<uint64_t> end = weight_grads;
    if (last) end.push_back(last);
    node(TraceNodeKind::Other, "step end", 0, end);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace aifabric
