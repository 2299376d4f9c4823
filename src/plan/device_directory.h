// Every device a plan installs, by the one naming scheme the cabling outputs share: names, racks, rack units, ports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/plan.h"

namespace aifabric {

// The scheme (docs/CABLING.md), 0-based like the rest of aifabric's ids, ports 1-based like front panels:
//   servers   srv<n> (Clos), su<u>-srv<j> (rail designs: server j of scalable unit u)
//   leaves    p<plane>-leaf<l> (Clos), p<plane>-su<u>-leaf-rail<r>[-<k>] (rail designs; k when a unit has several per rail)
//   spines    p<plane>-spine<i> (2 tiers; rail-only: p<plane>-rail<r>-spine<i>), p<plane>-pod<p>-spine<i> (3 tiers)
//   cores     p<plane>-cg<g>-core<i> (core group g joins spine position g of every pod)
//   elements  p<plane>-le<l>, p<plane>-fe<j> (cell fabrics)
//   appliances <name> (per fabric), su<u>-<name> (per unit)
//   racks     r<row>-<position> (row 0.. as placed; position 1.. along the row)
//   (names: in the spec overrides any of server, leaf, spine, core, rack with a template: cluster_spec.h NamesSpec)
//   ports     <form factor><cage>[/<sub-port>]: osfp12/2 is the second 400G half of OSFP cage 12 (sub-port only when
//             the cage is split); a server's NIC n has cage n + 1, split across planes
struct Device {
  std::string name;
  std::string role;    // server, leaf, spine, core, leaf-element, fabric-element, appliance
  std::string model;   // catalog name (servers, switches) or the appliance's name
  uint32_t rack = 0;   // index into Plan::racks
  int u = 0;           // lowest rack unit it occupies (1-based), 0 when not racked by the plan
  int height_ru = 0;
};

class DeviceDirectory {
 public:
  explicit DeviceDirectory(const Plan& plan);

  const std::vector<Device>& devices() const { return devices_; }
  // The device a fabric node belongs to (a NIC's server) and the one an appliance link's appliance is.
  uint32_t device_of_node(NodeId n) const { return node_device_[n.value()]; }
  uint32_t device_of_appliance(const ApplianceLink& a) const;
  const std::string& rack_name(uint32_t rack) const { return rack_names_[rack]; }
  // Throws InputError at the spec's names template that gives two devices (or racks) one name.
  void check_unique(const NamesSpec& names) const;

 private:
  std::vector<Device> devices_;
  std::vector<uint32_t> node_device_;          // per fabric node
  std::vector<std::vector<uint32_t>> appliance_device_;  // [appliance][unit]
  std::vector<std::string> rack_names_;
};

// Which cage and sub-port each link uses at each end: downlinks fill a switch's cages from cage 1 in link order (the
// appliances' ports after its NIC links), uplinks from the first cage after the tier's designed downlinks; never both
// in one cage (the split media selection and the BOM assume).
struct PortRef {
  uint32_t device = 0;
  std::string port;    // osfp12/2
  uint32_t cage = 0;   // 1-based
  uint32_t sub = 0;    // 1-based within the cage; 0 when the cage is not split
};
struct LinkEnds {
  PortRef lower, upper;
};
// Ends of every fabric link (index as Fabric::links), then of every appliance link (after them).
std::vector<LinkEnds> link_ends(const Plan& plan, const DeviceDirectory& dir);

}  // namespace aifabric
