// The classic algorithms as step-synchronous schedules: direct (all pairs), recursive halving-doubling,
// hierarchical (scale-up, then one ring per rail across servers) and parameter server.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "collective/schedule_builders.h"

namespace aifabric::schedules {

void append_direct(Schedule& s, const Communicator& comm, int64_t bytes, int64_t limit) {
  const CollectiveKind kind = s.kind;
  const int64_t n = comm.size();
  if (n * (n - 1) > limit) {
    refuse(fmt::format("direct {} over {} ranks needs {} concurrent transfers per phase (limit {}); use ring or hierarchical, or a smaller group",
                       to_string(kind), n, n * (n - 1), limit));
  }
  const int64_t piece = ceil_div(bytes, n);
  auto all_pairs = [&](std::string label) {
    Phase p;
    p.label = std::move(label);
    p.transfers.reserve(static_cast<size_t>(n * (n - 1)));
    for (int64_t a = 0; a < n; ++a) {
      for (int64_t k = 1; k < n; ++k) p.transfers.push_back({comm.xpus[a], comm.xpus[(a + k) % n], piece});
    }
    return p;
  };
  switch (kind) {
    case CollectiveKind::AllReduce:
      s.phases.push_back(all_pairs("direct reduce-scatter"));
      s.phases.push_back(all_pairs("direct all-gather"));
      break;
    case CollectiveKind::ReduceScatter: s.phases.push_back(all_pairs("direct reduce-scatter")); break;
    case CollectiveKind::AllGather: s.phases.push_back(all_pairs("direct all-gather")); break;
    case CollectiveKind::AllToAll: s.phases.push_back(all_pairs("direct all-to-all")); break;
    default: refuse(fmt::format("{} has no direct schedule; use ring", to_string(kind)));
  }
}

void append_halving_doubling(Schedule& s, const Communicator& comm, int64_t bytes) {
  const CollectiveKind kind = s.kind;
  const int64_t n = comm.size();
  if ((n & (n - 1)) != 0) refuse(fmt::format("halving-doubling needs a power-of-two rank count, not {}", n));
  int64_t steps = 0;
  while ((int64_t{1} << steps) < n) ++steps;
  auto step = [&](int64_t distance, int64_t chunk, const std::string& label) {
    Phase p;
    p.label = label;
    for (int64_t r = 0; r < n; ++r) p.transfers.push_back({comm.xpus[r], comm.xpus[r ^ distance], chunk});
    s.phases.push_back(std::move(p));
  };
  const bool rs = kind == CollectiveKind::AllReduce || kind == CollectiveKind::ReduceScatter;
  const bool ag = kind == CollectiveKind::AllReduce || kind == CollectiveKind::AllGather;
  if (!rs && !ag) refuse(fmt::format("{} has no halving-doubling schedule", to_string(kind)));
  if (rs) {
    for (int64_t k = 0; k < steps; ++k) step(n >> (k + 1), ceil_div(bytes, int64_t{2} << k), fmt::format("recursive halving step {}", k + 1));
  }
  if (ag) {
    for (int64_t k = steps - 1; k >= 0; --k) step(n >> (k + 1), ceil_div(bytes, int64_t{2} << k), fmt::format("recursive doubling step {}", steps - k));
  }
}

void append_hierarchical(Schedule& s, const Communicator& comm, int64_t bytes) {
  const CollectiveKind kind = s.kind;
  if (kind != CollectiveKind::AllReduce) refuse("hierarchical is an all-reduce algorithm");
  // Ranks grouped by server; every server must hold the same number of ranks.
  std::map<uint32_t, std::vector<uint32_t>> by_server;
  for (int64_t r = 0; r < comm.size(); ++r) by_server[comm.server_of(r)].push_back(comm.xpus[r]);
  const size_t L = by_server.begin()->second.size();
  for (const auto& [srv, v] : by_server) {
    if (v.size() != L) refuse(fmt::format("hierarchical needs the same ranks on every server (server {} has {}, another {})", srv, v.size(), L));
  }
  const int64_t N = static_cast<int64_t>(by_server.size());
  const int64_t shard = ceil_div(bytes, static_cast<int64_t>(L));
  if (L > 1) {
    Phase p;
    p.label = "scale-up reduce-scatter step (inside each server)";
    p.repeat = static_cast<int64_t>(L) - 1;
    for (const auto& [srv, v] : by_server) for (size_t i = 0; i < L; ++i) p.transfers.push_back({v[i], v[(i + 1) % L], shard});
    s.phases.push_back(std::move(p));
  }
  if (N > 1) {
    // Local rank i of every server forms a ring over the servers: one ring per rail, all at once.
    Phase p;
    p.label = "per-rail ring step across servers (reduce-scatter then all-gather)";
    p.repeat = 2 * (N - 1);
    std::vector<const std::vector<uint32_t>*> servers;
    for (const auto& [srv, v] : by_server) servers.push_back(&v);
    for (size_t i = 0; i < L; ++i) {
      for (int64_t k = 0; k < N; ++k) p.transfers.push_back({(*servers[k])[i], (*servers[(k + 1) % N])[i], ceil_div(shard, N)});
    }
    s.phases.push_back(std::move(p));
  }
  if (L > 1) {
    Phase p;
    p.label = "scale-up all-gather step (inside each server)";
    p.repeat = static_cast<int64_t>(L) - 1;
    for (const auto& [srv, v] : by_server) for (size_t i = 0; i < L; ++i) p.transfers.push_back({v[i], v[(i + 1) % L], shard});
    s.phases.push_back(std::move(p));
  }
}

void append_parameter_server(Schedule& s, const Communicator& comm, int64_t bytes, int servers) {
  const CollectiveKind kind = s.kind;
  if (kind != CollectiveKind::AllReduce) refuse("parameter server is an all-reduce algorithm");
  const int64_t n = comm.size();
  const int64_t P = std::clamp<int64_t>(servers, 1, n);
  const int64_t piece = ceil_div(bytes, P);
  Phase push, pull;
  push.label = fmt::format("push gradients to {} parameter server{}", P, P > 1 ? "s" : "");
  pull.label = "pull parameters back";
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t p = 0; p < P; ++p) {
      if (r == p) continue;
      push.transfers.push_back({comm.xpus[r], comm.xpus[p], piece});
      pull.transfers.push_back({comm.xpus[p], comm.xpus[r], piece});
    }
  }
  s.phases.push_back(std::move(push));
  s.phases.push_back(std::move(pull));
}

}  // namespace aifabric::schedules
