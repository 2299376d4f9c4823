// Replays per-rank Chakra traces on a planned fabric: every node once, when its data dependencies are done (control
// dependencies are not followed, as in Chakra's feeder); compute nodes one at a time on their rank's XPU lane (host
// operators on its host lane) for their traced time; a collective when every member of its process group has reached
// it (the k-th of a group on each rank meet), timed by a backend on the members' XPUs; a send and its receive
// (matched by peer, tag and order) as one point-to-point transfer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "backend/collective_backend.h"
#include "plan/plan.h"
#include "trace/chakra_trace.h"

namespace aifabric {

// Process groups by pg_name: the ranks of each (ASTRA-sim's comm-group JSON: {"name": [rank, ...], ...}).
struct CommGroups {
  std::map<std::string, std::vector<int64_t>> groups;
};
// Throws InputError naming the file and group: not JSON, a rank out of range, a group of fewer than one rank.
CommGroups parse_comm_groups(const std::string& text, const std::string& file, int64_t world);
std::string render_comm_groups(const CommGroups& g);  // the same JSON

struct TraceCollective {
  CollectiveKind kind = CollectiveKind::AllReduce;
  bool point_to_point = false;
  int64_t bytes = 0, group_size = 0, count = 0;
  Picoseconds each;  // one operation on the fabric
};

struct TraceReplayResult {
  int64_t world = 0;                // ranks in the job
  int64_t traced = 0;               // ranks with a trace (the others mirror them)
  int64_t nodes = 0;                // nodes executed, every rank
  int64_t control_deps = 0;         // control dependencies read but not followed (Chakra's feeder follows data dependencies)
  std::vector<Picoseconds> finish;  // per traced rank: its last node done
  std::vector<Picoseconds> compute; // per traced rank: its XPU's compute lane busy (host-side nodes run on their own lane)
  Picoseconds makespan;
  int64_t critical_rank = 0;
  // Along the critical path, within the critical rank: from its last node back through the data dependency that released
  // each node last; compute and communication on it (waits for other ranks and queueing on a lane are not attributed).
  Picoseconds path_compute, path_communication;
  int64_t path_nodes = 0;
  std::vector<TraceCollective> collectives;  // distinct (kind, bytes, group size), in order of first use
  std::vector<std::vector<int64_t>> start_ps, done_ps;  // per traced rank, per node (file order): when it ran
};

// `traces[i]` is rank i's; `world` >= traces.size() (ranks beyond the traces mirror rank r mod traces.size()).
// Throws InputError naming the file and node: a data dependency on a missing node, a cycle, a duplicate id, a group the
// comm-group file does not name, a peer out of range, or communication some rank never matches (a deadlock).
TraceReplayResult replay_traces(const std::vector<RankTrace>& traces, int64_t world, const CommGroups& groups, const Plan& plan,
                                CollectiveBackend& backend);

}  // namespace aifabric
