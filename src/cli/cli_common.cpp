// Shared CLI helpers: catalog, plan options, atomic output.
#include "cli/cli_common.h"

#include <cstdio>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/input_error.h"

namespace aifabric {

volatile std::sig_atomic_t g_stop_signal = 0;
volatile int g_stop_signal_int = 0;
extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
  g_stop_signal_int = sig;
}

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

void emit(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  const std::string err = write_file_atomically(path, text);
  if (!err.empty()) throw InputError({path, 0, 0}, "", err);
}

}  // namespace aifabric
