// Building the dependency graph of a schedule's chunk transfers (see chunk_graph.h for the rules).
#include "collective/chunk_graph.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

namespace aifabric {

namespace {

// Where data waits or is delivered: an XPU, the NVLink switch of a domain, or the network's reduction tree.
constexpr uint64_t kSwitchTag = 1ull << 40, kNetworkTag = 2ull << 40;

uint64_t wait_point(const Transfer& t, uint32_t domain) {
  if (t.via == Via::FromSwitch) return kSwitchTag | (t.dst / domain);
  if (t.via == Via::FromNetwork) return kNetworkTag;
  return t.src;
}
uint64_t delivery_point(const Transfer& t, uint32_t domain) {
  if (t.via == Via::ToSwitch) return kSwitchTag | (t.src / domain);
  if (t.via == Via::ToNetwork) return kNetworkTag;
  return t.dst;
}
bool reduces(uint64_t point) { return point >= kSwitchTag; }

// A phase's transfers by (delivery point, channel, stage), to find what arrives where a transfer starts.
struct PhaseIndex {
  std::vector<std::tuple<uint64_t, uint16_t, uint16_t, uint32_t>> arrivals;
  uint16_t first_stage = 0;

  PhaseIndex(const Phase& ph, uint32_t domain) {
    arrivals.reserve(ph.transfers.size());
    first_stage = ph.transfers.empty() ? 0 : ph.transfers[0].stage;
    for (uint32_t i = 0; i < ph.transfers.size(); ++i) {
      const Transfer& t = ph.transfers[i];
      arrivals.emplace_back(delivery_point(t, domain), t.channel, t.stage, i);
      first_stage = std::min(first_stage, t.stage);
    }
    std::sort(arrivals.begin(), arrivals.end());
  }
  // Transfers delivering at `point` (on `channel` unless it is a reduction point, or on any when `any_channel`)
  // with a stage below `below`.
  template <typename F>
  void arriving(uint64_t point, uint16_t channel, bool any_channel, uint16_t below, F&& f) const {
    const bool all = any_channel || reduces(point);
    auto lo = std::lower_bound(arrivals.begin(), arrivals.end(), std::make_tuple(point, all ? uint16_t{0} : channel, uint16_t{0}, 0u));
    for (auto it = lo; it != arrivals.end() && std::get<0>(*it) == point; ++it) {
      if (!all && std::get<1>(*it) != channel) break;
      if (std::get<2>(*it) < below) f(std::get<3>(*it));
    }
  }
};

}  // namespace

int64_t slice_bytes(const Schedule& s, const Phase& ph) {
  constexpr int64_t kSteps = 8, kWarp = 32;  // NCCL_STEPS, threads per warp
  const int64_t ll_slot = 8 * 512 * kSteps * 16 / kSteps, ll128_slot = 120 * 640 * kSteps * 8 / kSteps, slot = (int64_t{1} << 22) / kSteps;
  const bool streamed = !ph.chain.empty() && ph.repeat == 1;
  switch (s.protocol) {
    case Protocol::LL: return streamed ? 8 * kWarp * 16 : ll_slot;
    case Protocol::LL128: return streamed ? 120 * kWarp * 8 : ll128_slot;
    case Protocol::Simple: break;
  }
  if (!streamed) {
    const bool ring_chunks = s.algorithm == Algorithm::Ring && (s.kind == CollectiveKind::AllReduce || s.kind == CollectiveKind::ReduceScatter ||
                                                                 s.kind == CollectiveKind::AllGather);
    return ring_chunks ? 4 * slot : slot;
  }
  int64_t unit = slot;
  if (s.algorithm == Algorithm::DoubleBinaryTree) {
    // The tree's depth as NCCL counts it: levels between nodes plus the chain inside a node.
    int64_t levels = 0;
    for (int64_t n = std::max<int64_t>(1, s.system.nodes); n > 1; n = (n + 1) / 2) ++levels;
    const int64_t depth = std::max<int64_t>(1, levels + static_cast<int64_t>(std::llround(s.system.ppn())) - 1);
    const int64_t per_channel = s.bytes / std::max(1, s.channels);
    while (per_channel / unit < depth * 8 && unit > 131072) unit /= 2;
    while (per_channel / unit < depth * 4 && unit > 65536) unit /= 2;
    while (per_channel / unit < depth && unit > 32768) unit /= 2;
  }
  return unit;
}

namespace {
constexpr int64_t kLineStreamSlices = 8;
}  // namespace

int64_t ops_per_slice(const Schedule& s) {
  int64_t n = 0;
  for (const Phase& ph : s.phases) n += static_cast<int64_t>(ph.transfers.size()) * std::max<int64_t>(0, ph.repeat);
  return n;
}

int slices_for(const Schedule& s, int64_t max_ops) {
  int64_t want = 1;
  for (const Phase& ph : s.phases) {
    int64_t largest = 0;
    for (const Transfer& t : ph.transfers) largest = std::max(largest, t.bytes);
    const int64_t unit = slice_bytes(s, ph);
    want = std::max(want, (largest + unit - 1) / unit);
    // LL and LL128 forward each line as it lands: a transfer smaller than a warp's share still streams through
    // a chain or tree, which at least 8 slices approximate (the store-and-forward left is an eighth of a hop's).
    const bool streamed = !ph.chain.empty() && ph.repeat == 1;
    if (streamed && s.protocol != Protocol::Simple) want = std::max(want, std::min<int64_t>(kLineStreamSlices, largest));
  }
  const int64_t per = std::max<int64_t>(1, ops_per_slice(s));
  want = std::min(want, std::max<int64_t>(1, max_ops / per));
  return static_cast<int>(std::min<int64_t>(want, 1 << 20));
}

ChunkGraph build_chunk_graph(const Schedule& s, uint32_t domain, int slices, int64_t max_ops) {
  if (slices < 1) throw std::invalid_argument("a chunk graph needs at least one slice per transfer");
  const int64_t per_slice = ops_per_slice(s);
  const int64_t total = per_slice * slices;
  if (total > max_ops || total >= static_cast<int64_t>(ChunkGraph::kOrderEdge)) {
    throw std::invalid_argument(fmt::format("the dependency graph would hold {} chunk transfers ({} per slice x {} slices), more than the {} allowed; "
                                            "run as steady-state phases or a smaller group", total, per_slice, slices, max_ops));
  }
  domain = std::max<uint32_t>(1, domain);
  std::vector<PhaseIndex> index;
  std::vector<int64_t> base;
  index.reserve(s.phases.size());
  int64_t at = 0;
  for (const Phase& ph : s.phases) {
    index.emplace_back(ph, domain);
    base.push_back(at);
    at += static_cast<int64_t>(ph.transfers.size()) * std::max<int64_t>(0, ph.repeat);
  }
  // The phase before each one that moves anything (phases repeated zero times, or empty, have no ops).
  std::vector<int64_t> previous(s.phases.size(), -1);
  for (size_t p = 1; p < s.phases.size(); ++p) {
    const Phase& q = s.phases[p - 1];
    previous[p] = q.repeat > 0 && !q.transfers.empty() ? static_cast<int64_t>(p - 1) : previous[p - 1];
  }
  auto id = [&](int64_t c, size_t p, int64_t k, uint32_t i) {
    return static_cast<uint32_t>(c * per_slice + base[p] + k * static_cast<int64_t>(s.phases[p].transfers.size()) + i);
  };
  // Every predecessor of op (slice c, phase p, step k, transfer i), with whether the edge is an order edge.
  auto for_each_pred = [&](int64_t c, size_t p, int64_t k, uint32_t i, auto&& f) {
    const Phase& ph = s.phases[p];
    const Transfer& t = ph.transfers[i];
    const uint64_t w = wait_point(t, domain);
    index[p].arriving(w, t.channel, false, t.stage, [&](uint32_t j) { f(id(c, p, k, j), false); });
    if (t.stage == index[p].first_stage) {
      if (k > 0) {
        index[p].arriving(w, t.channel, false, UINT16_MAX, [&](uint32_t j) { f(id(c, p, k - 1, j), false); });
      } else if (previous[p] >= 0) {
        // Phases follow one another: everything the previous phase delivered here, every slice of it.
        const auto q = static_cast<size_t>(previous[p]);
        index[q].arriving(w, t.channel, true, UINT16_MAX, [&](uint32_t j) { f(id(slices - 1, q, s.phases[q].repeat - 1, j), false); });
      }
    }
    if (k > 0) f(id(c, p, k - 1, i), true);
    else if (c > 0) f(id(c - 1, p, ph.repeat - 1, i), true);
  };
  auto for_each_op = [&](auto&& f) {
    for (int64_t c = 0; c < slices; ++c)
      for (size_t p = 0; p < s.phases.size(); ++p)
        for (int64_t k = 0; k < s.phases[p].repeat; ++k)
          for (uint32_t i = 0; i < s.phases[p].transfers.size(); ++i) f(c, p, k, i);
  };

  ChunkGraph g;
  g.slices = slices;
  const auto n = static_cast<size_t>(total);
  g.ops.resize(n);
  g.waits.assign(n, 0);
  g.next_begin.assign(n + 1, 0);
  for_each_op([&](int64_t c, size_t p, int64_t k, uint32_t i) {
    const uint32_t o = id(c, p, k, i);
    const int64_t b = s.phases[p].transfers[i].bytes;
    g.ops[o] = {static_cast<uint32_t>(p), i, b / slices + (c < b % slices ? 1 : 0)};
    for_each_pred(c, p, k, i, [&](uint32_t pred, bool) {
      ++g.waits[o];
      ++g.next_begin[pred + 1];
    });
  });
  for (size_t o = 0; o < n; ++o) g.next_begin[o + 1] += g.next_begin[o];
  g.next.resize(g.next_begin[n]);
  std::vector<uint64_t> fill(g.next_begin.begin(), g.next_begin.end() - 1);
  for_each_op([&](int64_t c, size_t p, int64_t k, uint32_t i) {
    const uint32_t o = id(c, p, k, i);
    for_each_pred(c, p, k, i, [&](uint32_t pred, bool order) { g.next[fill[pred]++] = o | (order ? ChunkGraph::kOrderEdge : 0u); });
  });
  return g;
}

}  // namespace aifabric
