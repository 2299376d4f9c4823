// The whole plan: medium by reach, counts at both link ends, power and fibre sums, failures, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "report/plan_report.h"
#include "test_support.h"

namespace aifabric {
using testing::plan_from;
using testing::shipped_catalog;
using testing::spec_from;
using testing::source_path;

namespace {

const char* kRail1024 = R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45, rack_air_cooling_limit_kw: 45}
)";

int64_t bom_count(const Plan& p, const std::string& kind) {
  int64_t n = 0;
  for (const auto& b : p.bom) if (b.kind == kind) n += b.count;
  return n;
}

}  // namespace

// A plan owns the catalog its models point into: changing or dropping the catalog it was made from changes nothing
// in it (a user file that overrides every part's power after planning leaves the plan's parts as they were; ASan
// would see freed models once the catalog is gone), and a copy of the plan shares the one catalog.
TEST(Planner, PlanOutlivesItsCatalog) {
  auto catalog = std::make_unique<Catalog>(testing::shipped_catalog());
  const Plan plan = make_plan(testing::spec_from("cluster: {server: dgx-h100, servers: 32}\nfabric: {switch: quantum2-qm9700}\n"), *catalog);
  std::map<std::string, double> power;
  for (const LinkChoice& c : plan.choices) for (const Part* p : {c.cable, c.lower, c.upper}) if (p) power[p->name] = p->power_w;
  ASSERT_FALSE(power.empty());
  std::string overrides = "parts:\n";  // the parts the plan uses, each at another power
  for (const auto& [name, w] : power) {
    const Part& p = *catalog->find_part(name);
    overrides += fmt::format("  - {{name: {}, kind: {}, rate_gbps: {}, form_factor: {}, reach_m: {}, fibers: {}, power_w: {}}}\n", p.name, to_string(p.kind),
                             p.rate_gbps, to_string(p.form_factor), p.reach_m, p.fibers, w < 999 ? w + 1 : w - 1);
  }
  catalog->load_yaml(overrides, "later.yaml");
  for (const LinkChoice& c : plan.choices) {
    for (const Part* p : {c.cable, c.lower, c.upper}) {
      if (p) {
        EXPECT_EQ(p->power_w, power[p->name]) << p->name;
      }
    }
  }
  catalog.reset();
  EXPECT_EQ(plan.fabric.tier[1].model->name, "quantum2-qm9700");
  EXPECT_EQ(plan.fabric.server->name, "dgx-h100");
  const Plan copy = plan;
  EXPECT_EQ(copy.catalog.get(), plan.catalog.get());
  EXPECT_EQ(copy.fabric.tier[1].model, plan.fabric.tier[1].model);
}

TEST(Planner, EveryLinkGetsAPartThatReachesIt) {
  const Plan p = plan_from(kRail1024);
  ASSERT_EQ(p.link_length_m.size(), p.fabric.links.size());
  for (size_t i = 0; i < p.fabric.links.size(); ++i) {
    EXPECT_LE(p.link_length_m[i], p.choices[p.link_choice[i]].reach_m) << p.choices[p.link_choice[i]].label();
  }
}

TEST(Planner, ModulesAtBothEndsAndBreakoutsShared) {
  const Plan p = plan_from(kRail1024);
  // 1,024 host links (400G) + 1,024 leaf-spine links (400G), all through 800G twin-port cages (1:2).
  // Each link has a module (or half of a twin-port module) at each end.
  int64_t module_link_ends = 0;
  for (const auto& b : p.bom) {
    if (b.kind != "transceiver") continue;
    module_link_ends += b.count * b.links_per_unit;
  }
  EXPECT_EQ(module_link_ends, 2 * static_cast<int64_t>(p.fabric.links.size()));
  EXPECT_EQ(bom_count(p, "switch"), 48);
}

TEST(Planner, FibrePositionsAreTwiceTheStrands) {
  const Plan p = plan_from(kRail1024);
  EXPECT_GT(p.fibers.module_fiber_positions, 0);
  EXPECT_EQ(p.fibers.module_fiber_positions, 2 * (p.fibers.strands_smf + p.fibers.strands_mmf));
}

TEST(Planner, PowerAddsUpBySourceAndByRack) {
  const Plan p = plan_from(kRail1024);
  double optics = 0, switches = 0, racks = 0;
  for (const auto& b : p.bom) {
    if (b.kind == "switch") switches += static_cast<double>(b.count) * b.unit_power_w;
    else optics += static_cast<double>(b.count) * b.unit_power_w;
  }
  for (const auto& r : p.racks) racks += r.it_power_w;
  EXPECT_NEAR(p.power.optics_w, optics, 1e-6);
  EXPECT_NEAR(p.power.switches_w, switches, 1e-6);
  EXPECT_NEAR(p.power.servers_w, 128 * 10200.0, 1e-6);
  EXPECT_NEAR(racks, p.power.it_w(), 1e-3);
  EXPECT_NEAR(p.power.facility_w(), p.power.it_w() * 1.3, 1e-6);
}

TEST(Planner, ShortLinksGetCopperLongLinksGetSingleMode) {
  // Servers one rack-width from their leaf with little slack: host links under 3 m -> passive DAC.
  const Plan near = plan_from(R"(
cluster: {server: dgx-h100, servers: 4}
fabric: {switch: quantum2-qm9700, tiers: 1}
layout: {servers_per_rack: 4, vertical_m: 0.5, slack_m: 0.5}
)");
  for (const auto& c : near.choices) {
    ASSERT_NE(c.cable, nullptr) << c.label();
    EXPECT_EQ(c.cable->kind, PartKind::PassiveCopper);
  }
  // Rows 20 m apart, spines in a central row: leaf-spine links beyond multimode reach -> single-mode DR.
  const Plan far = plan_from(R"(
cluster: {server: dgx-h100, servers: 512}
fabric: {switch: quantum2-qm9700}
layout: {servers_per_rack: 1, racks_per_row: 16, row_pitch_m: 20}
)");
  bool saw_dr = false;
  for (size_t i = 0; i < far.fabric.links.size(); ++i) {
    const LinkChoice& c = far.choices[far.link_choice[i]];
    if (far.link_length_m[i] > 50) {
      ASSERT_NE(c.lower, nullptr);
      EXPECT_EQ(c.lower->fiber, FiberType::Singlemode);
      saw_dr = true;
    }
  }
  EXPECT_TRUE(saw_dr);
}

TEST(Planner, LowestCostAndLowestPowerCanDiffer) {
  const std::string base = R"(
cluster: {server: generic-8xpu-thor2, servers: 64}
fabric: {switch: th5-64x800g-qsfpdd}
optics: {lpo: true, prefer: )";
  const Plan pw = plan_from(base + "lowest-power}\n");
  const Plan co = plan_from(base + "lowest-cost}\n");
  EXPECT_LE(pw.power.optics_w, co.power.optics_w);
  EXPECT_LE(co.cost_network_usd, pw.cost_network_usd);
}

TEST(Planner, LinkNoPartReachesIsRefused) {
  try {
    plan_from("cluster: {server: dgx-h100, servers: 2048}\nfabric: {switch: quantum2-qm9700}\nlayout: {servers_per_rack: 1, racks_per_row: 1000, rack_width_m: 3}\n");
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("no catalog part"), std::string::npos) << m;
    EXPECT_NE(m.find("reaches it"), std::string::npos) << m;
  }
}

TEST(Planner, FailureDomainsFollowTheArithmetic) {
  const Plan p = plan_from(kRail1024);
  // One of 16 spines: 1/16 of the leaf-spine capacity.
  ASSERT_GE(p.analysis.failures.size(), 2u);
  EXPECT_NEAR(p.analysis.failures[1].fabric_bandwidth_lost_pct, 100.0 / 16, 1e-9);
  // One rail leaf: the 32 servers of its unit each lose that rail's NIC (one XPU each).
  EXPECT_EQ(p.analysis.failures[0].xpus_cut_off, 32);
  // Four planes: one plane failing costs a quarter of the bandwidth and cuts nobody off.
  const Plan four = plan_from("cluster: {server: hgx-b300-800g, servers: 64}\nfabric: {switch: th5-64x800g-osfp, planes: 4}\n");
  const FailureDomain& plane = four.analysis.failures.back();
  EXPECT_EQ(plane.element, "one plane");
  EXPECT_NEAR(plane.fabric_bandwidth_lost_pct, 25.0, 1e-9);
  EXPECT_EQ(plane.xpus_cut_off, 0);
}

TEST(Planner, ScaleLimitsAndBisection) {
  const Plan p = plan_from(kRail1024);
  ASSERT_FALSE(p.analysis.scale.empty());
  EXPECT_EQ(p.analysis.scale[0].radix, 64);
  EXPECT_EQ(p.analysis.scale[0].max_endpoints_2, 64 * 64 / 2);
  EXPECT_EQ(p.analysis.scale[0].max_endpoints_3, 64 * 64 * 64 / 4);
  EXPECT_DOUBLE_EQ(p.analysis.host_tbps, 1024 * 0.4);
  EXPECT_DOUBLE_EQ(p.analysis.bisection_tbps, 1024 * 0.4 / 2);
  // More planes multiply the reach: an 800G NIC on a 51.2T switch.
  const Plan b = plan_from("cluster: {server: hgx-b300-800g, servers: 64}\nfabric: {switch: th5-64x800g-osfp, planes: 2}\n");
  std::map<int, int64_t> by_planes;
  for (const auto& r : b.analysis.scale) by_planes[r.planes] = r.max_endpoints_2;
  EXPECT_EQ(by_planes[1], 64 * 64 / 2);     // 800G: radix 64
  EXPECT_EQ(by_planes[2], 128 * 128 / 2);   // 400G: radix 128 -> 8,192 per plane
  EXPECT_EQ(by_planes[4], 256 * 256 / 2);
  EXPECT_EQ(by_planes[8], 512 * 512 / 2);   // 131,072 per plane at 100G
}

TEST(Planner, OversubscriptionHalvesBisection) {
  const Plan p = plan_from("cluster: {server: dgx-h100, servers: 60}\nfabric: {switch: quantum2-qm9700, oversubscription: {leaf: '2:1'}}\n");
  // 42 down / 21 up per leaf; whole servers: 40 NICs per leaf, 12 leaves, 20 uplinks each (2:1 exactly).
  EXPECT_EQ(p.fabric.tier[1].per_plane, 12);
  EXPECT_EQ(p.fabric.tier[1].up_ports, 20);
  EXPECT_NEAR(p.analysis.bisection_tbps, p.analysis.host_tbps / 4, 1e-9);
}

TEST(Planner, ZeroLoadLatencyFromFirstPrinciples) {
  const Plan p = plan_from(kRail1024);
  const LatencyPath& same = p.analysis.latency[0];
  // 4 KiB + InfiniBand's 26 B (LRH 8, BTH 12, ICRC 4, VCRC 2) at 400 Gb/s: 82.44 ns.
  EXPECT_EQ(same.serialisation.count(), (4096 + 8 + 12 + 4 + 2) * 8 * 1000 / 400);
  EXPECT_EQ(same.switches, 1);
  EXPECT_EQ(same.switching, ns(130));  // QM9700 port-to-port latency
  EXPECT_EQ(p.analysis.latency[1].switches, 3);
}

// Store-and-forward switches serialise the packet again at each of the three switches of a leaf-spine-leaf path;
// cut-through ones (the QM9700 as shipped) pay it once. All links here run at 400G.
TEST(Planner, StoreAndForwardPaysSerialisationPerSwitch) {
  Catalog stores = shipped_catalog();
  stores.load_yaml("switches:\n  - {name: quantum2-qm9700, cages: 32, cage_gbps: 800, form_factor: osfp, lane_gbps: 100, breakouts: [1, 2], "
                   "fec: [rs544], cmis: 5.0, latency_ns: 130, link_layer: infiniband, forwarding: store-and-forward}\n",
                   "sf.yaml");
  const Plan cut = plan_from(kRail1024), stored = make_plan(spec_from(kRail1024), stores);
  const Picoseconds one = serialisation_time(4096 + 26, gbps(400));
  EXPECT_EQ(cut.analysis.latency[1].serialisation, one);
  EXPECT_EQ(stored.analysis.latency[1].serialisation, one * 4);
  EXPECT_EQ(stored.analysis.latency[0].serialisation, one * 2);  // one leaf
}

TEST(Planner, DeploymentChecksPassOnAValidPlan) {
  const Plan p = plan_from(kRail1024);
  for (const auto& c : p.checks) EXPECT_NE(c.status, CheckStatus::Fail) << c.id << ": " << c.detail;
}

TEST(Planner, FormFactorMismatchFailsTheCheck) {
  const Plan p = plan_from("cluster: {server: dgx-h100, servers: 16}\nfabric: {switch: quantum2-qm9700}\noptics: {form_factor: qsfp-dd}\n");
  bool failed = false;
  for (const auto& c : p.checks) if (c.id == "form-factor") failed = c.status == CheckStatus::Fail;
  EXPECT_TRUE(failed);
}

TEST(Planner, RackPowerLimitIsFlagged) {
  const Plan p = plan_from("cluster: {server: dgx-h100, servers: 16}\nfabric: {switch: quantum2-qm9700}\nlayout: {servers_per_rack: 8}\n");
  EXPECT_EQ(p.racks_over_power.size(), 2u);  // 8 x 10.2 kW = 81.6 kW > 40 kW
}

TEST(Planner, SameInputSameBytes) {
  const std::string a = render_plan_json(plan_from(kRail1024));
  const std::string b = render_plan_json(plan_from(kRail1024));
  EXPECT_EQ(a, b);
  EXPECT_EQ(render_plan_text(plan_from(kRail1024)), render_plan_text(plan_from(kRail1024)));
}

TEST(Planner, BundledExamplesPlan) {
  for (const char* ex : {"examples/h100-1024-rail.yaml", "examples/seed-001-1024-gpu-intent.yaml"}) {
    const ClusterSpec s = load_cluster_spec(source_path(ex));
    EXPECT_NO_THROW(make_plan(s, testing::shipped_catalog())) << ex;
  }
}

}  // namespace aifabric

namespace aifabric {

// Sub-links of one broken-out cage share one module: they must all have the same medium.
TEST(Planner, BrokenOutCageCarriesOneMedium) {
  const Plan p = testing::plan_from(R"(
cluster: {server: hgx-b300-800g, servers: 512}
fabric: {switch: th5-64x800g-osfp, planes: 8, topology: rail-optimized}
layout: {servers_per_rack: 2, racks_per_row: 16, row_pitch_m: 6}
)");
  const Fabric& f = p.fabric;
  ASSERT_EQ(f.host_link_gbps, 100);
  // Walk each node's links per tier in order; every run of 8 (one 800G cage at 100G) must share a choice.
  std::map<std::pair<uint32_t, int>, std::vector<uint16_t>> as_lower, as_upper;
  for (size_t i = 0; i < f.links.size(); ++i) {
    as_lower[{f.links[i].lower.value(), f.links[i].tier}].push_back(p.link_choice[i]);
    as_upper[{f.links[i].upper.value(), f.links[i].tier}].push_back(p.link_choice[i]);
  }
  std::set<uint16_t> used;
  for (const auto* m : {&as_lower, &as_upper}) {
    for (const auto& [key, choices] : *m) {
      for (size_t c = 0; c + 8 <= choices.size(); c += 8) {
        for (size_t j = c; j < c + 8; ++j) {
          EXPECT_EQ(choices[j], choices[c]) << "node " << key.first << " tier " << key.second;
          used.insert(choices[j]);
        }
      }
    }
  }
  EXPECT_GE(used.size(), 1u);
}

}  // namespace aifabric

namespace aifabric {

TEST(Planner, FrontEndNetworkIsItsOwnTaperedClos) {
  const std::string base = R"(
cluster: {server: dgx-h100, servers: 128}
fabric: {topology: rail-optimized, switch: quantum2-qm9700}
layout: {servers_per_rack: 4, racks_per_row: 8}
power: {rack_power_limit_kw: 45}
)";
  const Plan without = testing::plan_from(base);
  const Plan with = testing::plan_from(base + "front_end: {switch: th5-64x800g-osfp, oversubscription: '3:1'}\n");
  ASSERT_TRUE(with.front_end);
  const Fabric& fe = with.front_end->fabric;
  // 128 servers x 2 BlueField-3 ports = 256 ports at 400G on 128-port leaves with a 3:1 taper:
  // 32 up, 96 down (48 whole servers) -> 3 leaves; 3 x 32 uplinks fit one 128-port spine.
  EXPECT_EQ(fe.nic_count(), 256);
  EXPECT_EQ(fe.tier[1].per_plane, 3);
  EXPECT_EQ(fe.tier[1].up_ports, 32);
  EXPECT_EQ(fe.tier[2].per_plane, 1);
  // The back-end plan is unchanged; the server racks carry the front-end NIC-end optics too.
  EXPECT_EQ(with.fabric.switch_total(), without.fabric.switch_total());
  double added = 0;
  for (size_t i = 0; i < with.racks.size(); ++i) {
    if (with.racks[i].kind == RackKind::Server) added += with.racks[i].it_power_w - without.racks[i].it_power_w;
  }
  double fe_server_end = 0;
  for (const auto& b : with.front_end->bom) if (b.where.find("(nic end)") != std::string::npos) fe_server_end += static_cast<double>(b.count) * b.unit_power_w;
  EXPECT_NEAR(added, fe_server_end, 1e-6);
  EXPECT_GT(added, 0);
  // The totals carry the whole front-end network (its switches and all its optics) exactly once.
  EXPECT_NEAR(with.power.it_w(), without.power.it_w() + with.front_end->power.switches_w + with.front_end->power.optics_w, 1e-6);
}

}  // namespace aifabric

namespace aifabric {

TEST(Planner, RailOnlySpineLossIsCountedWithinItsRail) {
  const Plan p = testing::plan_from("cluster: {server: dgx-h100, servers: 256}\nfabric: {topology: rail-only, switch: quantum2-qm9700}\n");
  // Each rail: 8 leaves x 32 uplinks over 4 spines; one spine is a quarter of its rail, 1/32 of the fabric.
  ASSERT_GE(p.analysis.failures.size(), 2u);
  EXPECT_NEAR(p.analysis.failures[1].local_bandwidth_lost_pct, 25.0, 1e-9);
  EXPECT_NEAR(p.analysis.failures[1].fabric_bandwidth_lost_pct, 100.0 / 32, 1e-9);
}

}  // namespace aifabric
