// Planning speed and memory from 1K to 128K XPUs: the whole pipeline (build, place, media, BOM, analysis, checks).
#include <benchmark/benchmark.h>

#include <string>

#include <fmt/format.h>

#include "bench_support.h"
#include "catalog/catalog.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace {

using namespace aifabric;
using bench::catalog;
using bench::peak_rss_mib;



// Multi-plane rail-optimised fabric of 800G NICs on 51.2 Tb/s switches: 8 planes of 100G (radix 512).
void BM_PlanMultiPlane(benchmark::State& state) {
  const int64_t xpus = state.range(0);
  const ClusterSpec spec = parse_cluster_spec(
      fmt::format("cluster: {{server: hgx-b300-800g, xpus: {}}}\n"
                  "fabric: {{topology: rail-optimized, planes: 8, switch: th5-64x800g-osfp}}\n"
                  "layout: {{servers_per_rack: 4, racks_per_row: 32, row_pitch_m: 3}}\n"
                  "power: {{rack_power_limit_kw: 60}}\n", xpus),
      "bench.yaml");
  int64_t links = 0;
  for (auto _ : state) {
    Plan p = make_plan(spec, catalog());
    links = static_cast<int64_t>(p.fabric.links.size());
    benchmark::DoNotOptimize(p);
  }
  state.counters["xpus"] = static_cast<double>(xpus);
  state.counters["links"] = static_cast<double>(links);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}
BENCHMARK(BM_PlanMultiPlane)->Arg(1024)->Arg(8192)->Arg(32768)->Arg(131072)->Unit(benchmark::kMillisecond);

// Single-plane 3-tier Clos of 400G ports (the 65,536-endpoint fat tree of a 64-port switch).
void BM_PlanThreeTier(benchmark::State& state) {
  const ClusterSpec spec = parse_cluster_spec(
      fmt::format("cluster: {{server: dgx-h100, xpus: {}}}\nfabric: {{switch: quantum2-qm9700}}\n"
                  "layout: {{servers_per_rack: 4, racks_per_row: 32}}\npower: {{rack_power_limit_kw: 60}}\n", state.range(0)),
      "bench.yaml");
  for (auto _ : state) {
    Plan p = make_plan(spec, catalog());
    benchmark::DoNotOptimize(p);
  }
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}
BENCHMARK(BM_PlanThreeTier)->Arg(4096)->Arg(65536)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
