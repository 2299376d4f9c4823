// Collective simulation speed and memory: 1,024-rank ring all-reduce, and hierarchical all-reduce from 1K to 128K XPUs
// on an 8-plane fabric (flow and analytic backends). Planning time is excluded (it has its own benchmark).
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "backend/collective_backend.h"
#include "bench_support.h"
#include "catalog/catalog.h"
#include "collective/schedule.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace {

using namespace aifabric;
using bench::catalog;
using bench::peak_rss_mib;



Plan multiplane(int64_t xpus) {
  return make_plan(parse_cluster_spec(fmt::format("cluster: {{server: hgx-b300-800g, xpus: {}}}\n"
                                                  "fabric: {{topology: rail-optimized, planes: 8, switch: th5-64x800g-osfp, load_balancing: spraying}}\n"
                                                  "layout: {{servers_per_rack: 4, racks_per_row: 32, row_pitch_m: 3}}\n"
                                                  "power: {{rack_power_limit_kw: 60}}\n", xpus), "bench.yaml"),
                   catalog());
}

void run_collective(benchmark::State& state, const Plan& plan, const std::string& backend, Algorithm algo, int64_t bytes) {
  const Communicator comm = make_communicator(plan.fabric, "all", "bench");
  BackendOptions o;
  o.mode = PathMode::Spray;
  auto b = make_backend(backend, plan, o);
  double simulated_us = 0;
  for (auto _ : state) {
    const Schedule s = build_schedule(CollectiveKind::AllReduce, algo, comm, bytes, plan.fabric);
    const CollectiveResult r = b->run(s);
    simulated_us = r.time.seconds() * 1e6;
    benchmark::DoNotOptimize(r);
  }
  state.counters["ranks"] = static_cast<double>(comm.size());
  state.counters["simulated_us"] = simulated_us;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

void BM_HierarchicalAllReduceFlow(benchmark::State& state) {
  const Plan plan = multiplane(state.range(0));
  run_collective(state, plan, "flow", Algorithm::Hierarchical, int64_t{1} << 30);
}
BENCHMARK(BM_HierarchicalAllReduceFlow)->Arg(1024)->Arg(8192)->Arg(32768)->Arg(131072)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_HierarchicalAllReduceAnalytic(benchmark::State& state) {
  const Plan plan = multiplane(state.range(0));
  run_collective(state, plan, "analytic", Algorithm::Hierarchical, int64_t{1} << 30);
}
BENCHMARK(BM_HierarchicalAllReduceAnalytic)->Arg(1024)->Arg(131072)->Unit(benchmark::kMillisecond)->Iterations(1);

// The 1,024-rank ring all-reduce of design question 1 (8 channels, 8,192 flows per step).
void BM_RingAllReduce1024Flow(benchmark::State& state) {
  static const Plan plan = make_plan(parse_cluster_spec("cluster: {server: dgx-h100, servers: 128}\n"
                                                        "fabric: {topology: rail-optimized, scalable_unit_servers: 32, switch: quantum2-qm9700}\n"
                                                        "layout: {servers_per_rack: 4, racks_per_row: 8}\npower: {rack_power_limit_kw: 45}\n", "bench.yaml"),
                                     catalog());
  run_collective(state, plan, "flow", Algorithm::Ring, int64_t{1} << 30);
}
BENCHMARK(BM_RingAllReduce1024Flow)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
