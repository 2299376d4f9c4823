// Shared CLI helpers: catalog, plan options, backends, atomic output.
#include "cli/cli_common.h"

#include <cstdio>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/input_error.h"
#include "flow/failures.h"
#include "net/packet_backend.h"

namespace aifabric {

Catalog catalog_for(const Common& c, const ClusterSpec* spec) {
  std::vector<std::string> files = c.catalogs;
  if (spec) files.insert(files.end(), spec->catalog_files.begin(), spec->catalog_files.end());
  return load_catalog(files);
}

PlanOptions options_for(const Common& c) {
  PlanOptions o;
  o.limits.max_memory_bytes = static_cast<int64_t>(c.max_memory_gib * static_cast<double>(int64_t{1} << 30));
  return o;
}

std::vector<LinkFailure> packet_failures(const Fabric& f, const std::vector<std::string>& specs, uint64_t seed) {
  std::vector<LinkFailure> out;
  for (const std::string& s : specs) {
    const TimedFailureSpec t = split_failure_time(s);
    FailureSet set = resolve_failures(f, {t.spec}, seed);
    out.push_back({t.at_ps, std::move(set.links), set.what.front() + (t.at_ps > 0 ? fmt::format(" at {:.3f} us", static_cast<double>(t.at_ps) * 1e-6) : " from the start")});
  }
  return out;
}

std::unique_ptr<CollectiveBackend> backend_for(const std::string& name, const Plan& plan, const ClusterSpec& spec, uint64_t seed,
                                               const std::vector<std::string>& failures, Execution execution) {
  BackendOptions bo;
  bo.execution = execution;
  bo.mode = path_mode_for(spec.fabric.load_balancing);
  bo.network.seed = seed;
  for (const std::string& f : failures) {
    if (split_failure_time(f).at_ps > 0) {
      throw InputError({}, "--fail", fmt::format("'{}': a failure at a time is for `aifabric packet`; collectives and jobs take failures from the start", f));
    }
  }
  if (!failures.empty()) bo.network.failed_links = resolve_failures(plan.fabric, failures, seed).links;
  if (name == "packet") {
    PacketSimConfig pc;
    pc.lb = spec.fabric.load_balancing;
    pc.transport = spec.fabric.transport;
    pc.pfc = spec.fabric.pfc;
    pc.seed = seed;
    pc.failures = packet_failures(plan.fabric, failures, seed);
    return make_packet_backend(plan, pc, bo);
  }
  return make_backend(name, plan, bo);
}

void emit(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  const std::string err = write_file_atomically(path, text);
  if (!err.empty()) throw InputError({path, 0, 0}, "", err);
}

}  // namespace aifabric
