// Catalog loading: YAML sections (switches, nics, servers, parts) to typed entries, with overrides.
#include "catalog/catalog.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/yaml_reader.h"

namespace aifabric {

std::string_view to_string(FormFactor f) {
  switch (f) {
    case FormFactor::Osfp: return "osfp";
    case FormFactor::QsfpDd: return "qsfp-dd";
    case FormFactor::Qsfp112: return "qsfp112";
    case FormFactor::Qsfp28: return "qsfp28";
    case FormFactor::Qsfp56: return "qsfp56";
  }
  return "?";
}

int Part::connectors() const {
  if (connector.size() > 2 && connector[0] >= '1' && connector[0] <= '9' && connector[1] == 'x') return connector[0] - '0';
  return 1;
}

std::string Part::connector_type() const {
  std::string t = connectors() > 1 ? connector.substr(2) : connector;
  const auto paren = t.find(" (");
  if (paren != std::string::npos) t.resize(paren);
  while (!t.empty() && t.front() == ' ') t.erase(t.begin());
  return t;
}

std::string_view to_string(SwitchRole r) {
  switch (r) {
    case SwitchRole::Packet: return "packet";
    case SwitchRole::LeafElement: return "leaf-element";
    case SwitchRole::FabricElement: return "fabric-element";
  }
  return "?";
}

std::string_view to_string(PartKind k) {
  switch (k) {
    case PartKind::Transceiver: return "transceiver";
    case PartKind::PassiveCopper: return "dac";
    case PartKind::ActiveCopper: return "acc";
    case PartKind::ActiveElectricalCable: return "aec";
    case PartKind::ActiveOpticalCable: return "aoc";
  }
  return "?";
}

std::string_view to_string(FiberType f) {
  switch (f) {
    case FiberType::None: return "copper";
    case FiberType::Multimode: return "mmf";
    case FiberType::Singlemode: return "smf";
  }
  return "?";
}

bool SwitchModel::allows_breakout(int factor) const {
  return std::find(breakouts.begin(), breakouts.end(), factor) != breakouts.end();
}

bool Part::splits_into(int n) const { return std::find(splits.begin(), splits.end(), n) != splits.end(); }

bool CageProfile::allows_breakout(int factor) const {
  return breakouts && std::find(breakouts->begin(), breakouts->end(), factor) != breakouts->end();
}

CageProfile cage_profile(const SwitchModel& s) {
  return {s.vendor, s.form_factor, s.cage_gbps, s.lane_gbps, &s.breakouts, s.lpo, &s.fec, s.cmis};
}

CageProfile cage_profile(const NicModel& n) {
  return {n.vendor, n.form_factor, n.port_gbps, n.lane_gbps, &n.breakouts, n.lpo, &n.fec, n.cmis};
}

int SwitchModel::ports_at(int64_t gbps) const {
  if (gbps <= 0 || cage_gbps % gbps != 0) return 0;
  const int factor = static_cast<int>(cage_gbps / gbps);
  return allows_breakout(factor) ? cages * factor : 0;
}

namespace {

const std::vector<std::string> kFormFactors = {"osfp", "qsfp-dd", "qsfp112", "qsfp28", "qsfp56"};

FormFactor parse_form_factor(const std::string& s) {
  if (s == "osfp") return FormFactor::Osfp;
  if (s == "qsfp-dd") return FormFactor::QsfpDd;
  if (s == "qsfp112") return FormFactor::Qsfp112;
  if (s == "qsfp56") return FormFactor::Qsfp56;
  return FormFactor::Qsfp28;
}

SwitchModel read_switch(MapReader& m) {
  SwitchModel s;
  s.where = m.location();
  s.name = m.required_string("name");
  s.vendor = m.string("vendor", "generic");
  s.asic = m.string("asic", "");
  const std::string role = m.choice("role", "packet", {"packet", "leaf-element", "fabric-element"});
  s.role = role == "packet" ? SwitchRole::Packet
         : role == "leaf-element" ? SwitchRole::LeafElement : SwitchRole::FabricElement;
  const bool fabric_only = s.role == SwitchRole::FabricElement;
  s.cages = static_cast<int>(fabric_only ? m.integer("cages", 0, 0, 4096) : m.required_integer("cages", 1, 4096));
  s.cage_gbps = fabric_only ? m.integer("cage_gbps", 0, 0, 3200) : m.required_integer("cage_gbps", 1, 3200);
  s.form_factor = parse_form_factor(m.choice("form_factor", "osfp", kFormFactors));
  s.lane_gbps = m.integer("lane_gbps", 100, 10, 400);
  for (const auto& b : m.string_list("breakouts")) {
    if (b != "1" && b != "2" && b != "4" && b != "8") m.fail("breakouts", "'" + b + "' is not a split factor; expected 1, 2, 4 or 8");
    s.breakouts.push_back(std::stoi(b));
  }
  if (s.breakouts.empty()) s.breakouts = {1};
  if (!s.allows_breakout(1)) s.breakouts.insert(s.breakouts.begin(), 1);
  s.asic_power_w = m.number("asic_power_w", 0, 0, 100000);
  s.system_power_w = m.number("system_power_w", s.asic_power_w, 0, 100000);
  if (s.system_power_w < s.asic_power_w) m.fail("system_power_w", "is below asic_power_w; the box includes the ASIC");
  s.height_ru = static_cast<int>(m.integer("height_ru", 2, 1, 48));
  s.price_usd = m.number("price_usd", 0, 0, 1e8);
  s.lpo = m.boolean("lpo", false);
  s.fec = m.string_list("fec");
  s.cmis = m.number("cmis", 5.0, 0, 99);
  s.latency_ns = m.integer("latency_ns", 0, 0, 1000000);
  s.buffer_mb = m.number("buffer_mb", 0, 0, 1e6);
  s.pfc_xoff_bytes = m.integer("pfc_xoff_bytes", 0, 0, int64_t{1} << 30);
  s.pfc_xon_delta_bytes = m.integer("pfc_xon_delta_bytes", 0, 0, int64_t{1} << 30);
  if (s.pfc_xon_delta_bytes > 0 && s.pfc_xoff_bytes == 0) m.fail("pfc_xon_delta_bytes", "needs pfc_xoff_bytes: the delta is below XOFF");
  if (s.pfc_xon_delta_bytes > s.pfc_xoff_bytes) m.fail("pfc_xon_delta_bytes", fmt::format("{} is above pfc_xoff_bytes ({}); XON would be negative", s.pfc_xon_delta_bytes, s.pfc_xoff_bytes));
  s.in_network_reduction = m.boolean("in_network_reduction", false);
  s.link_layer = m.choice("link_layer", "ethernet", {"ethernet", "infiniband"});
  s.cut_through = m.choice("forwarding", "cut-through", {"cut-through", "store-and-forward"}) == "cut-through";
  s.fabric_links = static_cast<int>(m.integer("fabric_links", 0, 0, 100000));
  s.fabric_link_gbps = m.integer("fabric_link_gbps", 0, 0, 3200);
  s.cell_bytes = static_cast<int>(m.integer("cell_bytes", 0, 0, 100000));
  s.credit_bytes = m.integer("credit_bytes", 0, 0, 1 << 20);
  if (s.role != SwitchRole::Packet && (s.fabric_links == 0 || s.fabric_link_gbps == 0)) {
    m.fail("fabric_links", "a switch-scheduled element needs fabric_links and fabric_link_gbps");
  }
  s.source = m.string("source", "");
  s.note = m.string("note", "");
  m.finish();
  return s;
}

NicModel read_nic(MapReader& m) {
  NicModel n;
  n.where = m.location();
  n.name = m.required_string("name");
  n.vendor = m.string("vendor", "generic");
  n.ports = static_cast<int>(m.integer("ports", 1, 1, 16));
  n.port_gbps = m.required_integer("port_gbps", 1, 3200);
  n.form_factor = parse_form_factor(m.choice("form_factor", "osfp", kFormFactors));
  n.lane_gbps = m.integer("lane_gbps", 100, 10, 400);
  for (const auto& b : m.string_list("breakouts")) {
    if (b != "1" && b != "2" && b != "4" && b != "8") m.fail("breakouts", "'" + b + "' is not a split factor; expected 1, 2, 4 or 8");
    n.breakouts.push_back(std::stoi(b));
  }
  if (std::find(n.breakouts.begin(), n.breakouts.end(), 1) == n.breakouts.end()) n.breakouts.insert(n.breakouts.begin(), 1);
  n.power_w = m.number("power_w", 0, 0, 10000);
  n.price_usd = m.number("price_usd", 0, 0, 1e7);
  n.lpo = m.boolean("lpo", false);
  n.fec = m.string_list("fec");
  n.cmis = m.number("cmis", 5.0, 0, 99);
  n.source = m.string("source", "");
  n.note = m.string("note", "");
  m.finish();
  return n;
}

ServerModel read_server(MapReader& m) {
  ServerModel s;
  s.where = m.location();
  s.name = m.required_string("name");
  s.vendor = m.string("vendor", "generic");
  s.xpu = m.string("xpu", "xpu");
  s.xpus = static_cast<int>(m.required_integer("xpus", 1, 1024));
  s.backend_nics = static_cast<int>(m.integer("backend_nics", s.xpus, 1, 1024));
  s.nic = m.required_string("nic");
  s.frontend_nic = m.string("frontend_nic", "");
  s.frontend_nics = static_cast<int>(m.integer("frontend_nics", s.frontend_nic.empty() ? 0 : 1, 0, 64));
  s.scale_up_domain = static_cast<int>(m.integer("scale_up_domain", s.xpus, 1, 100000));
  s.scale_up_gbps = m.integer("scale_up_gbps", 0, 0, 1'000'000);
  s.scale_up_achievable_gbps = m.integer("scale_up_achievable_gbps", s.scale_up_gbps, 0, 1'000'000);
  if (s.scale_up_gbps > 0 && s.scale_up_achievable_gbps > s.scale_up_gbps) {
    throw InputError(m.location_of("scale_up_achievable_gbps"), "scale_up_achievable_gbps",
                     fmt::format("{} exceeds the raw scale_up_gbps {}; expected at most {}", s.scale_up_achievable_gbps, s.scale_up_gbps, s.scale_up_gbps));
  }
  s.scale_up_reduction = m.boolean("scale_up_reduction", false);
  s.xpu_arch = m.choice("xpu_arch", "other", {"volta", "ampere", "hopper", "blackwell", "other"});
  s.power_w = m.number("power_w", 0, 0, 1e6);
  s.height_ru = static_cast<int>(m.integer("height_ru", 0, 0, 48));
  s.price_usd = m.number("price_usd", 0, 0, 1e9);
  s.xpu_tflops = m.number("xpu_tflops", 0, 0, 1e6);
  s.xpu_hbm_gbytes_per_s = m.number("xpu_hbm_gbytes_per_s", 0, 0, 1e6);
  s.xpu_gemm_efficiency = m.number("xpu_gemm_efficiency", 0, 0.01, 1.0);
  s.xpu_attention_efficiency = m.number("xpu_attention_efficiency", 0, 0.01, 1.0);
  s.xpu_sms = static_cast<int>(m.integer("xpu_sms", 0, 1, 100000));
  s.source = m.string("source", "");
  s.note = m.string("note", "");
  m.finish();
  return s;
}

Part read_part(MapReader& m) {
  Part p;
  p.where = m.location();
  p.name = m.required_string("name");
  p.vendor = m.string("vendor", "generic");
  const std::string kind = m.choice("kind", "transceiver", {"transceiver", "dac", "acc", "aec", "aoc"});
  p.kind = kind == "transceiver" ? PartKind::Transceiver
         : kind == "dac" ? PartKind::PassiveCopper
         : kind == "acc" ? PartKind::ActiveCopper
         : kind == "aec" ? PartKind::ActiveElectricalCable : PartKind::ActiveOpticalCable;
  p.family = m.string("family", kind);
  p.rate_gbps = m.required_integer("rate_gbps", 1, 3200);
  p.lanes = static_cast<int>(m.integer("lanes", 8, 1, 32));
  if (p.rate_gbps % p.lanes != 0) m.fail("lanes", fmt::format("{} Gb/s does not split evenly over {} lanes", p.rate_gbps, p.lanes));
  p.form_factor = parse_form_factor(m.choice("form_factor", "osfp", kFormFactors));
  p.far_form_factor = m.has("far_form_factor") ? parse_form_factor(m.choice("far_form_factor", "osfp", kFormFactors)) : p.form_factor;
  p.breakout = static_cast<int>(m.integer("breakout", 1, 1, 8));
  if (p.lanes % p.breakout != 0) m.fail("breakout", fmt::format("{} lanes cannot split into {} sub-links", p.lanes, p.breakout));
  for (const auto& b : m.string_list("breakouts")) {
    if (b != "1" && b != "2" && b != "4" && b != "8") m.fail("breakouts", "'" + b + "' is not a split factor; expected 1, 2, 4 or 8");
    const int n = std::stoi(b);
    if (p.lanes % n != 0) m.fail("breakouts", fmt::format("{} lanes cannot split into {} sub-links", p.lanes, n));
    p.splits.push_back(n);
  }
  if (p.splits.empty()) p.splits.push_back(p.breakout);
  p.reach_m = m.required_number("reach_m", 0.1, 100000);
  const std::string fiber = m.choice("fiber", is_cable(p.kind) && p.kind != PartKind::ActiveOpticalCable ? "copper" : "smf",
                                     {"copper", "mmf", "smf"});
  p.fiber = fiber == "copper" ? FiberType::None : fiber == "mmf" ? FiberType::Multimode : FiberType::Singlemode;
  p.fibers = static_cast<int>(m.integer("fibers", 0, 0, 64));
  if (p.kind == PartKind::Transceiver && p.fibers == 0) m.fail("fibers", "a transceiver needs its fibre count (e.g. 16 for DR8/SR8, 4 for 2xFR4)");
  p.connector = m.string("connector", "");
  p.power_w = m.required_number("power_w", 0, 1000);
  p.latency_ns = m.integer("latency_ns", 0, 0, 100000);
  p.lpo = m.boolean("lpo", false);
  p.fec = m.string("fec", "rs544");
  p.cmis = m.number("cmis", 0, 0, 99);
  p.price_usd = m.number("price_usd", 0, 0, 1e7);
  p.source = m.string("source", "");
  p.note = m.string("note", "");
  p.alt_reach_m = m.number("alt_reach_m", 0, 0, 100000);
  p.alt_reach_source = m.string("alt_reach_source", "");
  m.finish();
  return p;
}

}  // namespace

template <class T>
void Catalog::upsert(std::vector<T>& v, std::unordered_map<std::string, size_t>& index, T item) {
  auto it = index.find(item.name);
  if (it != index.end()) {
    v[it->second] = std::move(item);
  } else {
    index.emplace(item.name, v.size());
    v.push_back(std::move(item));
  }
}

void Catalog::add_server(ServerModel s) { upsert(servers_, server_index_, std::move(s)); }

void Catalog::load_yaml(const std::string& text, const std::string& file) {
  const YAML::Node root = parse_yaml(text, file);
  MapReader doc(root, file, "");
  for (auto& m : doc.child_list("switches")) upsert(switches_, switch_index_, read_switch(m));
  for (auto& m : doc.child_list("nics")) upsert(nics_, nic_index_, read_nic(m));
  for (auto& m : doc.child_list("servers")) upsert(servers_, server_index_, read_server(m));
  for (auto& m : doc.child_list("parts")) upsert(parts_, part_index_, read_part(m));
  doc.finish();
}

void Catalog::validate() const {
  for (const auto& s : servers_) {
    if (!s.frontend_nic.empty() && !find_nic(s.frontend_nic)) {
      throw InputError(s.where, "servers." + s.name + ".frontend_nic", fmt::format("unknown NIC '{}'", s.frontend_nic));
    }
    if (!find_nic(s.nic)) {
      throw InputError(s.where, "servers." + s.name + ".nic",
                       fmt::format("unknown NIC '{}'; catalog NICs: {}", s.nic,
                                   fmt::join([&] { std::vector<std::string> n; for (auto& x : nics_) n.push_back(x.name); return n; }(), ", ")));
    }
  }
}

namespace {
template <class T>
const T* find_in(const std::vector<T>& v, const std::unordered_map<std::string, size_t>& index, std::string_view name) {
  auto it = index.find(std::string(name));
  return it == index.end() ? nullptr : &v[it->second];
}
}  // namespace

const SwitchModel* Catalog::find_switch(std::string_view n) const { return find_in(switches_, switch_index_, n); }
const NicModel* Catalog::find_nic(std::string_view n) const { return find_in(nics_, nic_index_, n); }
const ServerModel* Catalog::find_server(std::string_view n) const { return find_in(servers_, server_index_, n); }
const Part* Catalog::find_part(std::string_view n) const { return find_in(parts_, part_index_, n); }

std::vector<std::string> Catalog::switch_names() const {
  std::vector<std::string> out;
  for (const auto& s : switches_) out.push_back(s.name);
  return out;
}

std::vector<std::string> Catalog::server_names() const {
  std::vector<std::string> out;
  for (const auto& s : servers_) out.push_back(s.name);
  return out;
}

Catalog load_catalog(const std::vector<std::string>& user_files) {
  Catalog c;
  for (const auto& f : builtin_catalog_files()) c.load_yaml(std::string(f.text), std::string(f.name));
  for (const auto& path : user_files) c.load_yaml(read_text_file(path, "catalog file"), path);
  c.validate();
  return c;
}

}  // namespace aifabric
