// What every aifabric command shares: the global options, the catalog and plan options they imply, and atomic
// output (the backend a command's --backend names: net/backend_for_spec.h).
#pragma once

#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "catalog/catalog.h"
#include "net/backend_for_spec.h"
#include "net/packet_sim.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace aifabric {

struct Common {
  std::vector<std::string> catalogs;
  double max_memory_gib = 8;
  int64_t max_events = 2'000'000'000;
  uint64_t seed = 1;
};

Catalog catalog_for(const Common& c, const ClusterSpec* spec);
PlanOptions options_for(const Common& c);
// The process's one global: set by SIGINT/SIGTERM (on_stop_signal), read between units of work (no simulation state
// lives here); g_stop_signal_int is the same, as the engines' and the sweep's stop flag.
extern volatile std::sig_atomic_t g_stop_signal;
extern volatile int g_stop_signal_int;
extern "C" void on_stop_signal(int sig);

// Writes `text` to `path` atomically, or to stdout when path is empty or "-".
void emit(const std::string& path, const std::string& text);

}  // namespace aifabric
