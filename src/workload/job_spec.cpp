// Job spec parsing: YAML to JobSpec with ranges and located errors.
#include "workload/job_spec.h"

#include <filesystem>

#include <fmt/format.h>

#include "core/yaml_reader.h"

namespace aifabric {

JobSpec parse_job_spec(const std::string& text, const std::string& file) {
  const YAML::Node root = parse_yaml(text, file);
  MapReader doc(root, file, "");
  JobSpec j;
  j.file = file;
  j.where = doc.location();
  j.name = doc.string("name", std::filesystem::path(file).stem().string());
  if (!doc.has("model")) doc.fail_here("needs a 'model' section (parameters, layers, hidden)");
  MapReader m = doc.child("model");
  j.parameters = m.required_number("parameters", 1e6, 1e15);
  j.layers = static_cast<int>(m.required_integer("layers", 1, 100000));
  j.hidden = static_cast<int>(m.required_integer("hidden", 64, 1'000'000));
  j.sequence = static_cast<int>(m.integer("sequence", 4096, 1, 10'000'000));
  j.moe_layers = static_cast<int>(m.integer("moe_layers", 0, 0, 100000));
  j.top_k = static_cast<int>(m.integer("top_k", 2, 1, 64));
  if (j.moe_layers > j.layers) m.fail("moe_layers", fmt::format("{} MoE layers exceed the model's {} layers", j.moe_layers, j.layers));
  m.finish();
  MapReader b = doc.child("batch");
  if (!doc.has("batch")) doc.fail_here("needs a 'batch' section (global, micro)");
  j.global_batch = b.required_integer("global", 1, int64_t{1} << 40);
  j.micro_batch = static_cast<int>(b.integer("micro", 1, 1, 1 << 20));
  b.finish();
  MapReader p = doc.child("parallelism");
  j.degrees_where = p.location();
  j.tp = static_cast<int>(p.integer("tp", 1, 1, 1 << 20));
  j.tp_where = p.location_of("tp");
  j.pp = static_cast<int>(p.integer("pp", 1, 1, 1 << 20));
  j.dp = static_cast<int>(p.integer("dp", 1, 1, 1 << 24));
  j.ep = static_cast<int>(p.integer("ep", 1, 1, 1 << 20));
  j.tp_beyond_scale_up = p.boolean("tp_beyond_scale_up", false);
  p.finish();
  MapReader x = doc.child("xpu");
  j.tflops = x.number("tflops", 0, 0, 1e7);
  j.mfu = x.number("mfu", 0.5, 0.01, 1.0);
  x.finish();
  MapReader c = doc.child("communication");
  j.grad_bytes = static_cast<int>(c.integer("grad_bytes", 2, 1, 8));
  j.dp_overlap = c.number("dp_overlap", 0.0, 0.0, 1.0);
  j.tp_overlap = c.number("tp_overlap", 0.0, 0.0, 1.0);
  j.dp_algorithm = c.choice("dp_algorithm", "ring", {"ring", "tree", "halving-doubling", "hierarchical", "direct"});
  c.finish();
  doc.finish();
  // Batch arithmetic.
  const int64_t per_replica = static_cast<int64_t>(j.dp) * j.micro_batch;
  if (j.global_batch % per_replica != 0) {
    throw InputError(b.location(), "batch.global",
                     fmt::format("{} sequences do not split into {} data-parallel replicas x micro-batches of {}; use a multiple of {}",
                                 j.global_batch, j.dp, j.micro_batch, per_replica));
  }
  if (j.dp % j.ep != 0) throw InputError(p.location_of("ep"), "parallelism.ep", fmt::format("ep {} must divide dp {}", j.ep, j.dp));
  if (j.layers % j.pp != 0) throw InputError(p.location_of("pp"), "parallelism.pp", fmt::format("pp {} must divide the {} layers", j.pp, j.layers));
  return j;
}

JobSpec load_job_spec(const std::string& path) { return parse_job_spec(read_text_file(path, "job spec"), path); }

}  // namespace aifabric
