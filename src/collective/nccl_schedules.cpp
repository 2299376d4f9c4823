// NCCL's algorithms as schedules: rings through each node's GPUs, double binary trees over nodes with a chain
// inside each node, NVLS (reduction in the NVLink switch), NVLS-tree, and send/recv with one peer per rank.
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "collective/schedule_builders.h"

namespace aifabric::schedules {

std::vector<std::vector<uint32_t>> ranks_by_node(const Communicator& comm, const Fabric& f) {
  const uint32_t domain = f.scale_up_domain();
  std::unordered_map<uint32_t, size_t> slot;
  std::vector<std::vector<uint32_t>> nodes;
  for (uint32_t x : comm.xpus) {
    const auto [it, fresh] = slot.try_emplace(x / domain, nodes.size());
    if (fresh) nodes.emplace_back();
    nodes[it->second].push_back(x);
  }
  return nodes;
}

namespace {

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
  for (size_t c = 0; c < rings.size(); ++c) {
    const auto& ring = rings[c];
    const size_t n = ring.size();
    for (size_t i = 0; i < n; ++i) p.transfers.push_back({ring[i], ring[(i + 1) % n], chunk, Via::Peer, static_cast<uint16_t>(c)});
  }
  return p;
}

// The hops the slowest chunk crosses walking `steps` times along the ring: it starts on the last rank of a
// node, so it crosses as many node boundaries as a walk that long can (2 x nodes for an all-reduce; NCCL's model
// counts 2 x (nodes - 1)).
std::vector<Hop> ring_walk(const std::vector<uint32_t>& ring, int64_t steps, uint32_t domain) {
  std::vector<Hop> chain;
  chain.reserve(static_cast<size_t>(std::max<int64_t>(0, steps)));
  const size_t n = ring.size();
  size_t start = 0;
  while (start + 1 < n && ring[start] / domain == ring[start + 1] / domain) ++start;
  if (start + 1 == n) start = 0;  // one node
  for (int64_t i = 0; i < steps; ++i) chain.push_back({ring[(start + static_cast<size_t>(i)) % n], ring[(start + static_cast<size_t>(i) + 1) % n]});
  return chain;
}

// Heap-ordered binary trees over `n` nodes; tree 1 mirrors tree 0, so a node interior in one is a leaf in the other.
size_t tree_node(int tree, size_t heap, size_t n) { return tree == 0 ? heap : n - 1 - heap; }

// Depth of heap position h (the root is 0).
size_t tree_depth(size_t h) {
  size_t d = 0;
  for (; h > 0; h = (h - 1) / 2) ++d;
  return d;
}

// Inter-node hops from the deepest heap position to the root: the tree's depth in hops.
std::vector<size_t> path_to_root(size_t n) {
  std::vector<size_t> path;
  for (size_t h = n - 1;; h = (h - 1) / 2) {
    path.push_back(h);
    if (h == 0) break;
  }
  return path;
}

}  // namespace

void append_ring(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire) {
  const int64_t n = comm.size();
  const uint32_t domain = f.scale_up_domain();
  const auto rings = ring_orders(comm, s.channels);
  const int64_t per_channel = ceil_div(wire, s.channels);
  const int64_t chunk = ceil_div(per_channel, n);
  switch (s.kind) {
    case CollectiveKind::AllReduce:
      s.phases.push_back(ring_step(rings, chunk, 2 * (n - 1), "ring step (reduce-scatter then all-gather)"));
      s.phases.back().chain = ring_walk(rings[0], 2 * (n - 1), domain);
      break;
    case CollectiveKind::ReduceScatter:
      s.phases.push_back(ring_step(rings, chunk, n - 1, "ring reduce-scatter step"));
      s.phases.back().chain = ring_walk(rings[0], n - 1, domain);
      break;
    case CollectiveKind::AllGather:
      s.phases.push_back(ring_step(rings, chunk, n - 1, "ring all-gather step"));
      s.phases.back().chain = ring_walk(rings[0], n - 1, domain);
      break;
    case CollectiveKind::Broadcast:
    case CollectiveKind::Reduce: {
      // A pipelined chain from (or to) the root: every hop streams the whole buffer; latency adds per hop.
      Phase p;
      p.label = s.kind == CollectiveKind::Broadcast ? "pipelined ring broadcast" : "pipelined ring reduce";
      for (size_t c = 0; c < rings.size(); ++c) {
        const auto& ring = rings[c];
        for (int64_t i = 0; i + 1 < n; ++i) {
          const uint32_t a = ring[static_cast<size_t>(i)], b = ring[static_cast<size_t>(i + 1)];
          // Stage: the hop's place along the chain from (broadcast) or toward (reduce) the root.
          const auto ch = static_cast<uint16_t>(c);
          p.transfers.push_back(s.kind == CollectiveKind::Broadcast ? Transfer{a, b, per_channel, Via::Peer, ch, static_cast<uint16_t>(i)}
                                                                    : Transfer{b, a, per_channel, Via::Peer, ch, static_cast<uint16_t>(n - 2 - i)});
        }
      }
      // The chain the data takes: from the root along the ring (broadcast) or toward it (reduce), crossing
      // nodes - 1 boundaries as NCCL's model counts.
      const auto& ring = rings[0];
      for (int64_t i = 0; i + 1 < n; ++i) {
        const uint32_t a = ring[static_cast<size_t>(i)], b = ring[static_cast<size_t>(i + 1)];
        p.chain.push_back(s.kind == CollectiveKind::Broadcast ? Hop{a, b} : Hop{ring[static_cast<size_t>(n - 1 - i)], ring[static_cast<size_t>(n - 2 - i)]});
      }
      s.phases.push_back(std::move(p));
      break;
    }
    case CollectiveKind::SendRecv: append_sendrecv(s, comm, wire); break;
    case CollectiveKind::AllToAll: refuse("all-to-all has no ring schedule; use direct");
  }
}

void append_sendrecv(Schedule& s, const Communicator& comm, int64_t wire) {
  // As NCCL-tests' sendrecv_perf: every rank sends its whole buffer to the next rank and receives from the previous.
  const int64_t n = comm.size();
  Phase p;
  p.label = "send to the next rank, receive from the previous";
  for (int64_t r = 0; r < n; ++r) p.transfers.push_back({comm.xpus[static_cast<size_t>(r)], comm.xpus[static_cast<size_t>((r + 1) % n)], wire});
  s.phases.push_back(std::move(p));
}

void append_tree(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire) {
  if (s.kind != CollectiveKind::AllReduce) refuse("the double binary tree is an all-reduce algorithm");
  const auto nodes = ranks_by_node(comm, f);
  const size_t N = nodes.size();
  // Channels alternate between the two trees; each pair of channels shares one attach GPU (and so one NIC) per node.
  const int channels = std::max(2, s.channels + s.channels % 2);
  s.channels = channels;
  const int64_t chunk = ceil_div(wire, channels);
  // Stages, in the order a chunk meets them: up the chain inside a node (hop k-1), up the tree (the deeper the
  // sender, the earlier), down the tree (the deeper, the later), back along the chain.
  size_t longest = 1;
  for (const auto& m : nodes) longest = std::max(longest, m.size());
  const size_t depth = tree_depth(N - 1), up_stage = longest - 1, down_stage = up_stage + depth, back = down_stage + depth;
  auto stage = [](size_t v) { return static_cast<uint16_t>(v); };
  Phase p;
  p.label = "tree reduce and broadcast (both trees, pipelined)";
  for (int c = 0; c < channels; ++c) {
    const int tree = c % 2;
    const auto ch = static_cast<uint16_t>(c);
    auto attach = [&](size_t node) { const auto& m = nodes[node]; return m[static_cast<size_t>(c / 2) % m.size()]; };
    for (size_t g = 0; g < N; ++g) {
      // The chain inside the node ends at the GPU whose NIC the channel uses.
      const auto& m = nodes[g];
      const size_t L = m.size(), a = static_cast<size_t>(c / 2) % L;
      for (size_t k = 1; k < L; ++k) {
        const uint32_t from = m[(a + k) % L], to = m[(a + k + 1) % L];
        p.transfers.push_back({from, to, chunk, Via::Peer, ch, stage(k - 1)});               // reduce toward the attach GPU
        p.transfers.push_back({to, from, chunk, Via::Peer, ch, stage(back + (L - 1 - k))});  // broadcast back along the chain
      }
    }
    for (size_t h = 1; h < N; ++h) {
      const uint32_t child = attach(tree_node(tree, h, N)), parent = attach(tree_node(tree, (h - 1) / 2, N));
      p.transfers.push_back({child, parent, chunk, Via::Peer, ch, stage(up_stage + depth - tree_depth(h))});
      p.transfers.push_back({parent, child, chunk, Via::Peer, ch, stage(down_stage + tree_depth(h) - 1)});
    }
  }
  // A chunk's way: up the deepest node's chain, up the tree to the root, down again, down the chain.
  const auto& deep = nodes[tree_node(0, N - 1, N)];
  std::vector<Hop> intra;
  for (size_t k = 1; k < deep.size(); ++k) intra.push_back({deep[k], deep[(k + 1) % deep.size()]});
  std::vector<Hop> up;
  const auto path = path_to_root(N);
  for (size_t i = 0; i + 1 < path.size(); ++i) up.push_back({nodes[tree_node(0, path[i], N)][0], nodes[tree_node(0, path[i + 1], N)][0]});
  p.chain = intra;
  p.chain.insert(p.chain.end(), up.begin(), up.end());
  for (auto it = up.rbegin(); it != up.rend(); ++it) p.chain.push_back({it->dst, it->src});
  for (auto it = intra.rbegin(); it != intra.rend(); ++it) p.chain.push_back({it->dst, it->src});
  s.phases.push_back(std::move(p));
}

void append_nvls(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire) {
  if (s.system.nodes > 1) {
    if (!s.system.collnet) refuse("NVLS across nodes needs in-network reduction (CollNet/SHARP); use nvls-tree");
    if (s.kind != CollectiveKind::AllReduce) refuse("NVLS across nodes runs all-reduce only");
    // NVLS inside each node, then every head's slice through the network's switches (SHARP) and back.
    const auto nodes = ranks_by_node(comm, f);
    Phase p;
    p.label = "NVLS inside each node, the heads' slices reduced in the network's switches (pipelined)";
    for (const auto& m : nodes) {
      const int64_t slice = ceil_div(wire, static_cast<int64_t>(m.size()));
      for (uint32_t x : m) {
        p.transfers.push_back({x, x, wire + slice, Via::ToSwitch, 0, 0});
        p.transfers.push_back({x, x, slice + wire, Via::FromSwitch, 0, 1});
        p.transfers.push_back({x, x, slice, Via::ToNetwork, 0, 2});
        p.transfers.push_back({x, x, slice, Via::FromNetwork, 0, 3});
      }
    }
    const auto& first = nodes.front();
    p.chain = {{first[0], first[first.size() > 1 ? 1 : 0]}, {first[0], nodes.back()[0]}};
    s.phases.push_back(std::move(p));
    return;
  }
  const int64_t n = comm.size();
  const int64_t slice = ceil_div(wire, n);
  // Each GPU's slice is reduced in the switch from every GPU's copy (multimem load-reduce) and the result
  // multicast back to every GPU (multimem store): per GPU, its whole buffer and one slice each way.
  int64_t to_switch = 0, from_switch = 0;
  switch (s.kind) {
    case CollectiveKind::AllReduce: to_switch = from_switch = wire + slice; break;
    case CollectiveKind::ReduceScatter: to_switch = wire; from_switch = slice; break;
    case CollectiveKind::AllGather: to_switch = slice; from_switch = wire; break;
    default: refuse(fmt::format("NVLS runs all-reduce, reduce-scatter and all-gather, not {}", to_string(s.kind)));
  }
  Phase p;
  p.label = "NVLS: reduce and multicast in the NVLink switch";
  for (uint32_t x : comm.xpus) {
    p.transfers.push_back({x, x, to_switch, Via::ToSwitch, 0, 0});
    p.transfers.push_back({x, x, from_switch, Via::FromSwitch, 0, 1});
  }
  p.chain = {{comm.xpus[0], comm.xpus[1]}};
  s.phases.push_back(std::move(p));
}

void append_nvls_tree(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire) {
  if (s.kind != CollectiveKind::AllReduce) refuse("NVLS-tree is an all-reduce algorithm");
  const auto nodes = ranks_by_node(comm, f);
  const size_t N = nodes.size();
  if (N < 2) refuse("NVLS-tree joins several nodes; one node runs nvls");
  Phase p;
  p.label = "NVLS inside each node, trees between the nodes' heads (pipelined)";
  for (size_t g = 0; g < N; ++g) {
    const auto& m = nodes[g];
    const int64_t slice = ceil_div(wire, static_cast<int64_t>(m.size()));
    for (size_t k = 0; k < m.size(); ++k) {
      // Every GPU's buffer into the switch, its head's reduced slice out and back in, the result multicast to all.
      const uint32_t x = m[k];
      p.transfers.push_back({x, x, wire + slice, Via::ToSwitch, static_cast<uint16_t>(k), 0});
      p.transfers.push_back({x, x, slice + wire, Via::FromSwitch, static_cast<uint16_t>(k), 1});
    }
  }
  // Head k of every node (local rank k, its NIC) runs both trees over the nodes for its slice, half on each.
  const size_t heads = nodes[0].size();
  const size_t depth = tree_depth(N - 1), up_stage = 2, down_stage = up_stage + depth;
  for (size_t k = 0; k < heads; ++k) {
    const auto ch = static_cast<uint16_t>(k);
    for (int tree = 0; tree < 2; ++tree) {
      for (size_t h = 1; h < N; ++h) {
        const auto& cm = nodes[tree_node(tree, h, N)];
        const auto& pm = nodes[tree_node(tree, (h - 1) / 2, N)];
        const int64_t half = ceil_div(ceil_div(wire, static_cast<int64_t>(cm.size())), 2);
        const uint32_t child = cm[k % cm.size()], parent = pm[k % pm.size()];
        p.transfers.push_back({child, parent, half, Via::Peer, ch, static_cast<uint16_t>(up_stage + depth - tree_depth(h))});
        p.transfers.push_back({parent, child, half, Via::Peer, ch, static_cast<uint16_t>(down_stage + tree_depth(h) - 1)});
      }
    }
  }
  s.channels = static_cast<int>(heads);
  // NVLS inside the node once, then up the tree and down again between heads 0.
  p.chain.push_back({nodes[0][0], nodes[0][nodes[0].size() > 1 ? 1 : 0]});
  const auto path = path_to_root(N);
  std::vector<Hop> up;
  for (size_t i = 0; i + 1 < path.size(); ++i) up.push_back({nodes[tree_node(0, path[i], N)][0], nodes[tree_node(0, path[i + 1], N)][0]});
  p.chain.insert(p.chain.end(), up.begin(), up.end());
  for (auto it = up.rbegin(); it != up.rend(); ++it) p.chain.push_back({it->dst, it->src});
  s.phases.push_back(std::move(p));
}

}  // namespace aifabric::schedules

namespace aifabric::schedules {

namespace {
// A chain inside one node from its first rank's neighbour to `head`, as (from, to) hops.
std::vector<Hop> chain_to(const std::vector<uint32_t>& m, size_t head) {
  std::vector<Hop> hops;
  const size_t L = m.size();
  for (size_t k = 1; k < L; ++k) hops.push_back({m[(head + k) % L], m[(head + k + 1) % L]});
  return hops;
}
}  // namespace

void append_collnet_chain(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire) {
  if (s.kind != CollectiveKind::AllReduce) refuse("CollNet chain is an all-reduce algorithm");
  const auto nodes = ranks_by_node(comm, f);
  const int64_t chunk = ceil_div(wire, s.channels);
  Phase p;
  p.label = "CollNet chain: reduce along each node's chain, in the network's switches, and back (pipelined)";
  size_t longest = 1;
  for (const auto& m : nodes) longest = std::max(longest, m.size());
  const auto net = static_cast<uint16_t>(longest - 1);  // stages: the chain up, the network, the chain down
  for (int c = 0; c < s.channels; ++c) {
    const auto ch = static_cast<uint16_t>(c);
    for (const auto& m : nodes) {
      const size_t head = static_cast<size_t>(c) % m.size();
      const auto hops = chain_to(m, head);
      for (size_t q = 0; q < hops.size(); ++q) {
        const Hop& h = hops[q];
        p.transfers.push_back({h.src, h.dst, chunk, Via::Peer, ch, static_cast<uint16_t>(q)});  // reduce toward the head
        p.transfers.push_back({h.dst, h.src, chunk, Via::Peer, ch, static_cast<uint16_t>(net + 2 + (hops.size() - 1 - q))});  // the result back
      }
      p.transfers.push_back({m[head], m[head], chunk, Via::ToNetwork, ch, net});
      p.transfers.push_back({m[head], m[head], chunk, Via::FromNetwork, ch, static_cast<uint16_t>(net + 1)});
    }
  }
  // Up the first node's chain, once through the switches' reduction tree, down the chain again.
  const auto up = chain_to(nodes.front(), 0);
  p.chain = up;
  p.chain.push_back({nodes.front()[0], nodes.back()[0]});
  for (auto it = up.rbegin(); it != up.rend(); ++it) p.chain.push_back({it->dst, it->src});
  s.phases.push_back(std::move(p));
}

void append_collnet_direct(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire) {
  if (s.kind != CollectiveKind::AllReduce) refuse("CollNet direct is an all-reduce algorithm");
  const auto nodes = ranks_by_node(comm, f);
  Phase p;
  p.label = "CollNet direct: reduce-scatter in the node, every GPU's slice through the network's switches, all-gather (pipelined)";
  for (const auto& m : nodes) {
    const int64_t slice = ceil_div(wire, static_cast<int64_t>(m.size()));
    for (size_t i = 0; i < m.size(); ++i) {
      for (size_t j = 0; j < m.size(); ++j) {
        if (i != j) {
          p.transfers.push_back({m[i], m[j], slice, Via::Peer, 0, 0});  // reduce-scatter: my copy of j's slice to j
          p.transfers.push_back({m[j], m[i], slice, Via::Peer, 0, 3});  // all-gather: j's reduced slice to me
        }
      }
      p.transfers.push_back({m[i], m[i], slice, Via::ToNetwork, 0, 1});
      p.transfers.push_back({m[i], m[i], slice, Via::FromNetwork, 0, 2});
    }
  }
  const auto& first = nodes.front();
  const uint32_t peer = first.size() > 1 ? first[1] : first[0];
  p.chain = {{peer, first[0]}, {first[0], nodes.back()[0]}, {first[0], peer}};
  s.phases.push_back(std::move(p));
}

}  // namespace aifabric::schedules

namespace aifabric::schedules {

void append_pat(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire) {
  if (s.kind != CollectiveKind::AllGather && s.kind != CollectiveKind::ReduceScatter) refuse("PAT runs all-gather and reduce-scatter");
  if (ranks_by_node(comm, f).size() != static_cast<size_t>(comm.size())) refuse("PAT runs with one GPU per node");
  // Log-depth exchanges, as Bruck's all-gather: at step k each rank passes the min(2^k, n - 2^k) blocks it has
  // gathered to the rank 2^k behind it, n - 1 blocks in all; the reduce-scatter runs the same steps backwards.
  const int64_t n = comm.size();
  const int64_t block = ceil_div(wire, n);
  std::vector<Phase> steps;
  for (int64_t d = 1; d < n; d *= 2) {
    Phase p;
    p.label = fmt::format("PAT step at distance {}", d);
    const int64_t blocks = std::min(d, n - d);
    for (int64_t r = 0; r < n; ++r) p.transfers.push_back({comm.xpus[static_cast<size_t>(r)], comm.xpus[static_cast<size_t>((r - d + n) % n)], blocks * block});
    steps.push_back(std::move(p));
  }
  if (s.kind == CollectiveKind::ReduceScatter) std::reverse(steps.begin(), steps.end());
  for (Phase& p : steps) s.phases.push_back(std::move(p));
}

}  // namespace aifabric::schedules
