// Sweep grids: read, expanded point by point, each point's spec written as YAML and parsed by the spec reader.
#include "sweep/sweep_grid.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "collective/collective.h"
#include "core/yaml_reader.h"
#include "report/perf_table.h"

namespace aifabric {

namespace {

constexpr int64_t kMaxAxisValues = 100000;

std::string label_of(const YAML::Node& v) {
  if (v.IsScalar()) return v.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << v;
  return out.c_str();
}

// A number as YAML writes it: integers without a decimal point.
std::string number_text(double x) {
  if (std::abs(x - std::round(x)) < 1e-9 && std::abs(x) < 9e15) return fmt::format("{}", static_cast<int64_t>(std::llround(x)));
  return fmt::format("{:g}", x);
}

// Sets `field` (a dotted path) of `root` to `value`, making the maps on the way.
// `label` names the axis in errors (axes[k].field).
void set_field(YAML::Node root, const std::string& field, const YAML::Node& value, const SourceLocation& where, const std::string& label) {
  YAML::Node cur;
  cur.reset(root);
  size_t start = 0;
  while (true) {
    const size_t dot = field.find('.', start);
    const std::string key = field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw InputError(where, label, fmt::format("'{}' is not a field path; expected names joined by dots (fabric.switch)", field));
    if (dot == std::string::npos) {
      cur[key] = YAML::Clone(value);
      return;
    }
    YAML::Node next = cur[key];
    if (!next.IsDefined() || next.IsNull()) {
      cur[key] = YAML::Node(YAML::NodeType::Map);
    } else if (!next.IsMap()) {
      throw InputError(where, label, fmt::format("'{}' in the base spec is not a section; '{}' cannot be set below it", key, field));
    }
    YAML::Node child = cur[key];
    cur.reset(child);
    start = dot + 1;
  }
}

std::string emit(const YAML::Node& n) {
  YAML::Emitter out;
  out << n;
  return fmt::format("{}\n", out.c_str());
}

}  // namespace

int64_t SweepGrid::points() const {
  int64_t n = 1;
  for (const SweepAxis& a : axes) {
    const int64_t k = static_cast<int64_t>(a.values.size());
    if (k == 0) return 0;
    if (n > std::numeric_limits<int64_t>::max() / k) return std::numeric_limits<int64_t>::max();
    n *= k;
  }
  return n;
}

SweepGrid parse_sweep_grid(const std::string& text, const std::string& file, const std::function<std::string(const std::string& path)>& read_base) {
  const YAML::Node root = parse_yaml(text, file);
  MapReader doc(root, file, "");
  SweepGrid g;
  g.file = file;
  g.text = text;
  const std::filesystem::path dir = std::filesystem::path(file).parent_path();
  const std::string base = doc.required_string("base");
  g.base_file = std::filesystem::path(base).is_absolute() ? base : (dir / base).string();
  try {
    g.base_text = read_base ? read_base(g.base_file) : read_text_file(g.base_file, "base spec");
    g.base = parse_yaml(g.base_text, g.base_file);
  } catch (const InputError& e) {
    throw InputError(doc.location_of("base"), "base", e.what());
  }
  if (!g.base.IsMap()) doc.fail("base", fmt::format("{} is not a spec (a YAML map)", g.base_file));
  if (!doc.has("axes")) doc.fail_here("needs 'axes': a list of {field, values} or {field, range}");
  std::vector<MapReader> axes = doc.child_list("axes");
  if (axes.empty()) doc.fail("axes", "needs at least one axis");
  for (MapReader& m : axes) {
    SweepAxis a;
    a.field = m.required_string("field");
    for (const SweepAxis& other : g.axes) {
      if (other.field == a.field) m.fail("field", fmt::format("'{}' is swept by an earlier axis already", a.field));
    }
    const bool listed = m.has("values"), ranged = m.has("range");
    if (listed == ranged) m.fail_here("needs either 'values' (a list) or 'range' ({from, to, step} or {from, to, factor})");
    if (listed) {
      const YAML::Node vs = m.raw("values");
      if (!vs.IsSequence() || vs.size() == 0) m.fail("values", "expected a non-empty list of values");
      if (static_cast<int64_t>(vs.size()) > kMaxAxisValues) m.fail("values", fmt::format("{} values; at most {:d} per axis", vs.size(), kMaxAxisValues));
      for (const YAML::Node& v : vs) {
        a.values.push_back(YAML::Clone(v));
        a.labels.push_back(label_of(v));
        a.where.push_back(location_of_node(v, file));
      }
    } else {
      MapReader r = m.child("range");
      const double from = r.required_number("from", -1e15, 1e15), to = r.required_number("to", -1e15, 1e15);
      const double step = r.number("step", 0, -1e15, 1e15), factor = r.number("factor", 0, 0, 1e6);
      if ((step != 0) == (factor != 0)) r.fail_here("needs exactly one of 'step' (added) or 'factor' (multiplied)");
      if (factor != 0 && (factor <= 1 || from <= 0 || to < from)) r.fail("factor", "a factor range needs factor > 1 and 0 < from <= to");
      if (step != 0 && (to - from) / step < 0) r.fail("step", fmt::format("from {} never reaches {} in steps of {}", number_text(from), number_text(to), number_text(step)));
      const double count = factor != 0 ? std::floor(std::log(to / from) / std::log(factor) + 1e-9) + 1 : std::floor((to - from) / step + 1e-9) + 1;
      if (count > kMaxAxisValues) r.fail_here(fmt::format("{:.0f} values; at most {:d} per axis", count, kMaxAxisValues));
      const SourceLocation where = r.location();
      for (int64_t i = 0; i < static_cast<int64_t>(count); ++i) {
        const double x = factor != 0 ? from * std::pow(factor, static_cast<double>(i)) : from + step * static_cast<double>(i);
        const std::string t = number_text(x);
        a.values.push_back(YAML::Node(t));
        a.labels.push_back(t);
        a.where.push_back(where);
      }
      r.finish();
    }
    m.finish();
    g.axes.push_back(std::move(a));
  }
  MapReader w = doc.child("workload");
  g.workload.collective = w.string("collective", g.workload.collective);
  g.workload.size = w.string("size", g.workload.size);
  g.workload.group = w.string("group", g.workload.group);
  g.workload.algo = w.string("algo", g.workload.algo);
  g.workload.backend = w.choice("backend", g.workload.backend, {"analytic", "flow", "packet", "nccl-model"});
  if (!parse_collective(g.workload.collective)) {
    w.fail("collective", fmt::format("'{}' is not a collective; expected all_reduce, reduce_scatter, all_gather, broadcast, reduce, alltoall or sendrecv", g.workload.collective));
  }
  if (!parse_algorithm(g.workload.algo)) w.fail("algo", fmt::format("'{}' is not an algorithm; expected nccl, ring, tree, nvls, ... (as perf --algo)", g.workload.algo));
  if (parse_size(g.workload.size) <= 0) w.fail("size", fmt::format("'{}' is not a size; expected e.g. 64K, 16M, 1G", g.workload.size));
  const std::string job = w.string("job", "");
  if (!job.empty()) g.workload.job = std::filesystem::path(job).is_absolute() ? job : (dir / job).string();
  g.workload.traffic = w.string("traffic", "");
  g.workload.traffic_bytes = w.string("traffic_bytes", g.workload.traffic_bytes);
  if (!g.workload.traffic.empty()) {
    const std::string& t = g.workload.traffic;
    const std::string kind = t.substr(0, t.find(':'));
    const bool counted = kind == "incast" || kind == "alltoall" || kind == "hotspot";
    if (kind == "file") {
      const std::string path = t.substr(5);
      if (path.empty()) w.fail("traffic", "file: needs a path (CSV: src,dst,bytes,start_ns)");
      g.workload.traffic = "file:" + (std::filesystem::path(path).is_absolute() ? path : (dir / path).string());
      if (!std::filesystem::is_regular_file(g.workload.traffic.substr(5))) w.fail("traffic", fmt::format("'{}': no such flow file", g.workload.traffic.substr(5)));
    } else if (!counted && kind != "permutation" && kind != "uniform") {
      w.fail("traffic", fmt::format("'{}' is not a traffic pattern; expected permutation, incast:N, alltoall[:N], hotspot[:N], uniform or file:PATH", t));
    } else if (t.size() > kind.size()) {
      const std::string n = t.substr(kind.size() + 1);
      if (!counted || n.empty() || n.size() > 9 || n.find_first_not_of("0123456789") != std::string::npos || std::stoll(n) < 1) {
        w.fail("traffic", fmt::format("'{}': the count after '{}:' must be a whole number from 1", t, kind));
      }
    } else if (kind == "incast") {
      w.fail("traffic", "'incast' needs its sender count: incast:N");
    }
  }
  if (parse_size(g.workload.traffic_bytes) <= 0) w.fail("traffic_bytes", fmt::format("'{}' is not a size; expected e.g. 64K, 4M", g.workload.traffic_bytes));
  w.finish();
  doc.finish();
  return g;
}

SweepGrid load_sweep_grid(const std::string& path) { return parse_sweep_grid(read_text_file(path, "sweep grid"), path); }

SweepPoint sweep_point(const SweepGrid& grid, int64_t index) {
  SweepPoint p;
  p.index = index;
  p.choice.assign(grid.axes.size(), 0);
  int64_t rest = index;
  for (size_t k = grid.axes.size(); k-- > 0;) {
    const int64_t n = static_cast<int64_t>(grid.axes[k].values.size());
    p.choice[k] = static_cast<size_t>(rest % n);
    rest /= n;
  }
  YAML::Node spec = YAML::Clone(grid.base);
  for (size_t k = 0; k < grid.axes.size(); ++k) {
    const SweepAxis& a = grid.axes[k];
    p.labels.push_back(a.labels[p.choice[k]]);
    set_field(spec, a.field, a.values[p.choice[k]], a.where[p.choice[k]], fmt::format("axes[{}].field", k));
  }
  p.spec_text = emit(spec);
  return p;
}

ClusterSpec spec_with_value(const SweepGrid& grid, size_t axis, size_t value) {
  const SweepAxis& a = grid.axes[axis];
  YAML::Node spec = YAML::Clone(grid.base);
  set_field(spec, a.field, a.values[value], a.where[value], fmt::format("axes[{}].field", axis));
  try {
    return parse_cluster_spec(emit(spec), grid.base_file);
  } catch (const InputError& e) {
    throw InputError(a.where[value], fmt::format("axes[{}].values[{}]", axis, value),
                     fmt::format("{} = {} is refused by the spec: {}", a.field, a.labels[value], e.message()));
  }
}

ClusterSpec point_spec(const SweepGrid& grid, const SweepPoint& p) { return parse_cluster_spec(p.spec_text, grid.base_file); }

}  // namespace aifabric
