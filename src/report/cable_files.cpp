// Cable schedule, orderable BOM and NetBox import CSVs from the plan's device directory and cable schedule.
#include "report/cable_files.h"

#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/csv.h"

namespace aifabric {

namespace {


std::string join(const std::vector<std::string>& parts, const char* sep) { return fmt::format("{}", fmt::join(parts, sep)); }

std::string length_text(double m) { return fmt::format("{:g}", std::round(m * 10.0) / 10.0); }

std::string cable_schedule_csv(const DeviceDirectory& dir, const std::vector<CableRow>& rows) {
  const auto& d = dir.devices();
  std::string o = "label,link_class,a_device,a_rack,a_u,a_port,a_module,b_device,b_rack,b_u,b_port,b_module,cable,kind,medium,fibres,"
                  "length_m,order_length_m,color\n";
  o.reserve(rows.size() * 160);
  for (const CableRow& r : rows) {
    std::vector<std::string> bd, br, bu, bp, bm;
    for (const CableEnd& b : r.b) {
      bd.push_back(d[b.device].name);
      br.push_back(dir.rack_name(d[b.device].rack));
      bu.push_back(std::to_string(d[b.device].u));
      bp.push_back(b.port);
      bm.push_back(b.module);
    }
    const Device& a = d[r.a.device];
    o += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.label, r.link_class, csv_field(a.name), csv_field(dir.rack_name(a.rack)), a.u,
                     csv_field(r.a.port), csv_field(r.a.module), csv_field(join(bd, ";")), csv_field(join(br, ";")), csv_field(join(bu, ";")), csv_field(join(bp, ";")), csv_field(join(bm, ";")),
                     csv_field(r.cable), r.kind, r.medium, r.fibres, length_text(r.length_m), length_text(r.order_m), r.color);
  }
  return o;
}

// Switches and modules as the plan's BOM counts them (with its spares); cables by part and orderable length.
std::string orderable_bom_csv(const Plan& plan, const std::vector<CableRow>& rows) {
  std::string o = "item,kind,where,length_m,count,spares,order\n";
  for (const BomLine& b : plan.bom) {
    if (b.kind != "switch" && b.kind != "transceiver") continue;
    o += fmt::format("{},{},{},,{},{},{}\n", csv_field(b.item), b.kind, csv_field(b.where), b.count, b.spares, b.count + b.spares);
  }
  std::map<std::tuple<std::string, std::string, std::string, double>, int64_t> cables;  // (cable, kind, class, length) -> count
  for (const CableRow& r : rows) ++cables[{r.cable, r.kind, r.link_class, r.order_m}];
  for (const auto& [key, n] : cables) {
    const auto& [cable, kind, where, m] = key;
    const int64_t spares = static_cast<int64_t>(std::ceil(static_cast<double>(n) * plan.spec.spares.cables_pct / 100.0 - 1e-9));
    o += fmt::format("{},{},{},{},{},{},{}\n", csv_field(cable), kind, where, length_text(m), n, spares, n + spares);
  }
  return o;
}

// NetBox interface type for a port of `gbps` in a cage of form factor `ff` (InterfaceTypeChoices slugs).
std::string netbox_interface_type(bool infiniband, int64_t gbps, FormFactor ff) {
  if (infiniband) {
    switch (gbps) {
      case 100: return "infiniband-edr";
      case 200: return "infiniband-hdr";
      case 400: return "infiniband-ndr";
      case 800: return "infiniband-xdr";
      default: return "other";
    }
  }
  switch (gbps) {
    case 100: return "100gbase-x-qsfp28";
    case 200: return "200gbase-x-qsfp56";
    case 400: return ff == FormFactor::Osfp ? "400gbase-x-osfp" : ff == FormFactor::Qsfp112 ? "400gbase-x-qsfp112" : "400gbase-x-qsfpdd";
    case 800: return ff == FormFactor::Osfp ? "800gbase-x-osfp" : "800gbase-x-qsfpdd";
    case 1600: return ff == FormFactor::Osfp ? "1.6tbase-x-osfp1600" : "1.6tbase-x-qsfpdd1600";
    default: return "other";
  }
}

std::string netbox_cable_type(const CableRow& r) {
  if (r.kind == "dac") return "dac-passive";
  if (r.kind == "acc" || r.kind == "aec") return "dac-active";
  if (r.kind == "aoc") return "aoc";
  return r.medium == "om4" ? "mmf-om4" : "smf-os2";
}

std::string netbox_color(const std::string& c) { return c == "black" ? "000000" : c == "aqua" ? "00ffff" : "ffff00"; }

std::string title_case(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_cable_files(const Plan& plan) {
  const DeviceDirectory dir(plan);
  const std::vector<LinkEnds> ends = link_ends(plan, dir);
  const std::vector<CableRow> rows = cable_schedule(plan, ends);
  const Fabric& f = plan.fabric;
  const auto& d = dir.devices();
  const std::string site = plan.spec.name.empty() ? "site" : plan.spec.name;
  // Vendors by model, for NetBox's manufacturer column.
  std::map<std::string, std::string> vendor;
  vendor[f.server->name] = f.server->vendor;
  for (int t = 1; t <= f.tiers; ++t) vendor[f.tier[t].model->name] = f.tier[t].model->vendor;
  std::string devices = std::string(kNetboxDeviceColumns) + "\n";
  for (const Device& x : d) {
    const std::string v = vendor.count(x.model) ? vendor[x.model] : "generic";
    devices += fmt::format("{},{},{},{},planned,{},{},{},front\n", csv_field(x.name), x.role, csv_field(title_case(v)), csv_field(x.model), csv_field(site), csv_field(dir.rack_name(x.rack)),
                           x.u > 0 ? std::to_string(x.u) : "");
  }
  // Interfaces: every port a link uses, once, at its link's rate.
  const bool ib = f.tiers > 0 && f.tier[1].model->link_layer == "infiniband";
  std::string interfaces = std::string(kNetboxInterfaceColumns) + "\n";
  std::set<std::pair<uint32_t, std::string>> seen;
  const CageProfile nic = cage_profile(*f.nic);
  for (size_t i = 0; i < ends.size(); ++i) {
    const bool appliance = i >= f.links.size();
    const int64_t gbps = appliance ? f.appliance_links[i - f.links.size()].gbps : f.links[i].gbps;
    const int tier = appliance ? 1 : f.links[i].tier;
    for (int end = 0; end < 2; ++end) {
      const PortRef& p = end == 0 ? ends[i].lower : ends[i].upper;
      if (!seen.emplace(p.device, p.port).second) continue;
      const FormFactor ff = end == 1 ? upper_profile(f, tier).form_factor : (tier == 1 ? nic.form_factor : lower_profile(f, tier).form_factor);
      interfaces += fmt::format("{},{},{},{},{}\n", csv_field(d[p.device].name), csv_field(p.port), netbox_interface_type(ib, gbps, ff), gbps * 1000000,
                                p.sub > 0 ? fmt::format("sub-port {} of cage {}", p.sub, p.cage) : fmt::format("cage {}", p.cage));
    }
  }
  // Cables: NetBox joins one interface to one: a splitter's legs are cables of their own (label.leg), and a link whose
  // ports take several cables (#1, #2) is one NetBox cable between its two interfaces.
  std::string cables = std::string(kNetboxCableColumns) + "\n";
  auto interface_of = [](const std::string& port) { return port.substr(0, port.find('#')); };
  for (const CableRow& r : rows) {
    if (r.b.size() == 1 && r.a.port.find('#') != std::string::npos && r.a.port.substr(r.a.port.find('#')) != "#1") continue;
    for (size_t k = 0; k < r.b.size(); ++k) {
      const CableEnd& b = r.b[k];
      const std::string a_port = b.via.empty() ? interface_of(r.a.port) : b.via;
      cables += fmt::format("{},dcim.interface,{},{},dcim.interface,{},{},planned,{},{},{},m\n", csv_field(d[r.a.device].name), csv_field(a_port), csv_field(d[b.device].name),
                            csv_field(interface_of(b.port)), netbox_cable_type(r), r.b.size() > 1 ? fmt::format("{}.{}", r.label, k + 1) : r.label,
                            netbox_color(r.color), length_text(r.order_m));
    }
  }
  // Moved in, not copied through an initializer list: at 100K+ XPUs these are hundreds of MB.
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("cables.csv", cable_schedule_csv(dir, rows));
  files.emplace_back("bom.csv", orderable_bom_csv(plan, rows));
  files.emplace_back("netbox/devices.csv", std::move(devices));
  files.emplace_back("netbox/interfaces.csv", std::move(interfaces));
  files.emplace_back("netbox/cables.csv", std::move(cables));
  return files;
}

}  // namespace aifabric
