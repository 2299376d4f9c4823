// The aifabric Python module (pybind11) on the library API (include/aifabric/aifabric.h): plan a spec (a YAML path
// or a dict), run a collective's size sweep, a training step, packet-level traffic, a comparison of designs, a
// trace replay or a sweep grid; results as dicts and lists with the keys of the commands' JSON schemas; bad input raises
// aifabric.InputError with file, line, column, field, message.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "aifabric/aifabric.h"
#include "core/yaml_reader.h"

namespace py = pybind11;
using namespace aifabric;

namespace {

py::object from_json(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

// A path given as str or os.PathLike.
std::string path_of(const py::handle& value) { return py::module_::import("os").attr("fspath")(value).cast<std::string>(); }

// A spec or job given as a path (str, os.PathLike) or as a dict: its text and the name errors give it. A dict is
// written as JSON, which YAML reads as it is.
std::pair<std::string, std::string> source_of(const py::handle& value, const char* what) {
  if (py::isinstance<py::dict>(value)) {
    return {py::module_::import("json").attr("dumps")(value, py::arg("indent") = 1).cast<std::string>(), fmt::format("<{} dict>", what)};
  }
  const std::string path = path_of(value);
  return {read_text_file(path, what), path};
}

ClusterSpec spec_of(const py::handle& value) {
  const auto [text, name] = source_of(value, "cluster spec");
  return parse_cluster_spec(text, name);
}

Session session_of(const std::vector<std::string>& catalogs, uint64_t seed) {
  Session s;
  s.catalogs = catalogs;
  s.seed = seed;
  return s;
}

}  // namespace

PYBIND11_MODULE(aifabric, m) {
  m.doc() = "aifabric: plan AI-cluster back-end networks and simulate collectives and training steps on them";
  // aifabric.InputError(ValueError): the located error every bad input gives, with its parts as attributes.
  static py::handle input_error = PyErr_NewExceptionWithDoc("aifabric.InputError", "Bad input: file, line, column, field and message as attributes.",
                                                             PyExc_ValueError, nullptr);
  m.add_object("InputError", input_error);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::object err = py::reinterpret_borrow<py::object>(input_error)(std::string(e.what()));
      err.attr("file") = e.where().file;
      err.attr("line") = e.where().line;
      err.attr("column") = e.where().column;
      err.attr("field") = e.field();
      err.attr("message") = e.message();
      PyErr_SetObject(input_error.ptr(), err.ptr());
    }
  });

  m.def(
      "plan",
      [](const py::object& spec, const std::vector<std::string>& catalogs, uint64_t seed) {
        const ClusterSpec s = spec_of(spec);
        return from_json(render_plan_json(plan_spec(session_of(catalogs, seed), s)));
      },
      py::arg("spec"), py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1,
      "Plans a cluster spec (a YAML path or a dict); returns the plan as `aifabric plan --json` gives it (schema aifabric.plan/1).");

  m.def(
      "cables",
      [](const py::object& spec, const std::vector<std::string>& catalogs, uint64_t seed) {
        const ClusterSpec s = spec_of(spec);
        py::dict files;
        for (const auto& [name, text] : render_cable_files(plan_spec(session_of(catalogs, seed), s))) files[py::str(name)] = text;
        return files;
      },
      py::arg("spec"), py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1,
      "The cabling files of a spec's plan, as `aifabric cables` writes them: {'cables.csv': text, 'bom.csv': ..., 'netbox/devices.csv': ...}.");

  m.def(
      "perf",
      [](const std::string& collective, const py::object& spec, const std::string& min_size, const std::string& max_size, double factor,
         const std::string& backend, const std::string& group, const std::string& algo, const std::vector<std::string>& fail,
         const std::vector<std::string>& catalogs, uint64_t seed) {
        PerfRequest r;
        r.collective = collective;
        r.min_size = min_size;
        r.max_size = max_size;
        r.factor = factor;
        r.backend = backend;
        r.group = group;
        r.algo = algo;
        r.fail = fail;
        const auto [text, name] = source_of(spec, "cluster spec");
        return from_json(render_perf_json(run_perf(session_of(catalogs, seed), parse_cluster_spec(text, name), name, r)));
      },
      py::arg("collective"), py::arg("spec"), py::arg("min_size") = "8", py::arg("max_size") = "128M", py::arg("factor") = 2.0,
      py::arg("backend") = "flow", py::arg("group") = "all", py::arg("algo") = "nccl", py::arg("fail") = std::vector<std::string>{},
      py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1,
      "Times a collective over sizes on a spec's fabric, as `aifabric perf --json` (schema aifabric.perf/1).");

  m.def(
      "job",
      [](const py::object& job, const py::object& spec, const std::string& backend, const std::vector<std::string>& catalogs, uint64_t seed) {
        const auto [job_text, job_name] = source_of(job, "job spec");
        const JobSpec j = parse_job_spec(job_text, job_name);
        const ClusterSpec s = spec_of(spec);
        const Session session = session_of(catalogs, seed);
        const Plan plan = plan_spec(session, s);
        return from_json(render_step_json({run_job(session, j, plan, s, backend)}));
      },
      py::arg("job"), py::arg("spec"), py::arg("backend") = "flow", py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1,
      "Times one training step of a job (a YAML path or a dict) on a spec's fabric, as `aifabric job --json` (schema aifabric.step/1).");

  m.def(
      "packet",
      [](const py::object& spec, const std::string& traffic, const std::string& bytes, const std::string& lb, const std::string& transport,
         const std::vector<std::string>& fail, bool pfc, bool lossless, bool ecn, const std::vector<std::string>& catalogs, uint64_t seed, int64_t max_events) {
        PacketRequest r;
        r.traffic = traffic;
        r.bytes = bytes;
        r.lb = lb;
        r.transport = transport;
        r.fail = fail;
        r.pfc = pfc;
        r.lossless = lossless;
        r.ecn = ecn;
        Session session = session_of(catalogs, seed);
        session.max_events = max_events;
        const ClusterSpec s = spec_of(spec);
        PacketRun run;
        {
          py::gil_scoped_release unlocked;
          run = run_packet(session, s, r);
        }
        return from_json(render_packet_json(run.result, run.title, run.baseline ? &*run.baseline : nullptr));
      },
      py::arg("spec"), py::arg("traffic") = "permutation", py::arg("bytes") = "4M", py::arg("lb") = "", py::arg("transport") = "",
      py::arg("fail") = std::vector<std::string>{}, py::arg("pfc") = false, py::arg("lossless") = false, py::arg("ecn") = true,
      py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1, py::arg("max_events") = Session{}.max_events,
      "Runs traffic packet by packet on a spec's fabric (with failures, and the same run without them to cost them), as "
      "`aifabric packet --json` (schema aifabric.packet/1).");

  m.def(
      "compare",
      [](const py::list& specs, const std::string& collective, const std::string& size, const std::string& group,
         const std::string& algo, const std::string& backend, const std::string& job, const std::vector<std::string>& fail, const std::string& traffic,
         const std::string& bytes, const std::vector<std::string>& catalogs, uint64_t seed) {
        CompareRequest r;
        for (const py::handle& spec : specs) r.specs.push_back(path_of(spec));
        r.collective = collective;
        r.size = size;
        r.group = group;
        r.algo = algo;
        r.backend = backend;
        r.job = job;
        r.fail = fail;
        r.traffic = traffic;
        r.bytes = bytes;
        std::optional<Comparison> cmp;
        {
          py::gil_scoped_release unlocked;
          cmp = run_compare(session_of(catalogs, seed), r);
        }
        return from_json(render_comparison_json(*cmp));
      },
      py::arg("specs"), py::arg("collective") = "all_reduce", py::arg("size") = "1G", py::arg("group") = "all", py::arg("algo") = "nccl",
      py::arg("backend") = "flow", py::arg("job") = "", py::arg("fail") = std::vector<std::string>{}, py::arg("traffic") = "", py::arg("bytes") = "1M",
      py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1,
      "Runs one workload on several designs (spec paths) side by side, as `aifabric compare --json` (schema aifabric.compare/1).");

  m.def(
      "trace",
      [](const py::object& prefix, const py::object& spec, const std::string& backend, const std::string& comm_groups, int64_t world,
         const std::vector<std::string>& catalogs, uint64_t seed) {
        TraceRequest r;
        r.prefix = path_of(prefix);
        r.backend = backend;
        r.comm_groups = comm_groups;
        r.world = world;
        const TraceSet traces = load_traces(r);
        const TraceRun run = run_trace(session_of(catalogs, seed), spec_of(spec), r, traces);
        return from_json(render_trace_json(run.result, run.title));
      },
      py::arg("prefix"), py::arg("spec"), py::arg("backend") = "flow", py::arg("comm_groups") = "", py::arg("world") = 0,
      py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1,
      "Replays Chakra traces (PREFIX.0.et, PREFIX.1.et, ...) or a SimAI workload file on a spec's fabric, as `aifabric trace --json` "
      "(schema aifabric.trace/1).");

  m.def(
      "sweep",
      [](const py::object& grid, int threads, const std::vector<std::string>& catalogs, uint64_t seed) {
        const SweepGrid g = load_sweep_grid(path_of(grid));
        const ClusterSpec base = parse_cluster_spec(g.base_text, g.base_file);
        const Session session = session_of(catalogs, seed);
        SweepOptions o;
        o.threads = threads;
        o.seed = seed;
        o.plan = plan_options(session);
        std::vector<SweepRow> rows;
        {
          py::gil_scoped_release unlocked;  // the points run on their own threads
          rows = run_sweep(g, session_catalog(session, &base), o);
        }
        return from_json(render_sweep_json(g, rows));
      },
      py::arg("grid"), py::arg("threads") = 1, py::arg("catalogs") = std::vector<std::string>{}, py::arg("seed") = 1,
      "Runs every point of a sweep grid (a YAML path), as `aifabric sweep --format json` (schema aifabric.sweep/1).");
}
