// Collective algorithms as phase schedules: ring (multi-channel), double binary tree, halving-doubling,
// direct, hierarchical (scale-up + per-rail rings) and parameter server.
#include "collective/schedule.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "core/input_error.h"

namespace aifabric {

int64_t Schedule::transfer_count() const {
  int64_t n = 0;
  for (const auto& p : phases) n += static_cast<int64_t>(p.transfers.size()) * p.repeat;
  return n;
}

Communicator make_communicator(const Fabric& f, const std::string& group, const std::string& what) {
  Communicator c;
  c.xpus_per_server = f.server->xpus;
  const int64_t total = f.xpus();
  auto number = [&](const std::string& s) -> int64_t {
    try {
      size_t pos = 0;
      const long long v = std::stoll(s, &pos);
      if (pos != s.size()) throw std::invalid_argument(s);
      return v;
    } catch (const std::exception&) {
      throw InputError({what, 0, 0}, "group", fmt::format("'{}' is not a number in group '{}'", s, group));
    }
  };
  const auto colon = group.find(':');
  const std::string kind = group.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : group.substr(colon + 1);
  if (kind == "all") {
    c.xpus.resize(static_cast<size_t>(total));
    std::iota(c.xpus.begin(), c.xpus.end(), 0u);
  } else if (kind == "first") {
    const int64_t n = number(arg);
    if (n < 1 || n > total) throw InputError({what, 0, 0}, "ranks", fmt::format("{} ranks requested; the cluster has 1 to {} XPUs", n, total));
    c.xpus.resize(static_cast<size_t>(n));
    std::iota(c.xpus.begin(), c.xpus.end(), 0u);
  } else if (kind == "rail") {
    const int64_t k = number(arg);
    if (k < 0 || k >= c.xpus_per_server) throw InputError({what, 0, 0}, "group", fmt::format("rail {} does not exist; servers have XPUs 0 to {}", k, c.xpus_per_server - 1));
    for (int64_t s = 0; s < f.servers; ++s) c.xpus.push_back(static_cast<uint32_t>(s * c.xpus_per_server + k));
  } else if (kind == "server") {
    const int64_t s = number(arg);
    if (s < 0 || s >= f.servers) throw InputError({what, 0, 0}, "group", fmt::format("server {} does not exist (0 to {})", s, f.servers - 1));
    for (int k = 0; k < c.xpus_per_server; ++k) c.xpus.push_back(static_cast<uint32_t>(s * c.xpus_per_server + k));
  } else {
    throw InputError({what, 0, 0}, "group", fmt::format("'{}' is not a group; expected all, first:N, rail:K or server:S", group));
  }
  return c;
}

Algorithm auto_algorithm(CollectiveKind kind, const Communicator&) {
  return kind == CollectiveKind::AllToAll ? Algorithm::Direct : Algorithm::Ring;
}

namespace {

[[noreturn]] void refuse(const std::string& msg) { throw std::invalid_argument(msg); }

// Ring orders, one per channel: the communicator's rank order, with each run of consecutive ranks on one
// server rotated so that channel c enters the server at its c-th rank (with PXN routing, each channel
// then crosses the fabric on its own rail, as NCCL lays out its rings).
std::vector<std::vector<uint32_t>> ring_orders(const Communicator& comm, int channels) {
  std::vector<std::pair<int64_t, int64_t>> runs;  // [first, last) rank ranges on one server
  for (int64_t r = 0; r < comm.size();) {
    int64_t e = r + 1;
    while (e < comm.size() && comm.server_of(e) == comm.server_of(r)) ++e;
    runs.emplace_back(r, e);
    r = e;
  }
  std::vector<std::vector<uint32_t>> rings;
  for (int c = 0; c < channels; ++c) {
    std::vector<uint32_t> ring;
    ring.reserve(static_cast<size_t>(comm.size()));
    for (const auto& [first, last] : runs) {
      const int64_t len = last - first;
      for (int64_t k = 0; k < len; ++k) ring.push_back(comm.xpus[first + (k + c) % len]);
    }
    rings.push_back(std::move(ring));
  }
  return rings;
}

// One ring step on every channel: each rank sends `chunk` to its successor.
Phase ring_step(const std::vector<std::vector<uint32_t>>& rings, int64_t chunk, int64_t repeat, std::string label) {
  Phase p;
  p.label = std::move(label);
  p.repeat = repeat;
  for (const auto& ring : rings) {
    const size_t n = ring.size();
    for (size_t i = 0; i < n; ++i) p.transfers.push_back({ring[i], ring[(i + 1) % n], chunk});
  }
  return p;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

void append_ring(Schedule& s, CollectiveKind kind, const Communicator& comm, int64_t bytes, int channels) {
  const int64_t n = comm.size();
  const auto rings = ring_orders(comm, channels);
  const int64_t per_channel = ceil_div(bytes, channels);
  const int64_t chunk = ceil_div(per_channel, n);
  switch (kind) {
    case CollectiveKind::AllReduce:
      s.phases.push_back(ring_step(rings, chunk, 2 * (n - 1), "ring step (reduce-scatter then all-gather)"));
      break;
    case CollectiveKind::ReduceScatter:
      s.phases.push_back(ring_step(rings, chunk, n - 1, "ring reduce-scatter step"));
      break;
    case CollectiveKind::AllGather:
      s.phases.push_back(ring_step(rings, chunk, n - 1, "ring all-gather step"));
      break;
    case CollectiveKind::Broadcast:
    case CollectiveKind::Reduce: {
      // A pipelined chain from (or to) the root: every hop streams the whole buffer; latency adds per hop.
      Phase p;
      p.label = kind == CollectiveKind::Broadcast ? "pipelined ring broadcast" : "pipelined ring reduce";
      for (const auto& ring : rings) {
        for (int64_t i = 0; i + 1 < n; ++i) {
          const uint32_t a = ring[static_cast<size_t>(i)], b = ring[static_cast<size_t>(i + 1)];
          p.transfers.push_back(kind == CollectiveKind::Broadcast ? Transfer{a, b, per_channel} : Transfer{b, a, per_channel});
        }
      }
      p.latency_hops = n - 1;
      s.phases.push_back(std::move(p));
      break;
    }
    case CollectiveKind::SendRecv:
      s.phases.push_back(ring_step(rings, per_channel, 1, "send/recv to the next rank"));
      break;
    case CollectiveKind::AllToAll:
      refuse("all-to-all has no ring schedule; use direct");
  }
}

void append_direct(Schedule& s, CollectiveKind kind, const Communicator& comm, int64_t bytes, int64_t limit) {
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

void append_tree(Schedule& s, CollectiveKind kind, const Communicator& comm, int64_t bytes) {
  if (kind != CollectiveKind::AllReduce) refuse("the double binary tree is an all-reduce algorithm");
  const int64_t n = comm.size();
  // Two heap-ordered binary trees, the second over the reversed rank order: a rank interior in one tree
  // is a leaf in the other. Each tree carries half the buffer, pipelined: reduce up, then broadcast down.
  int64_t depth = 0;
  while ((int64_t{1} << depth) < n + 1) ++depth;
  Phase up, down;
  up.label = "tree reduce (both trees, pipelined)";
  down.label = "tree broadcast (both trees, pipelined)";
  const int64_t half = ceil_div(bytes, 2);
  for (int tree = 0; tree < 2; ++tree) {
    auto rank_at = [&](int64_t heap) { return tree == 0 ? heap : n - 1 - heap; };
    for (int64_t h = 1; h < n; ++h) {
      const uint32_t child = comm.xpus[rank_at(h)], parent = comm.xpus[rank_at((h - 1) / 2)];
      up.transfers.push_back({child, parent, half});
      down.transfers.push_back({parent, child, half});
    }
  }
  up.latency_hops = down.latency_hops = std::max<int64_t>(1, depth - 1);
  s.phases.push_back(std::move(up));
  s.phases.push_back(std::move(down));
}

void append_halving_doubling(Schedule& s, CollectiveKind kind, const Communicator& comm, int64_t bytes) {
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

void append_hierarchical(Schedule& s, CollectiveKind kind, const Communicator& comm, int64_t bytes) {
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

void append_parameter_server(Schedule& s, CollectiveKind kind, const Communicator& comm, int64_t bytes, int servers) {
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

}  // namespace

Schedule build_schedule(CollectiveKind kind, Algorithm algorithm, const Communicator& comm, int64_t bytes, int nics_per_server,
                        const ScheduleOptions& o) {
  Schedule s;
  s.kind = kind;
  s.bytes = bytes;
  s.ranks = comm.size();
  s.algorithm = algorithm == Algorithm::Auto ? auto_algorithm(kind, comm) : algorithm;
  if (comm.size() < 2) refuse("a collective needs at least 2 ranks");
  if (bytes <= 0) refuse("the message size must be positive");
  switch (s.algorithm) {
    case Algorithm::Ring: {
      // One channel per NIC of a server, as NCCL opens, unless the group has one rank per server.
      std::map<uint32_t, int> per_server;
      for (int64_t r = 0; r < comm.size(); ++r) ++per_server[comm.server_of(r)];
      int locals = 0;
      for (const auto& [srv, k] : per_server) locals = std::max(locals, k);
      s.channels = o.channels > 0 ? o.channels : (locals > 1 && per_server.size() > 1 ? std::max(1, std::min(nics_per_server, locals)) : 1);
      append_ring(s, kind, comm, bytes, s.channels);
      break;
    }
    case Algorithm::Direct: append_direct(s, kind, comm, bytes, o.max_transfers_per_phase); break;
    case Algorithm::DoubleBinaryTree: append_tree(s, kind, comm, bytes); break;
    case Algorithm::HalvingDoubling: append_halving_doubling(s, kind, comm, bytes); break;
    case Algorithm::Hierarchical: append_hierarchical(s, kind, comm, bytes); break;
    case Algorithm::ParameterServer: append_parameter_server(s, kind, comm, bytes, o.parameter_servers); break;
    case Algorithm::Auto: break;
  }
  return s;
}

}  // namespace aifabric
