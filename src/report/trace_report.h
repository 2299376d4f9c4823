// Rendering of a trace replay: per-rank finish, the critical path, each distinct communication operation.
#pragma once

#include <string>

#include "trace/trace_replay.h"

namespace aifabric {

std::string render_trace_text(const TraceReplayResult& r, const std::string& title);
std::string render_trace_json(const TraceReplayResult& r, const std::string& title);  // schema aifabric.trace/1

}  // namespace aifabric
