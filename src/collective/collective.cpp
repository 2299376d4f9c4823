// Names and bus-bandwidth factors of collectives.
#include "collective/collective.h"

#include <string>

namespace aifabric {

std::string_view to_string(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::AllReduce: return "all_reduce";
    case CollectiveKind::ReduceScatter: return "reduce_scatter";
    case CollectiveKind::AllGather: return "all_gather";
    case CollectiveKind::Broadcast: return "broadcast";
    case CollectiveKind::Reduce: return "reduce";
    case CollectiveKind::AllToAll: return "alltoall";
    case CollectiveKind::SendRecv: return "sendrecv";
  }
  return "?";
}

std::string_view to_string(Algorithm a) {
  switch (a) {
    case Algorithm::Nccl: return "nccl";
    case Algorithm::Nvls: return "nvls";
    case Algorithm::NvlsTree: return "nvls-tree";
    case Algorithm::CollNetChain: return "collnet-chain";
    case Algorithm::CollNetDirect: return "collnet-direct";
    case Algorithm::Pat: return "pat";
    case Algorithm::Ring: return "ring";
    case Algorithm::DoubleBinaryTree: return "tree";
    case Algorithm::HalvingDoubling: return "halving-doubling";
    case Algorithm::Direct: return "direct";
    case Algorithm::Hierarchical: return "hierarchical";
    case Algorithm::ParameterServer: return "parameter-server";
  }
  return "?";
}

std::optional<CollectiveKind> parse_collective(std::string_view s) {
  std::string t;
  for (char c : s) if (c != '_' && c != '-') t.push_back(c);
  if (t == "allreduce") return CollectiveKind::AllReduce;
  if (t == "reducescatter") return CollectiveKind::ReduceScatter;
  if (t == "allgather") return CollectiveKind::AllGather;
  if (t == "broadcast") return CollectiveKind::Broadcast;
  if (t == "reduce") return CollectiveKind::Reduce;
  if (t == "alltoall") return CollectiveKind::AllToAll;
  if (t == "sendrecv") return CollectiveKind::SendRecv;
  return std::nullopt;
}

std::optional<Algorithm> parse_algorithm(std::string_view s) {
  if (s == "nccl" || s == "auto") return Algorithm::Nccl;
  if (s == "nvls") return Algorithm::Nvls;
  if (s == "nvls-tree" || s == "nvlstree") return Algorithm::NvlsTree;
  if (s == "collnet-chain" || s == "collnetchain") return Algorithm::CollNetChain;
  if (s == "collnet-direct" || s == "collnetdirect") return Algorithm::CollNetDirect;
  if (s == "pat") return Algorithm::Pat;
  if (s == "ring") return Algorithm::Ring;
  if (s == "tree" || s == "double-binary-tree") return Algorithm::DoubleBinaryTree;
  if (s == "halving-doubling" || s == "rhd") return Algorithm::HalvingDoubling;
  if (s == "direct") return Algorithm::Direct;
  if (s == "hierarchical") return Algorithm::Hierarchical;
  if (s == "parameter-server" || s == "ps") return Algorithm::ParameterServer;
  return std::nullopt;
}

double busbw_factor(CollectiveKind k, int64_t n) {
  const double r = static_cast<double>(n);
  switch (k) {
    case CollectiveKind::AllReduce: return n > 1 ? 2.0 * (r - 1) / r : 0.0;
    case CollectiveKind::ReduceScatter:
    case CollectiveKind::AllGather:
    case CollectiveKind::AllToAll: return n > 1 ? (r - 1) / r : 0.0;
    case CollectiveKind::Broadcast:
    case CollectiveKind::Reduce:
    case CollectiveKind::SendRecv: return 1.0;
  }
  return 1.0;
}

const char* nccl_tests_redop(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::AllReduce:
    case CollectiveKind::ReduceScatter:
    case CollectiveKind::Reduce: return "sum";
    default: return "none";
  }
}

}  // namespace aifabric
