// Communicators from group names, and build_schedule: NCCL's (algorithm, protocol) choice, then the builder.
#include "collective/schedule.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "collective/nccl_system.h"
#include "collective/schedule_builders.h"
#include "core/input_error.h"

namespace aifabric {

int64_t Schedule::transfer_count() const {
  int64_t n = 0;
  for (const auto& p : phases) n += static_cast<int64_t>(p.transfers.size()) * p.repeat;
  return n;
}

int64_t Schedule::network_bytes(uint32_t domain) const {
  int64_t n = 0;
  for (const auto& p : phases) {
    for (const auto& t : p.transfers) n += t.via == Via::Peer && t.src / domain != t.dst / domain ? t.bytes : 0;
  }
  return n;
}

Communicator make_communicator(const Fabric& f, const std::string& group, const std::string& what) {
  Communicator c;
  c.xpus_per_server = f.server->xpus;
  const int64_t total = f.xpus();
  auto number = [&](const std::string& s) -> int64_t {
    try {
      size_t pos = 0;
      const long long v = std::stoll(s, &pos);
      if (pos != s.size()) throw std::invalid_argument(s);
      return v;
    } catch (const std::exception&) {
      throw InputError({what, 0, 0}, "group", fmt::format("'{}' is not a number in group '{}'", s, group));
    }
  };
  const auto colon = group.find(':');
  const std::string kind = group.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : group.substr(colon + 1);
  if (kind == "all") {
    c.xpus.resize(static_cast<size_t>(total));
    std::iota(c.xpus.begin(), c.xpus.end(), 0u);
  } else if (kind == "first") {
    const int64_t n = number(arg);
    if (n < 1 || n > total) throw InputError({what, 0, 0}, "ranks", fmt::format("{} ranks requested; the cluster has 1 to {} XPUs", n, total));
    c.xpus.resize(static_cast<size_t>(n));
    std::iota(c.xpus.begin(), c.xpus.end(), 0u);
  } else if (kind == "rail") {
    const int64_t k = number(arg);
    if (k < 0 || k >= c.xpus_per_server) throw InputError({what, 0, 0}, "group", fmt::format("rail {} does not exist; servers have XPUs 0 to {}", k, c.xpus_per_server - 1));
    for (int64_t s = 0; s < f.servers; ++s) c.xpus.push_back(static_cast<uint32_t>(s * c.xpus_per_server + k));
  } else if (kind == "server") {
    const int64_t s = number(arg);
    if (s < 0 || s >= f.servers) throw InputError({what, 0, 0}, "group", fmt::format("server {} does not exist (0 to {})", s, f.servers - 1));
    for (int k = 0; k < c.xpus_per_server; ++k) c.xpus.push_back(static_cast<uint32_t>(s * c.xpus_per_server + k));
  } else {
    throw InputError({what, 0, 0}, "group", fmt::format("'{}' is not a group; expected all, first:N, rail:K or server:S", group));
  }
  return c;
}

std::optional<NcclAlgo> nccl_algo_of(Algorithm a) {
  switch (a) {
    case Algorithm::Ring: return NcclAlgo::Ring;
    case Algorithm::DoubleBinaryTree: return NcclAlgo::Tree;
    case Algorithm::Nvls: return NcclAlgo::Nvls;
    case Algorithm::NvlsTree: return NcclAlgo::NvlsTree;
    case Algorithm::CollNetChain: return NcclAlgo::CollNetChain;
    case Algorithm::CollNetDirect: return NcclAlgo::CollNetDirect;
    case Algorithm::Pat: return NcclAlgo::Pat;
    default: return std::nullopt;
  }
}

namespace {

using schedules::refuse;

Algorithm from_nccl(NcclAlgo a) {
  switch (a) {
    case NcclAlgo::Tree: return Algorithm::DoubleBinaryTree;
    case NcclAlgo::Nvls: return Algorithm::Nvls;
    case NcclAlgo::NvlsTree: return Algorithm::NvlsTree;
    case NcclAlgo::CollNetChain: return Algorithm::CollNetChain;
    case NcclAlgo::CollNetDirect: return Algorithm::CollNetDirect;
    case NcclAlgo::Pat: return Algorithm::Pat;
    default: return Algorithm::Ring;
  }
}


std::string model_cell(NcclAlgo a, Protocol p, double us) { return fmt::format("{}/{} (NCCL's model {:.1f} us)", to_string(a), to_string(p), us); }

// The (algorithm, protocol) to run: NCCL's choice among what the user allowed, said in words.
void choose(Schedule& s, Algorithm requested, const std::optional<Protocol>& proto) {
  if (s.kind == CollectiveKind::AllToAll || s.kind == CollectiveKind::SendRecv) {
    // Point-to-point operations: NCCL has no tuning table; nccl-tests runs them as grouped sends and receives.
    s.algorithm = requested == Algorithm::Nccl ? Algorithm::Direct : requested;
    s.protocol = proto.value_or(Protocol::Simple);
    s.choice = fmt::format("point-to-point ({})", to_string(s.protocol));
    return;
  }
  const std::optional<NcclAlgo> fixed = nccl_algo_of(requested);
  if (requested != Algorithm::Nccl && !fixed) {
    s.algorithm = requested;
    s.protocol = proto.value_or(Protocol::Simple);
    s.choice = fmt::format("{} with {} (not an NCCL algorithm)", to_string(requested), to_string(s.protocol));
    return;
  }
  const auto run = NcclModel(s.kind, s.system).choose(s.bytes, fixed, proto);
  if (!run) {
    if (fixed) {
      refuse(fmt::format("NCCL's model has no {} for {} on this communicator ({}{})", to_string(*fixed), to_string(s.kind),
                         proto ? fmt::format("protocol {}, ", to_string(*proto)) : "", s.system.nodes > 1 ? "several nodes" : "one node"));
    }
    refuse(fmt::format("NCCL's model has no algorithm for {}{}", to_string(s.kind), proto ? fmt::format(" with protocol {}", to_string(*proto)) : ""));
  }
  s.algorithm = from_nccl(run->algo);
  s.protocol = run->proto;
  s.choice = fmt::format("{}: {}", requested == Algorithm::Nccl ? "NCCL's choice" : "as asked", model_cell(run->algo, run->proto, run->time_us));
}

}  // namespace

Schedule build_schedule(CollectiveKind kind, Algorithm algorithm, const Communicator& comm, int64_t bytes, const Fabric& f,
                        const ScheduleOptions& o) {
  Schedule s;
  s.kind = kind;
  s.bytes = bytes;
  s.ranks = comm.size();
  if (comm.size() < 2) refuse("a collective needs at least 2 ranks");
  if (bytes <= 0) refuse("the message size must be positive");
  s.system = nccl_system(f, comm);
  if ((algorithm == Algorithm::Nvls || algorithm == Algorithm::NvlsTree) && !s.system.nvls) {
    refuse(fmt::format("{} needs a scale-up switch that reduces in the switch and 2 or more ranks per node; {} has scale_up_reduction: {}",
                       to_string(algorithm), f.server->name, f.server->scale_up_reduction ? "true" : "false"));
  }
  if ((algorithm == Algorithm::CollNetChain || algorithm == Algorithm::CollNetDirect) && !s.system.collnet) {
    refuse(fmt::format("{} needs switches that reduce in the network across 2 or more nodes; set fabric.in_network_reduction: true on switches that do",
                       to_string(algorithm)));
  }
  choose(s, algorithm, o.protocol);
  const NcclAlgo row = nccl_algo_of(s.algorithm).value_or(NcclAlgo::Ring);
  s.constants = protocol_constants(kind, row, s.protocol, s.system, bytes);
  s.channels = o.channels > 0 ? o.channels : (row == NcclAlgo::Nvls || row == NcclAlgo::NvlsTree ? s.system.nvls_channels : s.system.channels);
  s.channels = std::max(1, s.channels);
  // Bytes on the wire: LL carries 8 bytes of data per 16, LL128 120 per 128 (NCCL's 0.92), Simple all of them.
  const int64_t wire = static_cast<int64_t>(std::ceil(static_cast<double>(bytes) / s.constants.efficiency));
  switch (s.algorithm) {
    case Algorithm::Ring:
      if (kind == CollectiveKind::SendRecv) schedules::append_sendrecv(s, comm, wire);
      else schedules::append_ring(s, comm, f, wire);
      break;
    case Algorithm::DoubleBinaryTree: schedules::append_tree(s, comm, f, wire); break;
    case Algorithm::Nvls: schedules::append_nvls(s, comm, f, wire); break;
    case Algorithm::NvlsTree: schedules::append_nvls_tree(s, comm, f, wire); break;
    case Algorithm::CollNetChain: schedules::append_collnet_chain(s, comm, f, wire); break;
    case Algorithm::CollNetDirect: schedules::append_collnet_direct(s, comm, f, wire); break;
    case Algorithm::Pat: schedules::append_pat(s, comm, f, wire); break;
    case Algorithm::Direct:
      if (kind == CollectiveKind::SendRecv) schedules::append_sendrecv(s, comm, wire);
      else schedules::append_direct(s, comm, wire, o.max_transfers_per_phase);
      break;
    case Algorithm::HalvingDoubling: schedules::append_halving_doubling(s, comm, wire); break;
    case Algorithm::Hierarchical: schedules::append_hierarchical(s, comm, wire); break;
    case Algorithm::ParameterServer: schedules::append_parameter_server(s, comm, wire, o.parameter_servers); break;
    case Algorithm::Nccl: break;
  }
  return s;
}

}  // namespace aifabric
