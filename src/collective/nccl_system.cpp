// NCCL's view of a communicator: node count from the scale-up domains, channels and speeds from the NIC and NVLink rates.
#include "collective/nccl_system.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace aifabric {

GpuArch gpu_arch_of(const ServerModel& s) {
  if (s.xpu_arch == "volta") return GpuArch::Volta;
  if (s.xpu_arch == "ampere") return GpuArch::Ampere;
  if (s.xpu_arch == "blackwell") return GpuArch::Blackwell;
  return GpuArch::Hopper;  // hopper, and other accelerators taken at NCCL's Hopper figures
}

NcclSystem nccl_system(const Fabric& f, const Communicator& comm) {
  NcclSystem s;
  const ServerModel& srv = *f.server;
  s.ranks = comm.size();
  s.arch = gpu_arch_of(srv);
  const uint32_t domain = f.scale_up_domain();
  std::unordered_map<uint32_t, int64_t> per_node;
  int64_t most = 0;
  for (uint32_t x : comm.xpus) most = std::max(most, ++per_node[x / domain]);
  s.nodes = std::max<int64_t>(1, static_cast<int64_t>(per_node.size()));
  const double nvlink_gbs = static_cast<double>(f.scale_up_data_gbps()) / 8.0;
  s.nvlink = nvlink_gbs > 0;
  s.nvls = srv.scale_up_reduction && most >= 2 && s.arch >= GpuArch::Hopper;
  s.collnet = f.in_network_reduction && s.nodes > 1;
  const double nic_gbs = static_cast<double>(f.host_link_gbps * f.planes) / 8.0;
  auto duplicate = [](int& channels, double& bw) {
    if (bw >= 25.0) {  // NCCL doubles the channels and halves their speed
      channels = std::min(32, channels * 2);
      bw /= 2;
    }
  };
  if (s.nodes == 1) {
    // One ring per channel through the node's GPUs; the search keeps the speed that carries most in total.
    double best = 0, speed = 0;
    int channels = 1;
    for (double v = nccl_speed_step(s.arch, false, nvlink_gbs); v > 0;) {
      const int c = std::clamp(static_cast<int>(std::floor(nvlink_gbs / v + 1e-9)), 1, 16);
      if (c * v > best + 1e-9) { best = c * v; speed = v; channels = c; }
      const double next = nccl_speed_step(s.arch, false, v * (1 - 1e-6));
      if (next >= v) break;
      v = next;
    }
    s.channels = channels;
    s.bw_intra = s.bw_inter = speed;
  } else {
    // One ring per NIC the node's ranks use (a rank reaches its own NIC; several ranks reach the node's NICs).
    // A node is an NVLink domain: an NVL72 rack of 18 trays has 72 NICs, a DGX 8.
    const int64_t nics_per_node = static_cast<int64_t>(f.nics_per_server) * std::max(1, srv.scale_up_domain / std::max(1, srv.xpus));
    const int rings = static_cast<int>(std::clamp<int64_t>(std::min<int64_t>(nics_per_node, most), 1, 16));
    s.channels = rings;
    s.bw_intra = s.bw_inter = nccl_speed_step(s.arch, true, std::min(nic_gbs, nvlink_gbs > 0 ? nvlink_gbs : nic_gbs));
  }
  duplicate(s.channels, s.bw_intra);
  s.bw_inter = s.bw_intra;
  if (s.nvls) {
    // The NVLS graph: one head per GPU of the node (at most 16: NCCL's NVLS channels follow the GPU's NVLink
    // links, not the domain's size), each at the speed its share of NVLink allows.
    s.nvls_channels = static_cast<int>(std::min<int64_t>(most, 16));
    s.nvls_bw_intra = nccl_speed_step(s.arch, false, nvlink_gbs / static_cast<double>(s.nvls_channels));
    s.nvls_bw_inter = s.nodes > 1 ? nccl_speed_step(s.arch, true, nic_gbs) : s.nvls_bw_intra;
  }
  return s;
}

}  // namespace aifabric
