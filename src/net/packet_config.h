// What the packet engine is asked to run: its configuration (load balancing, transport, buffers, ECN, PFC, DCQCN,
// the cell fabric, failures, limits) and the flows it is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/units.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace aifabric {

// DCQCN reaction point and notification point (defaults after Zhu et al., SIGCOMM 2015; rates relative to line).
struct DcqcnParams {
  double g = 1.0 / 256;              // alpha gain
  int64_t alpha_timer_ps = 55'000'000;   // alpha decays every K without CNPs
  int64_t increase_timer_ps = 55'000'000; // rate-increase timer T
  int64_t byte_counter = 10 << 20;   // rate-increase byte counter B
  int fast_recovery_stages = 5;      // F
  double rai_fraction = 0.0005;      // additive increase step, fraction of line rate
  double rhai_fraction = 0.005;      // hyper increase step
  double min_rate_fraction = 0.001;
  int64_t cnp_interval_ps = 50'000'000;  // at most one CNP per flow per interval (notification point)
};

// Switch-scheduled fabrics (VOQs, credits, cells): defaults after public descriptions of Jericho/Ramon-class
// systems; the cell size comes from the leaf element's catalog entry when not set.
struct CellFabricParams {
  int cell_bytes = 0;                 // largest cell on a fabric link, header included (0 = catalog, else 256)
  int cell_header_bytes = 16;         // per cell
  int64_t credit_bytes = 0;           // most an egress scheduler grants a VOQ at once (0 = catalog, else 4,096)
  double credit_speedup = 1.0;        // credits flow at this multiple of the egress port's rate ...
  int64_t egress_backlog_bytes = 0;   // ... while the egress port holds less than this (0 = what arrives in two control round trips)
  int64_t ingress_buffer_bytes = 0;   // VOQ memory per leaf element (0 = the catalog's buffer)
};

// Links taken out of service at a time (0 = from the start): their queues and whatever is on the wire are lost,
// and routing stops using them (ECMP rehashes over what is left, spraying and adaptive routing skip them,
// leaves avoid spines that lost their way down, NICs stripe over the planes still reachable).
struct LinkFailure {
  int64_t at_ps = 0;
  std::vector<uint32_t> links;
  std::string what;  // for reports: "switch spine3", "plane 1 of 4", ...
};

struct PacketSimConfig {
  int mtu_bytes = 4096;               // payload per data packet
  int header_bytes = 0;               // on the wire per packet beyond the payload; 0 = the fabric's link layer (topo/wire_format.h)
  int ack_bytes = 64;
  // Spray transport: the receiver acks once this much payload has arrived since its last ack (htsim_uec's sink
  // default, UecSink::_bytes_unacked_threshold = 16 KiB: four 4 KiB packets), and at once for an ECN mark, an ack
  // request, a duplicate, or a flow's first and last packet; each ack carries a cumulative point and a 64-packet
  // selective bitmap. 0 acks every packet.
  int64_t ack_coalesce_bytes = 16384;
  LoadBalancing lb = LoadBalancing::Spraying;
  int64_t port_buffer_bytes = 0;      // per output port; 0 = one bandwidth-delay product of the longest path
  // Each switch's ports share its packet buffer (lossy mode): a port may hold no more than alpha x the buffer
  // still free (dynamic thresholds, as shared-buffer switches configure them), nor more than its own limit.
  int64_t shared_buffer_bytes = 0;    // per switch; 0 = the catalog's buffer, -1 = not shared (port limits only)
  double buffer_alpha = 1.0;
  bool lossless = false;              // never drop (queues grow); otherwise drop past the port buffer
  bool ecn = true;
  double ecn_kmin_fraction = 0.2;     // marking starts at this fraction of the port buffer ...
  double ecn_kmax_fraction = 0.8;     // ... and is certain past this one
  double ecn_pmax = 0.2;
  int64_t link_delay_ps = -1;         // propagation per link; -1 = from the planned cable length and modules
  int64_t switch_latency_ps = -1;     // per switch; -1 = the catalog's port-to-port latency
  int64_t initial_window_bytes = 0;   // 0 = the maximum window, as NSCC starts (max_window_factor x BDP)
  int64_t rto_ps = 0;                 // retransmission timeout floor; 0 = 8 x base RTT, at least 10 us (spray) or 1 ms (RoCE)
  int adaptive_threshold_packets = 2;  // adaptive routing leaves the sprayed link when it holds this many more packets
  int64_t flowlet_gap_ps = 5'000'000; // flowlet switching: new path after this idle gap
  // Spray transport window: the RTT target as a multiple of the base RTT (above it, marks shrink the window;
  // below it, the window grows toward it), the largest cut per RTT, and the window cap in bandwidth-delay products.
  double delay_target_factor = 1.5;
  double max_decrease = 0.5;
  double max_window_factor = 1.5;
  bool trim = true;                   // spray transport, lossy: a full queue cuts the payload and forwards the header
  int64_t max_events = 2'000'000'000;
  uint64_t seed = 1;
  TransportKind transport = TransportKind::Spray;
  DcqcnParams dcqcn;
  // PFC on the data priority: a switch pauses the upstream port of an ingress holding more than XOFF bytes,
  // resumes it below XON. With PFC nothing is dropped (the buffer keeps the headroom above XOFF).
  bool pfc = false;
  int64_t sample_interval_ps = 0;    // record utilisation and queue depth per tier at this interval (0 = off)
  // Every switch's XOFF and XON; 0 = each switch's own (pfc_thresholds below).
  int64_t pfc_xoff_bytes = 0;
  int64_t pfc_xon_bytes = 0;
  // Per ingress port, what the buffer holds beyond XOFF while the pause travels upstream; past it, packets drop.
  // 0 = what the link needs (IEEE 802.1Qbb's arithmetic): its rate over two link delays and a pause frame's
  // serialisation, plus the packet leaving upstream when the pause lands and the one that crossed XOFF.
  int64_t pfc_headroom_bytes = 0;
  CellFabricParams cells;            // used when the plan's fabric is switch-scheduled
  std::vector<LinkFailure> failures;
};

// PFC thresholds at the ingress ports of a switch of model `m`: the configuration's where it sets them, else the
// catalog's (SwitchModel::pfc_xoff_bytes and pfc_xon_delta_bytes), else half the port buffer (`port_limit`) with XON
// two packets (`packet_wire` bytes each) below it, the hysteresis NVIDIA's Spectrum driver configures (mlxsw: two
// MTUs). XON is never below 0.
struct PfcThresholds {
  int64_t xoff = 0, xon = 0;
  bool from_catalog = false;
};
PfcThresholds pfc_thresholds(const SwitchModel* m, const PacketSimConfig& cfg, int64_t port_limit, int64_t packet_wire);

struct FlowSpec {
  uint32_t src = 0, dst = 0;  // NIC indices
  int64_t bytes = 0;
  Picoseconds start;
};

}  // namespace aifabric
