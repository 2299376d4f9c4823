// Trace replay: an event loop over every rank's dependency graph, communication timed on the planned fabric.
#include "trace/trace_replay.h"

#include <algorithm>
#include <deque>
#include <queue>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "collective/schedule.h"
#include "core/input_error.h"

namespace aifabric {

namespace {

constexpr uint32_t kNone = 0xffffffffu;

[[noreturn]] void refuse(const std::string& file, const std::string& field, const std::string& message) { throw InputError({file, 0, 0}, field, message); }

struct Rank {
  const RankTrace* trace = nullptr;
  std::unordered_map<uint64_t, uint32_t> index;
  std::vector<uint32_t> dep_begin, dependents;  // CSR: node -> the nodes that depend on it
  std::vector<uint32_t> pending, binding;
  std::vector<int64_t> start, done;
  std::vector<uint32_t> meeting;                // communication nodes: their meeting
  // Two compute lanes: the XPU's (0) and the host's (1, is_cpu_op nodes), each running its nodes one at a time.
  std::deque<uint32_t> lane[2];
  bool lane_busy[2] = {false, false};
  int64_t lane_free[2] = {0, 0}, busy = 0;
};

struct Meeting {
  int64_t expected = 0, arrived = 0, latest = 0;
  std::vector<std::pair<int64_t, uint32_t>> members;  // (rank, node) of the traced members
  std::vector<uint32_t> xpus;                          // every member, traced or mirrored
  const TraceNode* first = nullptr;
  int64_t first_rank = 0;
  Picoseconds each;                                    // this operation on these members' XPUs
  size_t stat = 0;                                     // index into the result's collectives
};

struct Event {
  int64_t at;
  uint64_t seq;
  int64_t rank;
  uint32_t node;
  bool operator>(const Event& o) const { return std::tie(at, seq) > std::tie(o.at, o.seq); }
};

}  // namespace

CommGroups parse_comm_groups(const std::string& text, const std::string& file, int64_t world) {
  CommGroups g;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    refuse(file, "comm groups", fmt::format("not JSON (byte {}); expected {{\"group name\": [rank, ...], ...}}", e.byte));
  }
  if (!j.is_object()) refuse(file, "comm groups", "expected an object {\"group name\": [rank, ...], ...}");
  for (const auto& [name, ranks] : j.items()) {
    if (!ranks.is_array() || ranks.empty()) refuse(file, fmt::format("comm groups.{}", name), "expected a non-empty list of ranks");
    std::vector<int64_t> v;
    for (const auto& r : ranks) {
      if (!r.is_number_integer() || r.get<int64_t>() < 0 || r.get<int64_t>() >= world) {
        refuse(file, fmt::format("comm groups.{}", name), fmt::format("{} is not a rank of this {}-rank job; expected 0 to {}", r.dump(), world, world - 1));
      }
      v.push_back(r.get<int64_t>());
    }
    std::vector<int64_t> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) refuse(file, fmt::format("comm groups.{}", name), "names a rank twice");
    g.groups[name] = std::move(v);
  }
  return g;
}

std::string render_comm_groups(const CommGroups& g) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [name, ranks] : g.groups) j[name] = ranks;
  return j.dump(1) + "\n";
}

TraceReplayResult replay_traces(const std::vector<RankTrace>& traces, int64_t world, const CommGroups& groups, const Plan& plan,
                                CollectiveBackend& backend) {
  const Fabric& f = plan.fabric;
  const int64_t traced = static_cast<int64_t>(traces.size());
  const std::string first_file = traces.empty() ? std::string("trace") : traces.front().file;
  if (traced == 0) refuse(first_file, "trace", "no rank's trace was given");
  if (world < traced) refuse(first_file, "world", fmt::format("{} ranks is fewer than the {} traces given", world, traced));
  if (world > f.xpus()) refuse(first_file, "world", fmt::format("a {}-rank job does not fit the {} XPUs of {}; plan a larger cluster", world, f.xpus(), plan.spec.name));
  TraceReplayResult res;
  res.world = world;
  res.traced = traced;

  // ---- Graphs: ids, dependencies, cycles.
  std::vector<Rank> ranks(static_cast<size_t>(traced));
  for (int64_t r = 0; r < traced; ++r) {
    Rank& R = ranks[static_cast<size_t>(r)];
    R.trace = &traces[static_cast<size_t>(r)];
    const auto& nodes = R.trace->nodes;
    const uint32_t n = static_cast<uint32_t>(nodes.size());
    R.index.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      if (!R.index.emplace(nodes[i].id, i).second) refuse(R.trace->file, fmt::format("node {}", nodes[i].id), "appears twice; node ids must be unique");
    }
    R.pending.assign(n, 0);
    std::vector<uint32_t> count(n + 1, 0);
    // Execution follows the data dependencies, as Chakra's own feeder does; control dependencies (in PyTorch traces,
    // an operator's parents, some of which the converter drops) are counted, not followed.
    for (uint32_t i = 0; i < n; ++i) {
      const TraceNode& t = nodes[i];
      res.control_deps += static_cast<int64_t>(t.deps.size() - t.ctrl_from);
      for (uint32_t k = 0; k < t.ctrl_from; ++k) {
        const auto it = R.index.find(t.deps[k]);
        if (it == R.index.end()) refuse(R.trace->file, fmt::format("node {}.data_deps", t.id), fmt::format("depends on node {}, which is not in the trace", t.deps[k]));
        ++count[it->second + 1];
        ++R.pending[i];
      }
    }
    for (uint32_t i = 0; i < n; ++i) count[i + 1] += count[i];
    R.dep_begin = count;
    R.dependents.assign(count[n], 0);
    for (uint32_t i = 0; i < n; ++i)
      for (uint32_t k = 0; k < nodes[i].ctrl_from; ++k) R.dependents[count[R.index[nodes[i].deps[k]]]++] = i;
    // Kahn: every node must be reachable from the roots, or it sits on (or behind) a cycle.
    std::vector<uint32_t> left = R.pending, queue;
    for (uint32_t i = 0; i < n; ++i) if (left[i] == 0) queue.push_back(i);
    for (size_t q = 0; q < queue.size(); ++q)
      for (uint32_t k = R.dep_begin[queue[q]]; k < R.dep_begin[queue[q] + 1]; ++k) if (--left[R.dependents[k]] == 0) queue.push_back(R.dependents[k]);
    if (queue.size() != n) {
      uint32_t stuck = 0;
      while (left[stuck] == 0) ++stuck;
      refuse(R.trace->file, fmt::format("node {}", nodes[stuck].id), "is on a dependency cycle (or waits for one); the trace's graph must be acyclic");
    }
    R.binding.assign(n, kNone);
    R.start.assign(n, -1);
    R.done.assign(n, -1);
    R.meeting.assign(n, kNone);
  }

  // ---- Meetings: the k-th collective of a group on every member, the k-th send and receive of a (src, dst, tag).
  std::vector<Meeting> meetings;
  std::map<std::tuple<std::string, int64_t>, uint32_t> by_group;          // (group, k)
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, uint32_t> by_pair;  // (src, dst, tag, k)
  std::map<std::tuple<int, int64_t, std::vector<uint32_t>>, Picoseconds> timed;
  auto time_of = [&](CollectiveKind kind, int64_t bytes, const std::vector<uint32_t>& xpus) {
    if (xpus.size() < 2 || bytes == 0) return Picoseconds(0);
    const auto key = std::tuple{static_cast<int>(kind), bytes, xpus};
    const auto it = timed.find(key);
    if (it != timed.end()) return it->second;
    Communicator c;
    c.xpus = xpus;
    c.xpus_per_server = f.server->xpus;
    const Picoseconds t = backend.run(build_schedule(kind, Algorithm::Nccl, c, bytes, f)).time;
    timed.emplace(key, t);
    return t;
  };
  std::map<std::tuple<int, bool, int64_t, int64_t, int64_t>, size_t> stat_index;  // one report row per distinct operation
  auto stat_of = [&](CollectiveKind kind, bool p2p, int64_t bytes, int64_t size, Picoseconds each) {
    const auto [it, fresh] = stat_index.emplace(std::tuple{static_cast<int>(kind), p2p, bytes, size, each.count()}, res.collectives.size());
    if (fresh) res.collectives.push_back({kind, p2p, bytes, size, 0, each});
    return it->second;
  };
  std::vector<int64_t> everyone(static_cast<size_t>(world));
  for (int64_t k = 0; k < world; ++k) everyone[static_cast<size_t>(k)] = k;
  for (int64_t r = 0; r < traced; ++r) {
    Rank& R = ranks[static_cast<size_t>(r)];
    std::map<std::string, int64_t> group_seq;
    std::map<std::tuple<int64_t, int64_t, int64_t>, int64_t> pair_seq;
    const auto& nodes = R.trace->nodes;
    for (uint32_t i = 0; i < nodes.size(); ++i) {
      const TraceNode& t = nodes[i];
      if (t.kind == TraceNodeKind::Collective) {
        const std::vector<int64_t>* group = &everyone;
        if (!t.group.empty()) {
          const auto g = groups.groups.find(t.group);
          if (g == groups.groups.end()) {
            refuse(R.trace->file, fmt::format("node {}.pg_name", t.id), fmt::format("process group '{}' is not in the comm-group file; give --comm-groups with it", t.group));
          }
          group = &g->second;
        }
        const std::vector<int64_t>& members = *group;
        if (!t.group.empty() && std::find(members.begin(), members.end(), r) == members.end()) {
          refuse(R.trace->file, fmt::format("node {}.pg_name", t.id), fmt::format("rank {} runs a collective of group '{}', which does not include it", r, t.group));
        }
        const int64_t k = group_seq[t.group]++;
        auto [it, fresh] = by_group.emplace(std::tuple{t.group, k}, static_cast<uint32_t>(meetings.size()));
        if (fresh) {
          Meeting m;
          for (int64_t x : members) {
            m.xpus.push_back(static_cast<uint32_t>(x));
            if (x < traced) ++m.expected;
          }
          m.first = &t;
          m.first_rank = r;
          m.each = time_of(t.collective, t.bytes, m.xpus);
          m.stat = stat_of(t.collective, false, t.bytes, static_cast<int64_t>(members.size()), m.each);
          meetings.push_back(std::move(m));
        }
        Meeting& m = meetings[it->second];
        if (m.first->collective != t.collective || m.first->bytes != t.bytes) {
          refuse(R.trace->file, fmt::format("node {}", t.id),
                 fmt::format("collective {} of group '{}' is {} of {} B here but {} of {} B on rank {}: the ranks' traces disagree", k + 1,
                             t.group.empty() ? "world" : t.group, to_string(t.collective), t.bytes, to_string(m.first->collective), m.first->bytes,
                             m.first_rank));
        }
        m.members.push_back({r, i});
        R.meeting[i] = it->second;
      } else if (t.kind == TraceNodeKind::Send || t.kind == TraceNodeKind::Recv) {
        if (t.peer >= world || t.peer == r) {
          refuse(R.trace->file, fmt::format("node {}.{}", t.id, t.kind == TraceNodeKind::Send ? "comm_dst" : "comm_src"),
                 fmt::format("peer {} is not another rank of this {}-rank job", t.peer, world));
        }
        const int64_t src = t.kind == TraceNodeKind::Send ? r : t.peer, dst = t.kind == TraceNodeKind::Send ? t.peer : r;
        const int64_t k = pair_seq[{src, dst, t.tag}]++;
        auto [it, fresh] = by_pair.emplace(std::tuple{src, dst, t.tag, k}, static_cast<uint32_t>(meetings.size()));
        if (fresh) {
          Meeting m;
          m.xpus = {static_cast<uint32_t>(src), static_cast<uint32_t>(dst)};
          m.expected = (src < traced ? 1 : 0) + (dst < traced ? 1 : 0);
          m.first = &t;
          m.first_rank = r;
          m.each = time_of(CollectiveKind::SendRecv, t.bytes, m.xpus);
          m.stat = stat_of(CollectiveKind::SendRecv, true, t.bytes, 2, m.each);
          meetings.push_back(std::move(m));
        }
        Meeting& m = meetings[it->second];
        if (m.first->bytes != t.bytes) {
          refuse(R.trace->file, fmt::format("node {}.comm_size", t.id),
                 fmt::format("receives {} B where rank {} sends {} B (tag {})", t.bytes, m.first_rank, m.first->bytes, t.tag));
        }
        m.members.push_back({r, i});
        R.meeting[i] = it->second;
      }
    }
  }

  // ---- The event loop.
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  uint64_t seq = 0;
  auto complete_at = [&](int64_t r, uint32_t i, int64_t start, int64_t end) {
    if (end < start || end > (int64_t{1} << 62)) {
      refuse(ranks[static_cast<size_t>(r)].trace->file, fmt::format("node {}", ranks[static_cast<size_t>(r)].trace->nodes[i].id),
             "the trace's times add up past 53 days; expected one training run's worth");
    }
    ranks[static_cast<size_t>(r)].start[i] = start;
    events.push({end, seq++, r, i});
  };
  auto start_lane = [&](int64_t r, int l, int64_t now) {
    Rank& R = ranks[static_cast<size_t>(r)];
    if (R.lane_busy[l] || R.lane[l].empty()) return;
    const uint32_t i = R.lane[l].front();
    R.lane[l].pop_front();
    const int64_t s = std::max(now, R.lane_free[l]);
    const int64_t d = std::min<int64_t>(R.trace->nodes[i].duration.count(), int64_t{1} << 61);  // s <= 2^62: no overflow
    R.lane_busy[l] = true;
    R.lane_free[l] = s + d;
    if (l == 0) R.busy += d;
    complete_at(r, i, s, s + d);
  };
  auto ready = [&](int64_t r, uint32_t i, int64_t now) {
    Rank& R = ranks[static_cast<size_t>(r)];
    const TraceNode& t = R.trace->nodes[i];
    switch (t.kind) {
      case TraceNodeKind::Compute:
        R.lane[t.cpu ? 1 : 0].push_back(i);
        start_lane(r, t.cpu ? 1 : 0, now);
        return;
      case TraceNodeKind::Other: complete_at(r, i, now, now > (int64_t{1} << 62) ? -1 : now + t.duration.count()); return;
      default: break;
    }
    Meeting& m = meetings[R.meeting[i]];
    m.latest = std::max(m.latest, now);
    if (++m.arrived < m.expected) return;
    // Everyone is there (ranks without a trace mirror the traced ones and are taken to be there too).
    ++res.collectives[m.stat].count;
    for (const auto& [mr, mi] : m.members) complete_at(mr, mi, m.latest, m.latest > (int64_t{1} << 62) ? -1 : m.latest + m.each.count());
  };
  for (int64_t r = 0; r < traced; ++r) {
    Rank& R = ranks[static_cast<size_t>(r)];
    for (uint32_t i = 0; i < R.pending.size(); ++i) if (R.pending[i] == 0) ready(r, i, 0);
  }
  while (!events.empty()) {
    const Event e = events.top();
    events.pop();
    Rank& R = ranks[static_cast<size_t>(e.rank)];
    R.done[e.node] = e.at;
    ++res.nodes;
    if (R.trace->nodes[e.node].kind == TraceNodeKind::Compute) {
      const int l = R.trace->nodes[e.node].cpu ? 1 : 0;
      R.lane_busy[l] = false;
      start_lane(e.rank, l, e.at);
    }
    for (uint32_t k = R.dep_begin[e.node]; k < R.dep_begin[e.node + 1]; ++k) {
      const uint32_t d = R.dependents[k];
      R.binding[d] = e.node;  // the last to finish releases it
      if (--R.pending[d] == 0) ready(e.rank, d, e.at);
    }
  }

  // ---- Everything ran, or communication never met.
  for (int64_t r = 0; r < traced; ++r) {
    const Rank& R = ranks[static_cast<size_t>(r)];
    for (uint32_t i = 0; i < R.done.size(); ++i) {
      if (R.done[i] >= 0 || R.pending[i] != 0) continue;
      const TraceNode& t = R.trace->nodes[i];
      const Meeting& m = meetings[R.meeting[i]];
      refuse(R.trace->file, fmt::format("node {}", t.id),
             fmt::format("{} never completes: {} of the {} traced ranks it needs reached it (a rank's trace lacks the matching operation, or "
                         "orders it after something that waits for this one)",
                         t.kind == TraceNodeKind::Collective ? fmt::format("{} of group '{}'", to_string(t.collective), t.group.empty() ? "world" : t.group)
                                                              : "point-to-point transfer",
                         m.arrived, m.expected));
    }
  }
  for (const Rank& R : ranks) {
    res.start_ps.push_back(R.start);
    res.done_ps.push_back(R.done);
  }
  // ---- Per rank and the critical path.
  uint32_t last = kNone;
  for (int64_t r = 0; r < traced; ++r) {
    const Rank& R = ranks[static_cast<size_t>(r)];
    int64_t finish = 0;
    uint32_t at = kNone;
    for (uint32_t i = 0; i < R.done.size(); ++i) if (R.done[i] >= finish) { finish = R.done[i]; at = i; }
    res.finish.push_back(Picoseconds(finish));
    res.compute.push_back(Picoseconds(R.busy));
    if (finish > res.makespan.count() || last == kNone) {
      res.makespan = Picoseconds(finish);
      res.critical_rank = r;
      last = at;
    }
  }
  const Rank& C = ranks[static_cast<size_t>(res.critical_rank)];
  for (uint32_t i = last; i != kNone; i = C.binding[i]) {
    const TraceNode& t = C.trace->nodes[i];
    const int64_t span = C.done[i] - C.start[i];
    if (t.kind == TraceNodeKind::Collective || t.kind == TraceNodeKind::Send || t.kind == TraceNodeKind::Recv) res.path_communication += Picoseconds(span);
    else res.path_compute += Picoseconds(span);
    ++res.path_nodes;
  }
  return res;
}

}  // namespace aifabric
