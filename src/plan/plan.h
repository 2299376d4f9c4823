// A plan: the fabric graph plus where everything stands, every link's length and part, BOM, power, analysis.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/units.h"
#include "spec/cluster_spec.h"
#include "topo/build_fabric.h"
#include "topo/fabric.h"
#include "topo/fabric_index.h"

namespace aifabric {

enum class RackKind : uint8_t { Server, Network };

struct Rack {
  RackKind kind = RackKind::Server;
  int row = 0;          // server rows 0..; central network rows follow the server rows
  double x_m = 0;       // centre of the rack along its row
  double y_m = 0;       // centre line of its row
  int64_t servers = 0;
  int switches = 0;
  double it_power_w = 0;
  double optics_power_w = 0;
};

// The medium on one class of links: a cable assembly, or a module at each end.
struct LinkChoice {
  const Part* cable = nullptr;          // set for DAC/ACC/AEC/AOC
  const Part* lower = nullptr;          // module at the lower-tier end
  const Part* upper = nullptr;          // module at the upper-tier end
  int lower_split = 1, upper_split = 1; // links sharing one module (breakout)
  double reach_m = 0;
  double power_w = 0;                   // per link, both ends
  double price_usd = 0;                 // per link
  int fibers = 0;                       // fibre strands per link (structured cabling; 0 for copper/AOC)
  int64_t latency_ns = 0;               // added by the parts of one link
  std::string label() const;            // "osfp-800g-2xdr4 <-> osfp-400g-dr4" or the cable name
};

struct BomLine {
  std::string item;       // part or switch name
  std::string kind;       // switch, transceiver, dac, aoc, ...
  std::string where;      // tier or link class
  int64_t count = 0;
  int64_t spares = 0;
  double unit_power_w = 0;
  double unit_price_usd = 0;
  int links_per_unit = 1;  // links sharing one unit (a 1:2 breakout module serves 2)
};

struct TierLinkStats {
  int tier = 0;
  int64_t links = 0;
  int64_t appliance_links = 0;  // tier 1: management and appliance ports on the leaves, beside the NICs' links
  int64_t cables = 0;           // physical cables carrying them (assemblies and fibres, as the BOM and the cable schedule count)
  int64_t gbps = 0;
  double min_m = 0, max_m = 0, mean_m = 0;
  std::map<std::string, int64_t> by_choice;  // label -> links
};

struct PowerSummary {
  double switches_w = 0, optics_w = 0, servers_w = 0;
  double front_end_w = 0;  // the separate front-end network's switches and optics, when planned
  double it_w() const { return switches_w + optics_w + servers_w + front_end_w; }
  double pue = 1.3;
  double facility_w() const { return it_w() * pue; }
};

struct FiberSummary {
  int64_t strands_smf = 0, strands_mmf = 0;  // fibres in structured cabling
  int64_t module_fiber_positions = 0;         // sum over modules of their fibre count (seed 001's "fibers")
  int64_t mpo_ends = 0, lc_ends = 0;          // connector ends at modules
  int64_t optical_modules = 0;
};

enum class CheckStatus : uint8_t { Pass, Warn, Fail, Manual };
std::string_view to_string(CheckStatus s);

struct CheckResult {
  std::string id;        // short stable key, e.g. "fec-match"
  CheckStatus status = CheckStatus::Pass;
  std::string title;
  std::string detail;
};

struct ScaleRow {
  int planes = 1;
  int64_t link_gbps = 0;
  int radix = 0;
  int64_t max_endpoints_1 = 0, max_endpoints_2 = 0, max_endpoints_3 = 0;  // per plane
  int64_t max_xpus_2 = 0, max_xpus_3 = 0;  // every NIC joins every plane
};

struct FailureDomain {
  std::string element;   // "one leaf", "one spine", ...
  int64_t xpus_cut_off = 0;
  int64_t xpus_degraded = 0;
  double fabric_bandwidth_lost_pct = 0;  // of the tier's capacity, fabric-wide
  double local_bandwidth_lost_pct = 0;   // within the failed element's own plane (or rail, for rail-only)
  std::string explanation;
};

struct LatencyPath {
  std::string name;
  int links = 0;
  int switches = 0;
  Picoseconds serialisation, propagation, modules, switching;
  Picoseconds total() const { return serialisation + propagation + modules + switching; }
};

struct TierCapacity {
  int tier = 0;
  std::string role;
  int64_t switches = 0;
  int64_t ports_per_switch = 0;   // at the down rate
  int64_t down_links = 0, up_links = 0;
  double down_tbps = 0, up_tbps = 0;
  double oversubscription = 0;    // down : up bandwidth (0 at the top tier)
  int64_t free_ports = 0;         // at the down rate, whole tier, all planes
};

struct Analysis {
  std::vector<TierCapacity> tiers;
  double host_tbps = 0;
  double bisection_tbps = 0;
  std::string bisection_note;
  std::vector<ScaleRow> scale;
  int64_t next_tier_at_xpus = 0;  // size at which this design needs another tier
  std::vector<FailureDomain> failures;
  std::vector<LatencyPath> latency;
};

struct Advice {
  std::string factor;
  std::string recommendation;
  std::string rationale;
};

struct Plan {
  // The catalog the plan's models (switches, NICs, servers, parts) point into, owned with it: a plan stays valid
  // when the catalog it was made from goes, and copies of it share one.
  std::shared_ptr<const Catalog> catalog;
  ClusterSpec spec;
  Fabric fabric;
  FabricIndex index;                    // the fabric's adjacency for simulators, built last (fabric_index.h)
  std::vector<Rack> racks;
  std::vector<uint32_t> node_rack;      // per node
  std::vector<float> link_length_m;     // per link
  std::vector<uint16_t> link_choice;    // per link, index into choices
  std::vector<LinkChoice> choices;
  std::vector<float> appliance_length_m;      // per Fabric::appliance_links entry
  std::vector<uint16_t> appliance_choice;     // per appliance link: the medium of its leaf's NIC links
  std::vector<TierLinkStats> link_stats;
  std::vector<BomLine> bom;
  PowerSummary power;
  FiberSummary fibers;
  double cost_network_usd = 0;
  double cost_servers_usd = 0;
  std::vector<uint32_t> racks_over_power, racks_over_cooling;
  Analysis analysis;
  std::vector<CheckResult> checks;
  std::vector<Advice> advice;
  std::string advice_summary;
  std::vector<std::string> notes;       // notes on disagreeing public figures that this plan relied on
  // The separate front-end network, when the spec asks for one: its own plan over a derived catalog
  // (held here because the plan points into it). Its NIC-end optics are added to this plan's server racks.
  std::shared_ptr<const Plan> front_end;
  std::shared_ptr<const Catalog> owned_catalog;
};

struct PlanOptions {
  BuildLimits limits;
};

// The whole planning pipeline: build, place, choose media, count, analyse, check. Throws InputError.
Plan make_plan(const ClusterSpec& spec, const Catalog& catalog, const PlanOptions& options = {});  // plans against a copy of `catalog`
Plan make_plan(const ClusterSpec& spec, std::shared_ptr<const Catalog> catalog, const PlanOptions& options = {});

// Pipeline stages (one file each).
void place_racks(Plan& plan);
void choose_media(Plan& plan, const Catalog& catalog);
void count_materials(Plan& plan);
void flag_racks(Plan& plan);
// Plans the spec's front-end network and adds its server-end optics to `plan`'s server racks.
void plan_front_end(Plan& plan, const Catalog& catalog, const PlanOptions& options);
void analyse(Plan& plan, const Catalog& catalog);
void run_checks(Plan& plan);
void advise_form_factor(Plan& plan, const Catalog& catalog);

// Cage profiles of the two ends of links of a given tier.
CageProfile lower_profile(const Fabric& f, int tier);
CageProfile upper_profile(const Fabric& f, int tier);

}  // namespace aifabric
