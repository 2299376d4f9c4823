// SimAI / AICB workload files (Alibaba's SimAI reads them in its astra-sim fork): a header of parallelism degrees,
// a layer count, then per layer the forward, input-gradient and weight-gradient compute (ns) and communication
// (type with an optional _EP / _DP_EP group suffix, bytes), and an update delay. Read, written, and turned into
// per-rank traces that replay the way SimAI runs them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trace/chakra_trace.h"
#include "trace/trace_replay.h"

namespace aifabric {

struct SimaiComm {
  bool none = true;                  // NONE (or a type SimAI ignores, such as BROADCAST)
  CollectiveKind kind = CollectiveKind::AllReduce;
  std::string group;                 // "tp", "dp", "ep" or "dp_ep"
  int64_t bytes = 0;
  std::string text;                  // as written, e.g. ALLREDUCE_EP
};

struct SimaiLayer {
  std::string name;
  int64_t reserved = -1;
  int64_t fwd_ns = 0, ig_ns = 0, wg_ns = 0, update_ns = 0;
  SimaiComm fwd, ig, wg;
};

struct SimaiWorkload {
  std::string file, policy;          // HYBRID_TRANSFORMER_FWD_IN_BCKWD or HYBRID_TRANSFORMER
  int64_t tp = 1, ep = 1, pp = 1, vpp = 1, ga = 1, all_gpus = 1, pp_comm = 0;
  std::vector<SimaiLayer> layers;
};

// Throws InputError naming file:line:column and the column's meaning (a float where SimAI needs an integer, a
// degree that does not divide the GPU count, an unknown policy).
SimaiWorkload parse_simai(const std::string& text, const std::string& file);
SimaiWorkload read_simai_file(const std::string& path);
std::string serialize_simai(const SimaiWorkload& w);

// Every rank's trace, as SimAI's loop runs a step: forward through the layers (each layer's collective waited for),
// then backward from the last layer: input-gradient compute and collective (waited for), weight-gradient compute
// and collective (not waited for by the next layer; the step ends when all are done); the update delay after each
// collective. Groups as SimAI lays them out: TP ranks contiguous, DP strided by TP, EP and DP_EP within DP.
std::vector<RankTrace> simai_traces(const SimaiWorkload& w);
CommGroups simai_groups(const SimaiWorkload& w);

}  // namespace aifabric
