// The schedule builders behind build_schedule: NCCL's algorithms (nccl_schedules.cpp) and the classic ones
// (classic_schedules.cpp). Each appends phases to a Schedule whose kind, bytes, channels and constants are set.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "collective/schedule.h"

namespace aifabric::schedules {

[[noreturn]] inline void refuse(const std::string& msg) { throw std::invalid_argument(msg); }
inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The communicator's ranks grouped by NVLink domain (NCCL's nodes), in the order the domains first appear.
std::vector<std::vector<uint32_t>> ranks_by_node(const Communicator& comm, const Fabric& f);

// `wire` is the per-rank buffer in wire bytes (payload divided by the protocol's efficiency).
void append_ring(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire);
void append_tree(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire);
void append_nvls(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire);
void append_nvls_tree(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire);
void append_collnet_chain(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire);
void append_collnet_direct(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire);
void append_pat(Schedule& s, const Communicator& comm, const Fabric& f, int64_t wire);
void append_sendrecv(Schedule& s, const Communicator& comm, int64_t wire);

void append_direct(Schedule& s, const Communicator& comm, int64_t wire, int64_t limit);
void append_halving_doubling(Schedule& s, const Communicator& comm, int64_t wire);
void append_hierarchical(Schedule& s, const Communicator& comm, int64_t wire);
void append_parameter_server(Schedule& s, const Communicator& comm, int64_t wire, int servers);

}  // namespace aifabric::schedules
