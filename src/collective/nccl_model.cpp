// NCCL's tuning model as data and arithmetic: base and hardware latencies, per-protocol caps, size corrections.
//
// Every constant below is a number published in NCCL's source (src/graph/tuning.cc, src/graph/search.cc,
// src/graph/topo.h of the 2.23-2.26 releases); the arithmetic follows ncclTopoTuneModel and ncclTopoGetAlgoTime.
// Deliberate differences, each named where it happens: the host CPU is taken as Intel unless said otherwise, the
// network graph's own latency (`latencyInter`, 0 for InfiniBand and RoCE NICs) is 0, and trees are NCCL's balanced
// pattern (no 0.85 penalty), which reproduces the figures NVIDIA engineers quote for 1,024 H100s.
#include "collective/nccl_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace aifabric {

namespace {

constexpr int kTree = 0, kRing = 1, kCollNetDirect = 2, kCollNetChain = 3, kNvls = 4, kNvlsTree = 5, kPat = 6;
constexpr int kLL = 0, kLL128 = 1, kSimple = 2;
constexpr int kHwNvlink = 0, kHwPci = 1, kHwNet = 2;

// baseLat[algorithm][protocol], microseconds.
constexpr double kBaseLat[kNcclAlgos][kProtocols] = {
    {6.8, 14.0, 8.4}, {6.6, 14.0, 8.4}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}};

// hwLat[NVLink | PCI | network][algorithm][protocol], microseconds per hop.
constexpr double kHwLat[3][kNcclAlgos][kProtocols] = {
    {{.6, 1.25, 4.0}, {.6, 1.9, 3.4}, {0, 0, 3.7}, {0, 0, 2.8}, {0, 0, 25}, {0, 0, 25}, {0, 0, 0}},
    {{1.0, 1.9, 4.0}, {1.0, 2.5, 5.7}, {0, 0, 3.7}, {0, 0, 2.8}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
    {{5.0, 8.5, 14}, {2.7, 4.0, 14.0}, {0, 0, 31}, {0, 0, 30}, {0, 0, 18}, {0, 0, 14}, {0, 0, 0}}};

// Per-GPU-generation caps, GB/s, indexed [generation][one node | two nodes | more].
constexpr double kLlMaxBw[4][3] = {{39.0, 39.0, 20.4}, {87.7, 22.5, 19.0}, {141.0, 45.0, 35.0}, {282.0, 90.0, 70.0}};
constexpr double kRingLL128PerChannel[4][3] = {{20, 20, 20}, {20, 20, 20}, {36.7, 36.7, 36.7}, {73.4, 73.4, 73.4}};
constexpr double kTreeLL128PerChannel[4][3] = {{20, 20, 20}, {20, 20, 20}, {36.7, 36.7, 29.0}, {73.4, 73.4, 58.0}};
constexpr double kTreePerChannel[4][3] = {{26.5, 18.5, 10.0}, {24.0, 23.6, 17.8}, {38.7, 41.4, 36.0}, {77.4, 82.8, 72.0}};

// Trees stray from the model at medium sizes; NCCL corrects their bandwidth by these factors (64 B to 256 MiB).
constexpr double kTreeCorrection[kProtocols][23] = {
    {1.0, 1.0, 1.0, 1.0, .9, .8, .7, .7, .7, .7, .6, .5, .4, .4, .5, .6, .7, .8, .9, 1.0, 1.0, 1.0, 1.0},
    {1.0, 1.0, 1.0, 1.0, 1.0, .9, .8, .8, .8, .7, .6, .6, .6, .6, .6, .6, .8, .9, .9, .9, .9, 1.0, 1.0},
    {.9, .9, .9, .9, .9, .9, .9, .8, .7, .6, .6, .5, .5, .5, .5, .6, .7, .8, .7, .7, .8, .9, .9}};

// search.cc: the speeds (GB/s per channel) NCCL's topology search tries, highest first.
constexpr double kSpeedIntraSm90[] = {60.0, 50.0, 40.0, 30.0, 24.0, 20.0, 15.0, 12.0, 11.0, 6.0, 3.0};
constexpr double kSpeedInterSm90[] = {48.0, 45.0, 42.0, 40.0, 30.0, 24.0, 22.0, 20.0, 17.5, 15.0, 12.0, 6.0, 3.0, 2.4, 1.2, 0.24, 0.12};
constexpr double kSpeedIntraSm100[] = {90.0, 80.0, 70.0, 60.0, 50.0, 45.0, 40.0, 30.0, 24.0, 20.0, 19.0, 18.0};
constexpr double kSpeedInterSm100[] = {96.0, 86.0, 80.0, 48.0, 45.1, 42.0, 40.0, 30.0, 24.0, 22.0, 20.0, 17.5, 15.0, 12.0, 6.0, 3.0, 2.4, 1.2, 0.24, 0.12};
constexpr double kSpeedIntra[] = {40.0, 30.0, 20.0, 18.0, 15.0, 12.0, 10.0, 9.0, 7.0, 6.0, 5.0, 4.0, 3.0};
constexpr double kSpeedInter[] = {48.0, 30.0, 28.0, 24.0, 20.0, 18.0, 15.0, 12.0, 10.0, 9.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.4, 1.2, 0.24, 0.12};

// NCCL's log2i: floor(log2(n)), -1 for n <= 0.
int log2_floor(int64_t n) {
  if (n <= 0) return -1;
  int l = 0;
  while (n >>= 1) ++l;
  return l;
}

int arch_index(GpuArch a) { return static_cast<int>(a); }
int nodes_index(int64_t nodes) { return nodes <= 2 ? static_cast<int>(nodes) - 1 : 2; }

int64_t steps_of(CollectiveKind k, int64_t n) {
  switch (k) {
    case CollectiveKind::AllReduce: return 2 * (n - 1);
    case CollectiveKind::ReduceScatter:
    case CollectiveKind::AllGather: return n - 1;
    default: return n;
  }
}

bool algorithm_serves(CollectiveKind k, int a) {
  switch (k) {
    case CollectiveKind::Broadcast:
    case CollectiveKind::Reduce: return a == kRing;
    case CollectiveKind::ReduceScatter:
    case CollectiveKind::AllGather: return a == kPat || a == kRing || a == kNvls || a == kCollNetDirect;
    case CollectiveKind::AllReduce: return a != kPat;
    default: return false;  // point-to-point operations have no tuning table
  }
}

bool algorithm_available(const NcclSystem& s, int a) {
  switch (a) {
    case kNvls: return s.nvls && (s.nodes == 1 || s.collnet);
    case kNvlsTree: return s.nvls && s.nodes > 1;
    case kCollNetDirect: return s.collnet && s.nvlink;
    case kCollNetChain: return s.collnet;
    case kPat: return s.nodes == s.ranks;  // PAT runs with one GPU per node
    default: return true;
  }
}

// Network post overhead per ring step (getNetOverhead): 1 us on Intel hosts, 2 us on AMD.
double net_overhead_us(const NcclSystem& s) { return s.amd_cpu ? 2.0 : 1.0; }

double intra_hop_us(const NcclSystem& s, int a, int p) { return kHwLat[s.nvlink ? kHwNvlink : kHwPci][a][p]; }

// With one GPU per node NCCL's latencies are fully exposed and it charges the tree's network latency.
double inter_hop_us(const NcclSystem& s, int a, int p) { return s.ranks == s.nodes ? kHwLat[kHwNet][kTree][p] : kHwLat[kHwNet][a][p]; }

}  // namespace

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::LL: return "LL";
    case Protocol::LL128: return "LL128";
    case Protocol::Simple: return "Simple";
  }
  return "?";
}

std::optional<Protocol> parse_protocol(std::string_view s) {
  std::string t;
  for (char c : s) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (t == "ll") return Protocol::LL;
  if (t == "ll128") return Protocol::LL128;
  if (t == "simple") return Protocol::Simple;
  return std::nullopt;
}

std::string_view to_string(NcclAlgo a) {
  switch (a) {
    case NcclAlgo::Tree: return "Tree";
    case NcclAlgo::Ring: return "Ring";
    case NcclAlgo::CollNetDirect: return "CollNetDirect";
    case NcclAlgo::CollNetChain: return "CollNetChain";
    case NcclAlgo::Nvls: return "NVLS";
    case NcclAlgo::NvlsTree: return "NVLSTree";
    case NcclAlgo::Pat: return "PAT";
  }
  return "?";
}

double nccl_speed_step(GpuArch arch, bool inter, double limit_gbs) {
  const double* first;
  size_t n;
  if (arch == GpuArch::Blackwell) {
    first = inter ? kSpeedInterSm100 : kSpeedIntraSm100;
    n = inter ? std::size(kSpeedInterSm100) : std::size(kSpeedIntraSm100);
  } else if (arch == GpuArch::Hopper) {
    first = inter ? kSpeedInterSm90 : kSpeedIntraSm90;
    n = inter ? std::size(kSpeedInterSm90) : std::size(kSpeedIntraSm90);
  } else {
    first = inter ? kSpeedInter : kSpeedIntra;
    n = inter ? std::size(kSpeedInter) : std::size(kSpeedIntra);
  }
  for (size_t i = 0; i < n; ++i) if (first[i] <= limit_gbs * (1 + 1e-9)) return first[i];
  return first[n - 1];
}

NcclModel::NcclModel(CollectiveKind kind, const NcclSystem& s) : kind_(kind), system_(s) {
  const int64_t n = s.ranks, nodes = std::max<int64_t>(1, s.nodes);
  if (n < 2) return;
  const int ai = arch_index(s.arch), ni = nodes_index(nodes);
  const double ll_max = kLlMaxBw[nodes == 1 ? ai : (s.amd_cpu ? 1 : 0)][ni];
  const double ppn = s.ppn();
  const int64_t ppn_int = n / nodes;  // NCCL divides integers here
  const int64_t nsteps = steps_of(kind, n);
  const bool gather_or_scatter = kind == CollectiveKind::AllGather || kind == CollectiveKind::ReduceScatter;
  for (int a = 0; a < kNcclAlgos; ++a) {
    if (!algorithm_serves(kind, a) || !algorithm_available(s, a)) continue;
    for (int p = 0; p < kProtocols; ++p) {
      if ((a == kNvls || a == kNvlsTree || a == kPat) && p != kSimple) continue;
      if ((a == kCollNetDirect || a == kCollNetChain) && p != kSimple) continue;
      if (p == kLL128 && !s.nvlink) continue;  // LL128 only where ranks of a node share NVLink
      const bool nvls_graph = a == kNvls || a == kNvlsTree;
      const int ch = nvls_graph ? s.nvls_channels : s.channels;
      double bw = (nodes <= 2 || a == kCollNetDirect || a == kCollNetChain) ? s.bw_intra : s.bw_inter;
      if (a == kNvls) bw = std::min(s.nvls_bw_intra, s.nvls_bw_inter);
      if (a == kNvlsTree) bw = std::min(s.nvls_bw_intra, nodes <= 2 ? s.nvls_bw_inter : s.nvls_bw_inter / 2);
      double bus = ch * bw;
      if (a == kRing && p == kLL) bus = std::min(ll_max, bus * 0.5);
      if (a == kRing && p == kLL128) bus = std::min(bus * 0.92, ch * kRingLL128PerChannel[ai][ni]);
      if (a == kTree && kind == CollectiveKind::AllReduce) bus = std::min(bus * 0.92, ch * kTreePerChannel[ai][ni]);
      if (a == kTree && p == kLL) bus = std::min(bus / 3.8, ll_max);
      if (a == kTree && p == kLL128) bus = std::min(bus * (nodes == 1 ? 7.0 / 9.0 : 120.0 / 128.0), ch * kTreeLL128PerChannel[ai][ni]);
      if (a == kPat) bus *= 0.75;
      if (a == kCollNetDirect) {
        if (gather_or_scatter) {
          const double w = (ppn - 1) / 7.0;
          bus = ppn * bw * (w * 0.85 + (1 - w) * 0.95);
        } else {
          double factor = ppn / static_cast<double>(std::max(1, ch));  // GPUs per NIC
          factor -= (factor - 1) / 2;
          bus /= factor;
          if (s.arch >= GpuArch::Hopper) bus *= 0.85;
        }
      }
      if (!(a != kRing && gather_or_scatter)) {
        if (a == kRing) bus *= static_cast<double>(n) / static_cast<double>(nsteps);
        else if (nvls_graph) bus *= 5.0 / 6.0;
        else bus *= 0.5;
      }
      NcclCell& c = cells_[static_cast<size_t>(a)][static_cast<size_t>(p)];
      c.bandwidth_gbs = bus;
      double lat = kBaseLat[a][p];
      double intra = intra_hop_us(s, a, p);
      const double inter = inter_hop_us(s, a, p);
      const int lg = log2_floor(nodes);
      switch (a) {
        case kRing:
          if (kind == CollectiveKind::Broadcast || kind == CollectiveKind::Reduce) {
            lat += kHwLat[nodes == 1 ? (s.nvlink ? kHwNvlink : kHwPci) : kHwNet][kRing][p];  // NCCL's rings repeat per channel
          } else {
            if (nodes > 1) intra = std::max(intra, net_overhead_us(s) * (p == kSimple ? 3 : 1));
            const int64_t inter_steps = nodes == 1 ? 0 : kind == CollectiveKind::AllReduce ? 2 * (nodes - 1) : nodes - 1;
            lat += static_cast<double>(nsteps - inter_steps) * intra + static_cast<double>(inter_steps) * inter;
          }
          break;
        case kTree:
          if (kind == CollectiveKind::AllReduce) lat += 2 * (static_cast<double>(ppn_int - 1) * intra + lg * inter);
          break;
        case kCollNetDirect:
          lat += 2 * (static_cast<double>(std::min<int64_t>(1, ppn_int - 1)) * intra + static_cast<double>(ppn_int - 1) * 0.4) + inter;
          break;
        case kCollNetChain: lat += 2 * static_cast<double>(ppn_int - 1) * intra + inter; break;
        case kNvls: lat = intra + (nodes > 1 ? inter : 0); break;
        case kNvlsTree: lat += intra + 2 * lg * inter; break;
        case kPat: lat = 8 + lg * (inter / 3.5) + static_cast<double>(n) * 2.8; break;
        default: break;
      }
      c.latency_us = lat;
    }
  }
}

double NcclModel::time_us(NcclAlgo algo, Protocol proto, int64_t bytes) const {
  const NcclCell& c = cell(algo, proto);
  if (!c.enabled()) return -1;
  double bw = c.bandwidth_gbs, lat = c.latency_us;
  const int log_size = log2_floor(bytes >> 6);
  if (algo == NcclAlgo::Tree && kind_ == CollectiveKind::AllReduce && log_size >= 0 && log_size < 23) {
    bw *= kTreeCorrection[static_cast<size_t>(proto)][log_size];
  }
  if (algo == NcclAlgo::Ring && proto == Protocol::Simple && system_.nodes > 1 && kind_ == CollectiveKind::AllReduce &&
      static_cast<double>(bytes) / (static_cast<double>(system_.channels) * static_cast<double>(system_.ranks)) >= 64) {
    lat *= system_.arch < GpuArch::Ampere ? 1.9 : 1.4;  // NCCL's "plateau effect of ring"
  }
  return lat + static_cast<double>(bytes) / (1000 * bw);
}

std::optional<NcclModel::Choice> NcclModel::choose(int64_t bytes, std::optional<NcclAlgo> algo, std::optional<Protocol> proto) const {
  std::optional<Choice> best;
  for (int a = 0; a < kNcclAlgos; ++a) {
    if (algo && static_cast<int>(*algo) != a) continue;
    for (int p = 0; p < kProtocols; ++p) {
      if (proto && static_cast<int>(*proto) != p) continue;
      const double t = time_us(static_cast<NcclAlgo>(a), static_cast<Protocol>(p), bytes);
      if (t < 0) continue;
      if (!best || t < best->time_us) best = Choice{static_cast<NcclAlgo>(a), static_cast<Protocol>(p), t};
    }
  }
  return best;
}

ProtocolConstants protocol_constants(CollectiveKind kind, NcclAlgo algo, Protocol proto, const NcclSystem& s, int64_t bytes) {
  const int a = static_cast<int>(algo), p = static_cast<int>(proto);
  const int64_t nodes = std::max<int64_t>(1, s.nodes);
  const int ai = arch_index(s.arch), ni = nodes_index(nodes);
  const double ll_max = kLlMaxBw[nodes == 1 ? ai : (s.amd_cpu ? 1 : 0)][ni];
  const int ch = std::max(1, (algo == NcclAlgo::Nvls || algo == NcclAlgo::NvlsTree) ? s.nvls_channels : s.channels);
  ProtocolConstants c;
  c.base_us = kBaseLat[a][p];
  c.nvlink_hop_us = intra_hop_us(s, a, p);
  c.net_hop_us = inter_hop_us(s, a, p);
  const bool ring_like = algo == NcclAlgo::Ring && kind != CollectiveKind::Broadcast && kind != CollectiveKind::Reduce;
  if (ring_like && nodes > 1) c.nvlink_hop_us = std::max(c.nvlink_hop_us, net_overhead_us(s) * (p == kSimple ? 3 : 1));
  // NCCL caps what a channel carries (payload); on the wire that is the cap over the protocol's efficiency.
  double payload_cap = 0;
  switch (algo) {
    case NcclAlgo::Ring:
      if (proto == Protocol::LL) { c.efficiency = 0.5; payload_cap = ll_max / ch; }
      if (proto == Protocol::LL128) { c.efficiency = 0.92; payload_cap = kRingLL128PerChannel[ai][ni]; }
      break;
    case NcclAlgo::Tree: {
      const double tree_cap = kTreePerChannel[ai][ni];
      c.efficiency = 0.92;
      payload_cap = tree_cap;
      if (proto == Protocol::LL) { c.efficiency = 0.92 / 3.8; payload_cap = std::min(tree_cap / 3.8, ll_max / ch); }
      if (proto == Protocol::LL128) {
        const double f = nodes == 1 ? 7.0 / 9.0 : 120.0 / 128.0;
        c.efficiency = 0.92 * f;
        payload_cap = std::min(tree_cap * f, kTreeLL128PerChannel[ai][ni]);
      }
      // A tree channel moves every byte up and down: its transfers each carry half its bus bandwidth (NCCL's 0.5).
      payload_cap *= 0.5;
      break;
    }
    case NcclAlgo::Nvls:
    case NcclAlgo::NvlsTree:
      c.base_us = 0;
      c.efficiency = 5.0 / 6.0;  // NCCL's NVLS ratio: the switch's reduce and multicast reach 5/6 of the link
      break;
    case NcclAlgo::Pat:
      // NCCL's PAT latency: 8 us, a linear 2.8 us per rank, and a fraction (1/3.5) of the network hop per step.
      c.efficiency = 0.75;
      c.base_us = 8 + 2.8 * static_cast<double>(s.ranks);
      c.net_hop_us /= 3.5;
      break;
    case NcclAlgo::CollNetDirect:
      c.base_us = 2 * static_cast<double>(s.ranks / nodes - 1) * 0.4;  // NCCL's arity serialisation, 0.4 us per local rank each way
      break;
    case NcclAlgo::CollNetChain: break;
  }
  if (payload_cap > 0) c.channel_cap_gbs = payload_cap / c.efficiency;
  if (algo == NcclAlgo::Tree && kind == CollectiveKind::AllReduce) {
    // NCCL's tree kernel falls short of the model at medium sizes by a measured factor per size.
    const int log_size = log2_floor(bytes >> 6);
    if (log_size >= 0 && log_size < 23) c.efficiency *= kTreeCorrection[p][log_size];
  }
  return c;
}

}  // namespace aifabric
