// What every aifabric command shares: the global options, the catalog and plan options they imply, and atomic
// output (the backend a command's --backend names: net/backend_for_spec.h).
#pragma once

#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "catalog/catalog.h"
#include "collective/schedule.h"
#include "net/backend_for_spec.h"
#include "net/packet_sim.h"
#include "scenario/session.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace aifabric {

constexpr int kExitInput = 2;         // bad input: a located one-line error
constexpr int kExitDoesNotAddUp = 3;  // `check`: the proposal's numbers do not add up

// The global options are a scenario session (scenario/session.h).
using Common = Session;

inline Catalog catalog_for(const Common& c, const ClusterSpec* spec) { return session_catalog(c, spec); }
inline PlanOptions options_for(const Common& c) { return plan_options(c); }
// The process's one global: set by SIGINT/SIGTERM (on_stop_signal), read between units of work (no simulation state
// lives here); g_stop_signal_int is the same, as the engines' and the sweep's stop flag.
extern volatile std::sig_atomic_t g_stop_signal;
extern volatile int g_stop_signal_int;
extern "C" void on_stop_signal(int sig);

// The packet engine as the spec and the global options configure it (its description: packet_settings).
PacketSimConfig packet_config(const ClusterSpec& spec, const Common& c);

// Writes `text` to `path` atomically, or to stdout when path is empty or "-".
void emit(const std::string& path, const std::string& text);

}  // namespace aifabric
