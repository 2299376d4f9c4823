// Traffic for the packet engine: permutation, N:1 incast, all-to-all, random uniform, or a CSV flow file.
#pragma once

#include <string>
#include <vector>

#include "net/packet_sim.h"

namespace aifabric {

// `pattern`: "permutation", "incast:N" (N senders to NIC 0), "alltoall[:N]" (among the first N NICs),
// "uniform" (each NIC to a random other), or "file:PATH" (CSV: src,dst,bytes,start_ns; '#' comments).
// Throws InputError naming the pattern, or the file's line and column.
std::vector<FlowSpec> make_traffic(const std::string& pattern, int64_t nics, int64_t bytes, uint64_t seed);

// A flow file's text (CSV: src,dst,bytes,start_ns per line; '#' comments; an optional header line).
std::vector<FlowSpec> parse_flow_csv(const std::string& text, const std::string& file, int64_t nics);

}  // namespace aifabric
