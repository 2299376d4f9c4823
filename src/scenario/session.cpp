// The session's catalog and plan options.
#include "scenario/session.h"

#include <fmt/format.h>

#include "core/input_error.h"

namespace aifabric {

Catalog session_catalog(const Session& s, const ClusterSpec* spec) {
  std::vector<std::string> files = s.catalogs;
  if (spec) files.insert(files.end(), spec->catalog_files.begin(), spec->catalog_files.end());
  return load_catalog(files);
}

PlanOptions plan_options(const Session& s) {
  PlanOptions o;
  o.limits.max_memory_bytes = static_cast<int64_t>(s.max_memory_gib * static_cast<double>(int64_t{1} << 30));
  return o;
}

Plan plan_spec(const Session& s, const ClusterSpec& spec) { return make_plan(spec, session_catalog(s, &spec), plan_options(s)); }

CollectiveKind collective_or_fail(const std::string& name, const char* option) {
  const auto kind = parse_collective(name);
  if (!kind) {
    throw InputError({}, option, fmt::format("'{}' is not a collective; expected all_reduce, reduce_scatter, all_gather, broadcast, reduce, alltoall or sendrecv", name));
  }
  return *kind;
}

Algorithm algorithm_or_fail(const std::string& name) {
  const auto algo = parse_algorithm(name);
  if (!algo) throw InputError({}, "--algo", fmt::format("'{}' is not an algorithm; expected {}", name, kAlgorithmNames));
  return *algo;
}

// --proto as NCCL_PROTO: LL, LL128 or Simple; empty = NCCL's choice.
std::optional<Protocol> protocol_or_fail(const std::string& name) {
  if (name.empty() || name == "nccl" || name == "auto") return std::nullopt;
  const auto p = parse_protocol(name);
  if (!p) throw InputError({}, "--proto", fmt::format("'{}' is not a protocol; expected LL, LL128 or Simple (or nccl for NCCL's choice)", name));
  return p;
}

LoadBalancing load_balancing_or_fail(const std::string& name) {
  const std::optional<LoadBalancing> lb = load_balancing_from(name);
  if (!lb) throw InputError({}, "--lb", fmt::format("'{}' is not valid; expected {}", name, kLoadBalancingNames));
  return *lb;
}

}  // namespace aifabric
