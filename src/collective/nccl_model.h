// NCCL's tuning model: per collective, algorithm and protocol, the latency and bandwidth NCCL predicts, and its choice.
//
// One table (nccl_model.cpp) follows src/graph/tuning.cc and the speed arrays of src/graph/search.cc of NCCL 2.23-2.26
// (the release line with PAT and Blackwell rows); the version string below says so in every table header. aifabric
// uses the model twice: to choose the (algorithm, protocol) NCCL would run, and, with `--backend nccl-model`, to print
// NCCL's own prediction beside the time aifabric gets by running the chosen schedule on the planned fabric.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collective/collective.h"

namespace aifabric {

inline constexpr std::string_view kNcclModelVersion = "NCCL 2.23-2.26 tuning model (src/graph/tuning.cc, search.cc)";

enum class Protocol : uint8_t { LL, LL128, Simple };
inline constexpr int kProtocols = 3;
std::string_view to_string(Protocol p);
// "ll", "ll128", "simple" in any case; nullopt otherwise.
std::optional<Protocol> parse_protocol(std::string_view s);

// NCCL's algorithms, in NCCL's order.
enum class NcclAlgo : uint8_t { Tree, Ring, CollNetDirect, CollNetChain, Nvls, NvlsTree, Pat };
inline constexpr int kNcclAlgos = 7;
std::string_view to_string(NcclAlgo a);

enum class GpuArch : uint8_t { Volta, Ampere, Hopper, Blackwell };

// What NCCL's topology search would find on this communicator: counts, channel count and per-channel bandwidth.
struct NcclSystem {
  int64_t ranks = 0;
  int64_t nodes = 0;       // NVLink domains the ranks span (NCCL's nNodes; an NVL72 rack is one)
  GpuArch arch = GpuArch::Hopper;
  bool amd_cpu = false;    // NCCL's LL cap and net overhead depend on the host CPU vendor; aifabric assumes Intel
  bool nvlink = true;      // ranks of a node talk over NVLink (else PCI)
  bool nvls = false;       // the NVLink switch reduces and multicasts (NVLS) and the node has at least 2 ranks
  bool collnet = false;    // the network switches reduce in the network (SHARP / CollNet)
  int channels = 1;        // ring and tree graphs (after NCCL duplicates channels)
  double bw_intra = 0;     // GB/s per channel
  double bw_inter = 0;     // GB/s per channel
  int nvls_channels = 0;   // NVLS graph
  double nvls_bw_intra = 0, nvls_bw_inter = 0;
  double ppn() const { return nodes > 0 ? static_cast<double>(ranks) / static_cast<double>(nodes) : 1.0; }
};

// NCCL's search: the largest speed of the GPU generation's speed array that does not exceed `limit_gbs`.
double nccl_speed_step(GpuArch arch, bool inter, double limit_gbs);

// One (algorithm, protocol) cell of NCCL's table: latency in microseconds, algorithm bandwidth in GB/s (0 = disabled).
struct NcclCell {
  double latency_us = 0;
  double bandwidth_gbs = 0;
  bool enabled() const { return bandwidth_gbs > 0; }
};

class NcclModel {
 public:
  NcclModel(CollectiveKind kind, const NcclSystem& system);

  const NcclCell& cell(NcclAlgo a, Protocol p) const { return cells_[static_cast<size_t>(a)][static_cast<size_t>(p)]; }
  // NCCL's predicted time (ncclTopoGetAlgoTime, one operation), microseconds; negative when disabled.
  double time_us(NcclAlgo a, Protocol p, int64_t bytes) const;

  struct Choice {
    NcclAlgo algo = NcclAlgo::Ring;
    Protocol proto = Protocol::Simple;
    double time_us = 0;
  };
  // The fastest enabled cell, optionally restricted to one algorithm and/or protocol (as NCCL_ALGO / NCCL_PROTO);
  // nullopt when the restriction leaves nothing.
  std::optional<Choice> choose(int64_t bytes, std::optional<NcclAlgo> algo = std::nullopt, std::optional<Protocol> proto = std::nullopt) const;

  const NcclSystem& system() const { return system_; }

 private:
  CollectiveKind kind_;
  NcclSystem system_;
  std::array<std::array<NcclCell, kProtocols>, kNcclAlgos> cells_{};
};

// The protocol constants aifabric's own execution uses (the same table): per-hop latencies, wire efficiency, caps.
struct ProtocolConstants {
  double base_us = 0;        // once per collective
  double nvlink_hop_us = 0;  // one hop inside a node
  double net_hop_us = 0;     // one hop between nodes, measured end to end on NCCL's reference fabric
  double efficiency = 1;     // payload bytes per wire byte the protocol achieves (LL 1/2, LL128 0.92, Simple 1);
                             // trees also carry NCCL's measured per-size correction of the tree kernel
  double channel_cap_gbs = 0;  // most one channel's transfer carries on the wire, GB/s (0 = no cap)
};
ProtocolConstants protocol_constants(CollectiveKind kind, NcclAlgo a, Protocol p, const NcclSystem& system, int64_t bytes);

}  // namespace aifabric
