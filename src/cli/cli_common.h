// What every aifabric command shares: the global options (a scenario session: its catalog and plan options are
// scenario/session.h's), the stop signal, exit codes and atomic output.
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

// The process's one global: set by SIGINT/SIGTERM (on_stop_signal), read between units of work (no simulation state
// lives here); g_stop_signal_int is the same, as the engines' and the sweep's stop flag.
extern volatile std::sig_atomic_t g_stop_signal;
extern volatile int g_stop_signal_int;
extern "C" void on_stop_signal(int sig);

// Writes `text` to `path` atomically, or to stdout when path is empty or "-".
void emit(const std::string& path, const std::string& text);

}  // namespace aifabric
