// What NCCL's topology search would find for a communicator on a planned fabric: nodes, channels, bandwidths.
#pragma once

#include "collective/nccl_model.h"
#include "collective/schedule.h"
#include "topo/fabric.h"

namespace aifabric {

GpuArch gpu_arch_of(const ServerModel& s);

// Channels and per-channel bandwidths as NCCL's search would set them: one ring per NIC a node's ranks use, at the
// largest speed of the generation's speed array within the NIC (or, inside one node, the NVLink) rate, duplicated
// to twice the channels at half the speed when that speed reaches 25 GB/s.
NcclSystem nccl_system(const Fabric& f, const Communicator& comm);

}  // namespace aifabric
