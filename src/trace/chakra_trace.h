// One rank's Chakra execution trace as aifabric uses it: nodes with their dependencies, compute durations and
// communication (collectives by process group, point-to-point by peer and tag); read from and written to
// Chakra's protobuf wire format.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collective/collective.h"
#include "core/units.h"

namespace aifabric {

enum class TraceNodeKind : uint8_t { Compute, Send, Recv, Collective, Other };

struct TraceNode {
  uint64_t id = 0;
  std::string name;
  TraceNodeKind kind = TraceNodeKind::Other;
  std::vector<uint64_t> deps;         // data dependencies (what execution waits for), then control dependencies
  uint32_t ctrl_from = 0;             // deps[ctrl_from..] are the control dependencies
  Picoseconds duration;               // compute (and other) nodes: as traced
  bool cpu = false;                   // is_cpu_op: runs on the host's lane, not the XPU's
  CollectiveKind collective = CollectiveKind::AllReduce;
  bool barrier = false;               // a barrier: an all-reduce of one element, as NCCL process groups run it
  int64_t bytes = 0;                  // communication: comm_size
  std::string group;                  // collectives: pg_name ("" = every rank)
  int64_t peer = -1;                  // send: comm_dst; recv: comm_src
  int64_t tag = 0;                    // point-to-point: comm_tag
};

struct RankTrace {
  std::string file;
  std::string version;                // GlobalMetadata.version, e.g. "0.0.4"
  std::vector<TraceNode> nodes;       // in file order
};

// Limits that keep a hostile file from taking the machine: per message and per trace.
inline constexpr int64_t kMaxTraceMessageBytes = int64_t{64} << 20;
inline constexpr int64_t kMaxTraceNodes = 20'000'000;
inline constexpr int64_t kMaxCommBytes = int64_t{1} << 44;  // 16 TiB in one operation

// Throws InputError naming the file, the byte offset and the node: a truncated or oversized message, a node type or
// collective aifabric does not model, a communication size out of range.
RankTrace parse_chakra(const std::string& bytes, const std::string& file);
RankTrace read_chakra_file(const std::string& path);

// Chakra's wire format of a trace (what ASTRA-sim reads).
std::string serialize_chakra(const RankTrace& trace);

}  // namespace aifabric
