// Cluster spec parsing: YAML fields to ClusterSpec with defaults, ranges and located errors.
#include "spec/cluster_spec.h"

#include <filesystem>

#include <fmt/args.h>
#include <fmt/format.h>

#include "core/yaml_reader.h"

namespace aifabric {

std::string_view to_string(Architecture a) {
  return a == Architecture::EndpointScheduled ? "endpoint-scheduled" : "switch-scheduled";
}
std::string_view to_string(Topology t) {
  switch (t) {
    case Topology::Clos: return "clos";
    case Topology::RailOptimized: return "rail-optimized";
    case Topology::RailOnly: return "rail-only";
  }
  return "?";
}
std::string_view to_string(TransportKind t) { return t == TransportKind::Spray ? "spray" : "roce-dcqcn"; }

std::string_view to_string(LoadBalancing l) {
  switch (l) {
    case LoadBalancing::Ecmp: return "ecmp";
    case LoadBalancing::Spraying: return "spraying";
    case LoadBalancing::Flowlet: return "flowlet";
    case LoadBalancing::Adaptive: return "adaptive";
    case LoadBalancing::Reps: return "reps";
    case LoadBalancing::RoundRobin: return "round-robin";
  }
  return "?";
}

std::optional<LoadBalancing> load_balancing_from(std::string_view name) {
  for (LoadBalancing l : {LoadBalancing::Ecmp, LoadBalancing::Spraying, LoadBalancing::Reps, LoadBalancing::Flowlet, LoadBalancing::Adaptive,
                          LoadBalancing::RoundRobin}) {
    if (to_string(l) == name) return l;
  }
  return std::nullopt;
}
std::string_view to_string(NetworkRackPlacement p) {
  switch (p) {
    case NetworkRackPlacement::EndOfRow: return "end-of-row";
    case NetworkRackPlacement::MiddleOfRow: return "middle-of-row";
    case NetworkRackPlacement::Central: return "central";
  }
  return "?";
}
std::string_view to_string(UpperTierRule r) {
  switch (r) {
    case UpperTierRule::Balanced: return "balanced";
    case UpperTierRule::Fewest: return "fewest";
    case UpperTierRule::OneLinkPerPair: return "one-link-per-pair";
  }
  return "?";
}
std::string_view to_string(OpticsPreference p) {
  return p == OpticsPreference::LowestPower ? "lowest-power" : "lowest-cost";
}

namespace {

// Largest cluster the spec language accepts before the resource estimate is even made.
constexpr int64_t kMaxServers = 10'000'000;

void read_cluster(MapReader& c, ClusterSpec& spec) {
  spec.server_model = c.string("server", "dgx-h100");
  spec.server_model_where = c.location_of("server");
  const bool has_servers = c.has("servers");
  const bool has_xpus = c.has("xpus");
  if (has_servers && has_xpus) c.fail("xpus", "give either servers or xpus, not both");
  if (!has_servers && !has_xpus) c.fail_here("needs servers (a count) or xpus (a count, a multiple of the server's XPUs)");
  if (has_servers) {
    spec.servers = c.integer("servers", 0, 1, kMaxServers);
    spec.servers_where = c.location_of("servers");
  } else {
    // Resolved against the server model's XPU count by the planner; store negative to mark "xpus".
    spec.servers = -c.integer("xpus", 0, 1, kMaxServers * 1024);
    spec.servers_where = c.location_of("xpus");
  }
  c.finish();
}

int read_tiers(MapReader& f) {
  const std::string t = f.string("tiers", "auto");
  if (t == "auto") return 0;
  if (t == "1") return 1;
  if (t == "2") return 2;
  if (t == "3") return 3;
  f.fail("tiers", fmt::format("'{}' is not valid; expected 1, 2, 3 or auto", t));
}

void read_fabric(MapReader& f, FabricSpec& fab) {
  fab.where = f.location();
  fab.architecture = f.choice("architecture", "endpoint-scheduled", {"endpoint-scheduled", "switch-scheduled"}) == "endpoint-scheduled"
                         ? Architecture::EndpointScheduled : Architecture::SwitchScheduled;
  const std::string topo = f.choice("topology", "clos", {"clos", "rail-optimized", "rail-only"});
  fab.topology = topo == "clos" ? Topology::Clos : topo == "rail-optimized" ? Topology::RailOptimized : Topology::RailOnly;
  fab.tiers_where = f.location_of("tiers");
  fab.tiers = read_tiers(f);
  fab.planes_where = f.location_of("planes");
  fab.planes = static_cast<int>(f.integer("planes", 1, 1, 64));
  fab.switch_where = f.location_of("switch");
  fab.leaf_switch = f.string("switch", "th5-64x800g-osfp");
  fab.spine_switch = f.string("spine_switch", fab.leaf_switch);
  fab.core_switch = f.string("core_switch", fab.spine_switch);
  fab.leaf_element = f.string("leaf_element", "j3ai-leaf-element");
  fab.fabric_element = f.string("fabric_element", "r3-fabric-element");
  fab.link_where = f.location_of("link_gbps");
  fab.link_gbps = f.integer("link_gbps", 0, 0, 3200);
  fab.uplink_where = f.location_of("uplink_gbps");
  fab.uplink_gbps = f.integer("uplink_gbps", 0, 0, 3200);
  fab.core_link_where = f.location_of("core_link_gbps");
  fab.core_link_gbps = f.integer("core_link_gbps", 0, 0, 3200);
  fab.scalable_unit_servers = static_cast<int>(f.integer("scalable_unit_servers", 0, 0, 100000));
  if (f.has("pod_servers") && f.has("pod_xpus")) f.fail("pod_xpus", "give either pod_servers or pod_xpus, not both");
  fab.pod_given_as_xpus = f.has("pod_xpus");
  fab.pod_where = f.location_of(fab.pod_given_as_xpus ? "pod_xpus" : "pod_servers");
  fab.pod_servers = fab.pod_given_as_xpus ? f.integer("pod_xpus", 0, 1, kMaxServers * 1024) : f.integer("pod_servers", 0, 0, kMaxServers);
  MapReader o = f.child("oversubscription");
  fab.oversubscription_leaf_where = o.location_of("leaf");
  fab.oversubscription_spine_where = o.location_of("spine");
  fab.oversubscription_leaf = o.ratio("leaf", 1.0, 1.0 / 64.0, 64.0);
  fab.oversubscription_spine = o.ratio("spine", 1.0, 1.0 / 64.0, 64.0);
  o.finish();
  fab.spines_where = f.location_of("spines");
  const std::string rule = f.choice("spines", "balanced", {"balanced", "fewest", "one-link-per-pair"});
  fab.spines = rule == "balanced" ? UpperTierRule::Balanced : rule == "fewest" ? UpperTierRule::Fewest : UpperTierRule::OneLinkPerPair;
  fab.full_leaf_uplinks = f.choice("leaf_uplinks", "used", {"used", "full"}) == "full";
  for (MapReader& a : f.child_list("appliances")) {
    ApplianceSpec ap;
    ap.where = a.location();
    ap.name = a.required_string("name");
    for (const ApplianceSpec& other : fab.appliances) {
      if (other.name == ap.name) a.fail("name", fmt::format("'{}' names two appliances; give each its own name (devices and cables are named by it)", ap.name));
    }
    ap.ports = static_cast<int>(a.required_integer("ports", 1, 4096));
    ap.per_unit = a.choice("per", "fabric", {"fabric", "unit"}) == "unit";
    a.finish();
    fab.appliances.push_back(std::move(ap));
  }
  fab.load_balancing = *load_balancing_from(f.choice("load_balancing", "ecmp", {"ecmp", "spraying", "reps", "flowlet", "adaptive", "round-robin"}));
  fab.transport = f.choice("transport", "spray", {"spray", "roce"}) == "roce" ? TransportKind::RoceDcqcn : TransportKind::Spray;
  fab.pfc = f.boolean("pfc", false);
  fab.reduction_where = f.location_of("in_network_reduction");
  fab.in_network_reduction = f.boolean("in_network_reduction", false);
  if (fab.architecture == Architecture::SwitchScheduled && fab.topology != Topology::Clos) {
    f.fail("topology", "a switch-scheduled fabric is a single cell-switched Clos; use topology: clos");
  }
  f.finish();
}

void read_front_end(MapReader& f, FrontEndSpec& fe) {
  fe.where = f.location();
  fe.enabled = f.boolean("enabled", true);
  fe.nic = f.string("nic", "");
  fe.ports_per_server = static_cast<int>(f.integer("ports_per_server", 0, 0, 64));
  fe.switch_model = f.string("switch", "th5-64x800g-osfp");
  fe.oversubscription = f.ratio("oversubscription", 3.0, 1.0, 64.0);
  f.finish();
}

void read_layout(MapReader& l, LayoutSpec& lay) {
  lay.where = l.location();
  lay.servers_per_rack = static_cast<int>(l.integer("servers_per_rack", 4, 1, 64));
  lay.racks_per_row = static_cast<int>(l.integer("racks_per_row", 16, 1, 1000));
  lay.rack_width_m = l.number("rack_width_m", 0.6, 0.3, 3.0);
  lay.row_pitch_m = l.number("row_pitch_m", 2.4, 1.0, 20.0);
  lay.vertical_m = l.number("vertical_m", 1.5, 0.0, 10.0);
  lay.slack_m = l.number("slack_m", 1.0, 0.0, 50.0);
  lay.intra_rack_m = l.number("intra_rack_m", 1.0, 0.1, 5.0);
  const std::string p = l.choice("network_racks", "end-of-row", {"end-of-row", "middle-of-row", "central"});
  lay.network_racks = p == "end-of-row" ? NetworkRackPlacement::EndOfRow
                    : p == "middle-of-row" ? NetworkRackPlacement::MiddleOfRow : NetworkRackPlacement::Central;
  lay.switches_per_network_rack = static_cast<int>(l.integer("switches_per_network_rack", 16, 1, 64));
  lay.rack_units = static_cast<int>(l.integer("rack_units", 42, 10, 60));
  l.finish();
}

void read_optics(MapReader& o, OpticsSpec& opt) {
  opt.where = o.location();
  const std::string ff = o.choice("form_factor", "any", {"any", "osfp", "qsfp-dd", "qsfp112", "qsfp28", "qsfp56"});
  if (ff == "osfp") opt.form_factor = FormFactor::Osfp;
  else if (ff == "qsfp-dd") opt.form_factor = FormFactor::QsfpDd;
  else if (ff == "qsfp112") opt.form_factor = FormFactor::Qsfp112;
  else if (ff == "qsfp28") opt.form_factor = FormFactor::Qsfp28;
  else if (ff == "qsfp56") opt.form_factor = FormFactor::Qsfp56;
  opt.prefer = o.choice("prefer", "lowest-power", {"lowest-power", "lowest-cost"}) == "lowest-power"
                   ? OpticsPreference::LowestPower : OpticsPreference::LowestCost;
  opt.lpo = o.boolean("lpo", false);
  opt.breakouts = o.boolean("breakouts", true);
  opt.exclude = o.string_list("exclude");
  o.finish();
}

void read_power(MapReader& p, PowerSpec& pw) {
  pw.where = p.location();
  pw.pue = p.number("pue", 1.3, 1.0, 3.0);
  pw.rack_power_limit_kw = p.number("rack_power_limit_kw", 40, 1, 1000);
  pw.rack_air_cooling_limit_kw = p.number("rack_air_cooling_limit_kw", 30, 1, 1000);
  pw.include_servers = p.boolean("include_servers", true);
  p.finish();
}

void read_spares(MapReader& s, SparesSpec& sp) {
  sp.modules_pct = s.number("modules_pct", 2, 0, 100);
  sp.cables_pct = s.number("cables_pct", 2, 0, 100);
  sp.switches_pct = s.number("switches_pct", 0, 0, 100);
  s.finish();
}

void read_context(MapReader& c, ContextSpec& ctx) {
  ctx.greenfield = c.boolean("greenfield", true);
  ctx.mixed_vendor = c.boolean("mixed_vendor", false);
  ctx.upgrade_from_qsfp28 = c.boolean("upgrade_from_qsfp28", false);
  ctx.power_constrained = c.boolean("power_constrained", false);
  ctx.needs_zr = c.boolean("needs_zr", false);
  ctx.lifetime_years = static_cast<int>(c.integer("lifetime_years", 5, 1, 30));
  c.finish();
}

// A name template with its placeholders: formatted once with every allowed one, so a typo is a located error here.
void read_name(MapReader& m, const std::string& key, NameTemplate& t, const std::vector<const char*>& placeholders) {
  if (!m.has(key)) return;
  t.where = m.location_of(key);
  t.text = m.string(key, "");
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const char* p : placeholders) args.push_back(fmt::arg(p, 0));
  std::string problem;
  try {
    if (fmt::vformat(t.text, args).empty()) problem = "it gives an empty name";
  } catch (const fmt::format_error& e) {
    problem = e.what();
  }
  if (!problem.empty()) {
    std::vector<std::string> names;
    for (const char* p : placeholders) names.push_back(fmt::format("{{{}}}", p));
    m.fail(key, fmt::format("'{}' is not a name template ({}); placeholders: {}", t.text, problem, fmt::join(names, ", ")));
  }
}

void read_names(MapReader& m, NamesSpec& n) {
  read_name(m, "server", n.server, {"n", "unit", "j"});
  read_name(m, "leaf", n.leaf, {"plane", "l", "unit", "rail", "k"});
  read_name(m, "spine", n.spine, {"plane", "i", "pod", "rail", "j"});
  read_name(m, "core", n.core, {"plane", "g", "i", "index"});
  read_name(m, "rack", n.rack, {"row", "pos"});
  m.finish();
}

}  // namespace

ClusterSpec parse_cluster_spec(const std::string& text, const std::string& file) {
  const YAML::Node root = parse_yaml(text, file);
  MapReader doc(root, file, "");
  ClusterSpec spec;
  spec.file = file;
  spec.name = doc.string("name", std::filesystem::path(file).stem().string());
  spec.catalog_files = doc.string_list("catalog");
  const auto dir = std::filesystem::path(file).parent_path();
  for (auto& c : spec.catalog_files) {
    if (std::filesystem::path(c).is_relative()) c = (dir / c).string();
  }
  if (!doc.has("cluster")) doc.fail_here("needs a 'cluster' section (servers or xpus, and the server model)");
  MapReader cluster = doc.child("cluster");
  read_cluster(cluster, spec);
  MapReader fabric = doc.child("fabric");
  read_fabric(fabric, spec.fabric);
  if (doc.has("front_end")) {
    MapReader fe = doc.child("front_end");
    read_front_end(fe, spec.front_end);
  } else {
    doc.raw("front_end");
  }
  MapReader layout = doc.child("layout");
  read_layout(layout, spec.layout);
  MapReader optics = doc.child("optics");
  read_optics(optics, spec.optics);
  MapReader power = doc.child("power");
  read_power(power, spec.power);
  MapReader spares = doc.child("spares");
  read_spares(spares, spec.spares);
  MapReader context = doc.child("context");
  read_context(context, spec.context);
  MapReader names = doc.child("names");
  read_names(names, spec.names);
  doc.finish();
  return spec;
}

ClusterSpec load_cluster_spec(const std::string& path) {
  return parse_cluster_spec(read_text_file(path, "cluster spec"), path);
}

}  // namespace aifabric
