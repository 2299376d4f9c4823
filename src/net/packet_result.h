// What a packet run reports: per flow, per tier, over time, the cell fabric's and each failure's cost, and the totals.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/units.h"

namespace aifabric {

struct FlowStats {
  uint32_t src = 0, dst = 0;
  int64_t bytes = 0;
  Picoseconds start, finish;        // finish: the receiver has every byte
  Picoseconds acked{-1};            // the sender has every ack (how htsim stamps a flow's completion); -1: never
  int64_t packets = 0, retransmits = 0, ecn_echoes = 0, cnps = 0;
  bool done = false;
  double goodput_gbps() const { return done && finish > start ? static_cast<double>(bytes) * 8.0 / (finish - start).seconds() / 1e9 : 0.0; }
};

struct TierStats {
  int tier = 0;
  double utilisation = 0;             // bytes sent / (capacity x duration), both directions
  double utilisation_max = 0;         // the busiest port of the tier
  double utilisation_spread = 0;      // standard deviation / mean over the tier's ports (0 = perfectly even)
  int64_t queue_p50_bytes = 0, queue_p99_bytes = 0, queue_max_bytes = 0;  // sampled at each enqueue
  int64_t ecn_marks = 0, drops = 0;
  int64_t pauses = 0;                 // PFC pause frames received by this tier's ports
  double paused_fraction = 0;         // time paused / (ports x duration)
};

// Per-tier state at one sampling instant: utilisation since the previous sample, queue depth now.
struct TierSample {
  int64_t t_ps = 0;
  std::vector<double> utilisation;        // index tier-1
  std::vector<int64_t> queue_mean_bytes;  // mean over the tier's ports
  std::vector<int64_t> queue_max_bytes;
};

// What the cell fabric of a switch-scheduled design did.
struct CellFabricStats {
  bool used = false;
  int64_t cells = 0, credits = 0;
  int64_t held_for_order = 0;          // packets complete before a predecessor of their VOQ, held to keep order
  int64_t voq_peak_bytes = 0;          // deepest single VOQ
  int64_t ingress_peak_bytes = 0;      // fullest leaf element's VOQ memory
  int64_t drops = 0;                   // VOQ memory full
  int64_t lost_cells = 0;              // on links that failed
};

// What one failure cost: packets lost with the links, and how long until the last of them was delivered again.
struct FailureImpact {
  std::string what;
  int64_t at_ps = 0, links = 0;
  int64_t packets_lost = 0, data_bytes_lost = 0;  // on the links when they failed, or routed into them later
  int64_t flows_hit = 0;
  int64_t recovered_ps = -1;                      // the last lost data packet delivered again (-1: nothing lost, or never)
  int64_t last_unroutable_ps = -1;                // the last packet that found no live way (-1: none)
};

struct PacketSimResult {
  std::vector<FlowStats> flows;
  std::vector<TierStats> tiers;
  Picoseconds end;
  int64_t events = 0;
  int64_t data_packets = 0, ack_packets = 0, drops = 0, ecn_marks = 0, retransmits = 0;
  int64_t bytes_offered = 0, bytes_delivered = 0;  // delivered counts each byte once
  int64_t duplicate_bytes = 0;                      // received again after a retransmission
  int64_t peak_packets_in_flight = 0;
  int64_t pauses = 0;                               // PFC pause frames
  Picoseconds paused_time;                          // summed over ports
  int64_t cnps = 0, nacks = 0;
  int64_t trims = 0;                                // packets whose payload a full queue cut (counted in drops)
  int64_t spurious_timeouts = 0;                    // timeouts undone because an earlier transmission was acknowledged
  int64_t reordered_arrivals = 0;                   // data packets reaching their receiver ahead of a missing predecessor
  std::vector<TierSample> samples;
  CellFabricStats cells;
  std::vector<FailureImpact> failures;
  int64_t unroutable = 0;                           // packets with no live way left (counted in their failure's losses)
  int64_t abandoned_flows = 0;                      // senders that gave up after seven timeouts in a row
  bool all_done = false;
  bool stopped_early = false;                       // hit max_events or an external stop
};

// Where a run stands, for progress bars: reported every 65,536 events.
struct PacketProgress {
  Picoseconds now;
  int64_t events = 0;
  double delivered_fraction = 0;  // bytes delivered / bytes offered
};

}  // namespace aifabric
