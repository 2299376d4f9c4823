// The typed cluster spec: what the architect asks for, validated once at the edge (YAML -> structs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/input_error.h"

namespace aifabric {

enum class Architecture : uint8_t { EndpointScheduled, SwitchScheduled };
enum class Topology : uint8_t { Clos, RailOptimized, RailOnly };
// How packets pick their paths. Ecmp: one hash per flow. Spraying: a new entropy value per packet, hashed at every
// switch (oblivious spraying, as endpoint-scheduled NICs do). Reps: the same, recycling the entropies whose acks
// came back unmarked (REPS, Bonato et al., 2024; UET's entropy recycling). Flowlet: a new hash after an idle gap.
// Adaptive: switches pick the least-queued uplink. RoundRobin: each flow cycles over its leaf's uplinks, an ideal
// no fabric hashes its way to (for bounds and tests, never a default).
enum class LoadBalancing : uint8_t { Ecmp, Spraying, Flowlet, Adaptive, Reps, RoundRobin };
// "ecmp", "spraying", "reps", "flowlet", "adaptive", "round-robin"; nullopt otherwise.
std::optional<LoadBalancing> load_balancing_from(std::string_view name);
inline constexpr const char* kLoadBalancingNames = "ecmp, spraying, reps, flowlet, adaptive or round-robin";
enum class TransportKind : uint8_t {
  Spray,       // out-of-order delivery, per-packet acks, selective retransmission, ECN + delay window (UET-style)
  RoceDcqcn,   // RoCEv2 reliable connection: in-order go-back-N, rate paced by DCQCN on CNPs
};
std::string_view to_string(TransportKind t);
// How many switches an upper tier (spines; cores of a 3-tier fabric) gets for the links coming up to it.
// Balanced: a count that gives every lower switch equal parallel links to each upper one, unless that costs more than a
// quarter more switches than the port minimum. Fewest: the port minimum (the links spread round-robin, so a lower
// switch may have one link more to some uppers than to others). OneLinkPerPair: one link from every lower switch to
// each upper one (as many uppers as a lower switch has uplinks).
enum class UpperTierRule : uint8_t { Balanced, Fewest, OneLinkPerPair };
std::string_view to_string(UpperTierRule r);
enum class NetworkRackPlacement : uint8_t { EndOfRow, MiddleOfRow, Central };
enum class OpticsPreference : uint8_t { LowestPower, LowestCost };

std::string_view to_string(Architecture a);
std::string_view to_string(Topology t);
std::string_view to_string(LoadBalancing l);
std::string_view to_string(NetworkRackPlacement p);
std::string_view to_string(OpticsPreference p);

// Management or appliance endpoints on the fabric's leaves (NVIDIA's UFM: 4 ports per fabric in the DGX SuperPOD, in
// the leaf ports of one removed DGX). They take leaf ports, cables and modules; no collective traffic crosses them.
struct ApplianceSpec {
  std::string name;
  int ports = 0;        // per plane, per fabric or per scalable unit
  bool per_unit = false;
  SourceLocation where;
};

struct FabricSpec {
  Architecture architecture = Architecture::EndpointScheduled;
  Topology topology = Topology::Clos;
  int tiers = 0;                  // 1, 2, 3; 0 = auto
  int planes = 1;
  std::string leaf_switch;        // packet switches per tier (spine/core default to leaf's model)
  std::string spine_switch;
  std::string core_switch;
  std::string leaf_element;       // switch-scheduled elements
  std::string fabric_element;
  int64_t link_gbps = 0;          // host link rate per plane; 0 = NIC rate / planes
  int64_t uplink_gbps = 0;        // leaf-spine rate; 0 = link_gbps
  int64_t core_link_gbps = 0;     // spine-core rate of a 3-tier fabric; 0 = the leaf-spine rate
  int scalable_unit_servers = 0;  // rail-optimised SU size; 0 = one leaf's worth of servers
  int64_t pod_servers = 0;        // servers per pod of a 3-tier fabric; 0 = as many as a spine's downlinks reach
  bool pod_given_as_xpus = false; // the spec gave pod_xpus (pod_servers then holds XPUs until the planner resolves it)
  double oversubscription_leaf = 1.0;   // downlink : uplink bandwidth at the leaf (below 1: uplinks exceed downlinks)
  double oversubscription_spine = 1.0;  // at the spine of a 3-tier fabric
  UpperTierRule spines = UpperTierRule::Balanced;
  bool full_leaf_uplinks = false;  // every leaf cabled up as a full one (NVIDIA: "support the full SU ... leave the portion unused")
  std::vector<ApplianceSpec> appliances;
  LoadBalancing load_balancing = LoadBalancing::Ecmp;
  TransportKind transport = TransportKind::Spray;  // what the NICs run, for packet-level simulation
  bool pfc = false;                                // priority flow control on the data priority
  bool in_network_reduction = false;  // the switches reduce collectives (SHARP) and NCCL may run CollNet
  SourceLocation where, tiers_where, planes_where, switch_where, link_where, reduction_where;
  SourceLocation uplink_where, core_link_where, pod_where, spines_where;
  SourceLocation oversubscription_leaf_where, oversubscription_spine_where;
};

// A separate front-end (storage, in-band management) network, planned as its own Clos.
struct FrontEndSpec {
  bool enabled = false;
  std::string nic;                // front-end NIC model; empty = the server's frontend_nic
  int ports_per_server = 0;       // 0 = the server's frontend_nics
  std::string switch_model = "th5-64x800g-osfp";
  double oversubscription = 3.0;  // front-end traffic is bursty, not collective: a taper is usual
  SourceLocation where;
};

struct LayoutSpec {
  int servers_per_rack = 4;
  int racks_per_row = 16;         // server racks per row
  double rack_width_m = 0.6;
  double row_pitch_m = 2.4;       // centre to centre, including the aisle
  double vertical_m = 1.5;        // rise from a device to the overhead tray, per cable end
  double slack_m = 1.0;           // service loop per cable
  double intra_rack_m = 1.0;      // cable run between two devices in one rack, before slack
  NetworkRackPlacement network_racks = NetworkRackPlacement::EndOfRow;
  int switches_per_network_rack = 16;
  int rack_units = 42;            // usable height of every rack (EIA 42U; 48U and 52U are common in AI halls)
  SourceLocation where;
};

struct OpticsSpec {
  std::optional<FormFactor> form_factor;  // required cage form factor; nullopt = whatever the switch has
  OpticsPreference prefer = OpticsPreference::LowestPower;
  bool lpo = false;               // linear pluggable optics allowed (where both ends support them)
  bool breakouts = true;          // 800G -> 2x400G etc. allowed
  std::vector<std::string> exclude;  // part names never to use
  SourceLocation where;
};

struct PowerSpec {
  double pue = 1.3;
  double rack_power_limit_kw = 40;
  double rack_air_cooling_limit_kw = 30;
  bool include_servers = true;
  SourceLocation where;
};

struct SparesSpec {
  double modules_pct = 2;
  double cables_pct = 2;
  double switches_pct = 0;
};

// Facts about the deployment that drive the form-factor advice (seed 001's decision matrix).
struct ContextSpec {
  bool greenfield = true;
  bool mixed_vendor = false;
  bool upgrade_from_qsfp28 = false;
  bool power_constrained = false;
  bool needs_zr = false;
  int lifetime_years = 5;
};

// Name templates for the devices of the cabling outputs and the report (docs/CABLING.md); empty = the default scheme.
// fmt-style placeholders: server {n} {unit} {j}; leaf {plane} {l} {unit} {rail} {k}; spine {plane} {i} {pod} {rail} {j};
// core {plane} {g} {i} {index}; rack {row} {pos}.
struct NameTemplate {
  std::string text;
  SourceLocation where;
};
struct NamesSpec {
  NameTemplate server, leaf, spine, core, rack;
  bool any() const { return !(server.text.empty() && leaf.text.empty() && spine.text.empty() && core.text.empty() && rack.text.empty()); }
};

struct ClusterSpec {
  std::string name;
  std::string file;
  int64_t servers = 0;
  std::string server_model;
  SourceLocation servers_where, server_model_where;
  FabricSpec fabric;
  FrontEndSpec front_end;
  LayoutSpec layout;
  OpticsSpec optics;
  PowerSpec power;
  SparesSpec spares;
  ContextSpec context;
  NamesSpec names;
  std::vector<std::string> catalog_files;  // extra catalog files, relative to the spec's folder
};

// Reads and validates a spec file (not yet against the catalog). Throws InputError.
ClusterSpec load_cluster_spec(const std::string& path);
ClusterSpec parse_cluster_spec(const std::string& text, const std::string& file);

}  // namespace aifabric
