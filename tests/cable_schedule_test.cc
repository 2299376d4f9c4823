// The cable schedule: one row per physical cable, as many as the BOM counts, every port at most once, NetBox's columns.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "plan/cable_schedule.h"
#include "plan/device_directory.h"
#include "plan/fibre_cabling.h"
#include "report/cable_files.h"
#include "spec/cluster_spec.h"
#include "test_support.h"

namespace aifabric {
namespace {

Plan example(const std::string& name) { return make_plan(load_cluster_spec(testing::source_path("examples/" + name + ".yaml")), testing::shipped_catalog()); }

int64_t bom_cables(const Plan& p) {
  int64_t n = 0;
  for (const BomLine& b : p.bom) if (b.kind != "switch" && b.kind != "transceiver") n += b.count;
  return n;
}

struct Schedule {
  std::unique_ptr<DeviceDirectory> dir;
  std::vector<LinkEnds> ends;
  std::vector<CableRow> rows;
};
Schedule schedule_of(const Plan& p) {
  Schedule s;
  s.dir = std::make_unique<DeviceDirectory>(p);
  s.ends = link_ends(p, *s.dir);
  s.rows = cable_schedule(p, s.ends);
  return s;
}

// (device, port) of every cable end in the schedule, counting repeats.
std::map<std::pair<uint32_t, std::string>, int> port_uses(const std::vector<CableRow>& rows) {
  std::map<std::pair<uint32_t, std::string>, int> uses;
  for (const CableRow& r : rows) {
    ++uses[{r.a.device, r.a.port}];
    for (const CableEnd& b : r.b) ++uses[{b.device, b.port}];
  }
  return uses;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

// 128 DGX H100 on QM9700 (examples/h100-1024-rail.yaml): 1,024 NIC-leaf and 1,024 leaf-spine 400G links, each on
// a twin-port 800G cage at the switch whose two MPO-12s give every link a fibre of its own: 2,048 cables, the BOM's
// 1,024 + 1,024, and 4,096 ports each used once.
TEST(CableSchedule, OneRowPerPhysicalCableAsTheBomCounts) {
  const Plan p = example("h100-1024-rail");
  const Schedule s = schedule_of(p);
  EXPECT_EQ(static_cast<int64_t>(s.rows.size()), bom_cables(p));
  EXPECT_EQ(s.rows.size(), 2048u);
  const auto uses = port_uses(s.rows);
  EXPECT_EQ(uses.size(), 4096u);
  for (const auto& [port, n] : uses) EXPECT_EQ(n, 1) << s.dir->devices()[port.first].name << " " << port.second;
  std::set<std::string> labels;
  for (const CableRow& r : s.rows) EXPECT_TRUE(labels.insert(r.label).second) << r.label;
  // Names follow the scheme: rail leaves by unit and rail, servers by unit; ports by cage and sub-port.
  const CableRow& first = s.rows.front();
  EXPECT_EQ(s.dir->devices()[first.a.device].name, "su0-srv0");
  EXPECT_EQ(first.a.port, "osfp1");
  EXPECT_EQ(s.dir->devices()[first.b[0].device].name, "p0-su0-leaf-rail0");
  EXPECT_EQ(first.b[0].port, "osfp1/1");
  EXPECT_EQ(first.cable, "MPO-12/APC OM4 fibre");
  EXPECT_GE(first.order_m, first.length_m);
}

// Every bundled fabric: the schedule's rows are the BOM's cables and no port takes two.
TEST(CableSchedule, EveryExampleAddsUpAndUsesEachPortOnce) {
  for (const char* name : {"cluster-100g", "cluster-400g", "4k-switch-scheduled", "8k-51t-1plane-3tier", "oversub-2to1", "seed-001-1024-gpu-intent",
                           "optics-qsfpdd-lpo", "8k-51t-2plane-2tier"}) {
    const Plan p = example(name);
    const Schedule s = schedule_of(p);
    EXPECT_EQ(static_cast<int64_t>(s.rows.size()), bom_cables(p)) << name;
    for (const auto& [port, n] : port_uses(s.rows)) ASSERT_EQ(n, 1) << name << ": " << s.dir->devices()[port.first].name << " " << port.second;
  }
}

// A module with a single MPO-16 split two ways has one connector for two links: a breakout cable per cage, its two legs
// on two servers' modules; the BOM counts the same cables.
TEST(CableSchedule, SplittersAreOneCableWithLegs) {
  const Catalog cat = testing::catalog_with(
      "parts:\n  - {name: test-800g-sr8-mpo16, breakouts: [1, 2, 4, 8], rate_gbps: 800, lanes: 8, form_factor: osfp, fiber: mmf, fibers: 16, "
      "connector: MPO-16/APC, reach_m: 50, power_w: 5, latency_ns: 100, cmis: 5.0, price_usd: 100, family: sr, source: test fixture}\n");
  const Plan p = make_plan(testing::spec_from("cluster: {server: dgx-h100, servers: 16}\nfabric: {topology: clos, switch: quantum2-qm9700}\n"
                                              "layout: {servers_per_rack: 4}\npower: {rack_power_limit_kw: 45}\n"), cat);
  const Schedule s = schedule_of(p);
  EXPECT_EQ(static_cast<int64_t>(s.rows.size()), bom_cables(p));
  size_t splitters = 0;
  for (const CableRow& r : s.rows) {
    if (r.link_class != "nic-leaf") continue;
    EXPECT_EQ(r.cable, "MPO-16/APC to 2x MPO-12/APC OM4 breakout");
    EXPECT_EQ(r.b.size(), 2u);
    ++splitters;
  }
  // 128 NIC links on the leaves' split cages: 64 breakouts, each leg at a server's SR4.
  EXPECT_EQ(splitters, 64u);
  for (const auto& [port, n] : port_uses(s.rows)) EXPECT_EQ(n, 1) << port.second;
}

TEST(CableSchedule, OrderableLengthsRoundUp) {
  EXPECT_EQ(orderable_length_m(8.8, "fibre"), 10);
  EXPECT_EQ(orderable_length_m(10, "fibre"), 10);
  EXPECT_EQ(orderable_length_m(612, "fibre"), 700);
  EXPECT_EQ(orderable_length_m(2.2, "dac"), 2.5);
  EXPECT_EQ(orderable_length_m(6.3, "aec"), 7);
}

// The DGX H100 SuperPOD's 4 UFM ports are cables too: appliance-leaf rows to the leaves' free ports.
TEST(CableSchedule, AppliancePortsAreCabled) {
  const Plan p = testing::plan_from("cluster: {server: dgx-h100, servers: 127}\nfabric: {topology: rail-optimized, scalable_unit_servers: 32, "
                                    "switch: quantum2-qm9700, leaf_uplinks: full, appliances: [{name: ufm, ports: 4}]}\n");
  const Schedule s = schedule_of(p);
  std::map<std::string, int> by_class;
  for (const CableRow& r : s.rows) ++by_class[r.link_class];
  EXPECT_EQ(by_class["appliance-leaf"], 4);
  EXPECT_EQ(by_class["nic-leaf"], 1016);
  EXPECT_EQ(by_class["leaf-spine"], 1024);
  EXPECT_EQ(static_cast<int64_t>(s.rows.size()), bom_cables(p));
  for (const auto& [port, n] : port_uses(s.rows)) EXPECT_EQ(n, 1) << port.second;
}

// NetBox's bulk import (netbox/dcim/forms/bulk_import.py): DeviceImportForm, InterfaceImportForm and CableImportForm
// field names. Every column of the files is one of them, and the required ones are there.
TEST(CableSchedule, NetboxFilesCarryNetboxColumns) {
  const std::set<std::string> device = {"name", "role", "tenant", "manufacturer", "device_type", "platform", "serial", "asset_tag", "status", "site",
                                        "location", "rack", "position", "face", "latitude", "longitude", "parent", "device_bay", "airflow",
                                        "virtual_chassis", "vc_position", "vc_priority", "cluster", "description", "config_template", "comments", "tags"};
  const std::set<std::string> interface = {"device", "name", "label", "parent", "bridge", "lag", "type", "speed", "duplex", "enabled", "mark_connected",
                                           "wwn", "vdcs", "mtu", "mgmt_only", "description", "poe_mode", "poe_type", "mode", "vrf", "rf_role",
                                           "rf_channel", "rf_channel_frequency", "rf_channel_width", "tx_power", "tags"};
  const std::set<std::string> cable = {"side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name", "type", "status",
                                       "tenant", "label", "color", "length", "length_unit", "description", "comments", "tags"};
  const auto files = render_cable_files(example("h100-1024-rail"));
  std::map<std::string, std::string> by_name(files.begin(), files.end());
  auto columns = [](const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(first_line(text));
    for (std::string c; std::getline(ss, c, ',');) out.push_back(c);
    return out;
  };
  const std::vector<std::pair<std::string, const std::set<std::string>*>> checks = {
      {"netbox/devices.csv", &device}, {"netbox/interfaces.csv", &interface}, {"netbox/cables.csv", &cable}};
  for (const auto& [file, allowed] : checks) {
    ASSERT_TRUE(by_name.count(file)) << file;
    for (const std::string& c : columns(by_name[file])) EXPECT_TRUE(allowed->count(c)) << file << ": '" << c << "' is not a NetBox import field";
  }
  for (const char* required : {"name", "role", "manufacturer", "device_type", "status", "site"}) {
    const auto cols = columns(by_name["netbox/devices.csv"]);
    EXPECT_NE(std::find(cols.begin(), cols.end(), required), cols.end()) << required;
  }
  for (const char* required : {"side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name"}) {
    const auto cols = columns(by_name["netbox/cables.csv"]);
    EXPECT_NE(std::find(cols.begin(), cols.end(), required), cols.end()) << required;
  }
  // A NetBox cable per schedule cable here (one fibre per link), every interface a link uses listed once.
  EXPECT_EQ(std::count(by_name["netbox/cables.csv"].begin(), by_name["netbox/cables.csv"].end(), '\n'), 2048 + 1);
  EXPECT_EQ(std::count(by_name["netbox/interfaces.csv"].begin(), by_name["netbox/interfaces.csv"].end(), '\n'), 4096 + 1);
  EXPECT_NE(by_name["netbox/interfaces.csv"].find("su0-srv0,osfp1,infiniband-ndr,400000000,"), std::string::npos);
  // 128 servers + 32 leaves + 16 spines.
  EXPECT_EQ(std::count(by_name["netbox/devices.csv"].begin(), by_name["netbox/devices.csv"].end(), '\n'), 176 + 1);
}

// A spec's names: templates override the scheme for every device and rack they name; the rest keep it.
TEST(CableSchedule, NameTemplatesOverrideTheScheme) {
  const Plan p = testing::plan_from("cluster: {server: dgx-h100, servers: 64}\nfabric: {topology: rail-optimized, scalable_unit_servers: 32, "
                                    "switch: quantum2-qm9700}\nnames: {leaf: 'SU{unit:02}-R{rail}-LEAF', server: 'dgx-{unit}-{j:02}', rack: 'H1-{row}{pos:02}'}\n");
  const Schedule s = schedule_of(p);
  const auto& d = s.dir->devices();
  EXPECT_EQ(d[s.rows.front().a.device].name, "dgx-0-00");
  EXPECT_EQ(d[s.rows.front().b[0].device].name, "SU00-R0-LEAF");
  EXPECT_EQ(s.dir->rack_name(d[s.rows.front().a.device].rack), "H1-001");
  bool spine_default = false;
  for (const Device& x : d) spine_default |= x.name == "p0-spine0";
  EXPECT_TRUE(spine_default) << "spines keep the default scheme";
}

TEST(CableSchedule, SameInputSameBytes) {
  const auto a = render_cable_files(example("8k-51t-1plane-3tier"));
  const auto b = render_cable_files(example("8k-51t-1plane-3tier"));
  EXPECT_EQ(a, b);
}

}  // namespace aifabric
