// A traffic pattern packet by packet on a planned fabric, with failures and, when there are any, the same run without
// them to cost them: what `aifabric packet` prints and the Python module's packet() returns.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/packet_sim.h"
#include "scenario/session.h"

namespace aifabric {

// The options, with the command's defaults; the spec's own settings (load balancing, transport, PFC) apply unless
// set here.
struct PacketRequest {
  std::string traffic = "permutation";  // permutation, incast:N, alltoall[:N], hotspot[:N], uniform, file:PATH
  std::string bytes = "4M";             // per flow (a flow file sets its own)
  std::string lb;                       // empty: the spec's load balancing
  std::string transport;                // spray or roce; empty: the spec's
  std::string ack_every;                // spray: payload per coalesced ack; empty: 16K
  std::vector<std::string> fail;        // --fail syntax, seeded by the session
  bool lossless = false, pfc = false, ecn = true;
  int64_t link_delay_ns = -1, switch_latency_ns = -1;  // -1: from the planned cable, the catalog's switch
  int64_t buffer = 0;                   // bytes per output port; 0: one bandwidth-delay product
  int64_t shared_buffer = 0;            // bytes per switch; 0: the catalog's, -1: none
  double buffer_alpha = 1.0;            // dynamic threshold of a shared buffer
};

struct PacketRun {
  PacketSimResult result;
  std::optional<PacketSimResult> baseline;  // the same traffic without the failures (only with failures)
  std::string title;                        // workload, design and engine settings, in a line
  double nic_goodput_gbps = 0;              // what one NIC's links carry of payload (the report's yardstick)
};

// Throws InputError naming the option at fault. `stop` (may be null) ends the run early when it becomes non-zero.
PacketRun run_packet(const Session& s, const ClusterSpec& spec, const PacketRequest& r, const volatile int* stop = nullptr,
                     const std::function<void(const PacketProgress&)>& progress = {});

}  // namespace aifabric
