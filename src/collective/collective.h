// Collective operations and algorithms: names, NCCL-tests bus-bandwidth factors, parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aifabric {

enum class CollectiveKind : uint8_t { AllReduce, ReduceScatter, AllGather, Broadcast, Reduce, AllToAll, SendRecv };
// Nccl: the (algorithm, protocol) NCCL's tuning model would choose for the collective, size and layout.
enum class Algorithm : uint8_t { Nccl, Ring, DoubleBinaryTree, Nvls, NvlsTree, CollNetChain, CollNetDirect, Pat, HalvingDoubling, Direct, Hierarchical,
                                 ParameterServer };

std::string_view to_string(CollectiveKind k);
std::string_view to_string(Algorithm a);
// Accepts NCCL-tests names too ("all_reduce", "alltoall", "sendrecv").
std::optional<CollectiveKind> parse_collective(std::string_view s);
// "nccl" (also "auto"), "ring", "tree", "nvls", "nvls-tree", "collnet-chain", "collnet-direct", "pat", "halving-doubling",
// "direct", "hierarchical", "parameter-server".
std::optional<Algorithm> parse_algorithm(std::string_view s);
inline constexpr std::string_view kAlgorithmNames =
    "nccl, ring, tree, nvls, nvls-tree, collnet-chain, collnet-direct, pat, halving-doubling, direct, hierarchical or parameter-server";

// NCCL-tests' busbw = algbw x factor (PERFORMANCE.md): 2(n-1)/n all-reduce, (n-1)/n for reduce-scatter,
// all-gather and all-to-all, 1 for broadcast, reduce and send/recv.
double busbw_factor(CollectiveKind k, int64_t ranks);

// NCCL-tests' "size" is the per-rank buffer the collective reads (all-gather: the output buffer).
const char* nccl_tests_redop(CollectiveKind k);

}  // namespace aifabric
