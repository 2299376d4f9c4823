// A design sweep of the bundled grid (examples/sweep-1k-4k.yaml: 336 points over 1,024-4,096 H100, each planned and
// timed on a 1 GiB all-reduce, flow backend) on 1 and 2 threads: wall time per sweep and per point.
//
// Measured on the 2-core development machine (2026-12-01, one run each): 45.1 s on one thread and 22.7 s on two (7.5
// and 14.8 points per second), peak RSS 38 MiB; whole-process runs of `aifabric sweep` on the same grid took 49.6 s
// and 25.2 s, the rows identical.
#include <benchmark/benchmark.h>

#include "bench_support.h"
#include "sweep/sweep_grid.h"
#include "sweep/sweep_run.h"

namespace aifabric {
namespace {

void BM_Sweep(benchmark::State& state) {
  const SweepGrid grid = load_sweep_grid(std::string(AIFABRIC_SOURCE_DIR) + "/examples/sweep-1k-4k.yaml");
  SweepOptions o;
  o.threads = static_cast<int>(state.range(0));
  size_t points = 0;
  for (auto _ : state) {
    const std::vector<SweepRow> rows = run_sweep(grid, bench::catalog(), o);
    points = rows.size();
    benchmark::DoNotOptimize(rows.data());
  }
  state.counters["points"] = static_cast<double>(points);
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(points), benchmark::Counter::kIsRate);
  state.counters["peak_MiB"] = bench::peak_rss_mib();
}
BENCHMARK(BM_Sweep)->ArgName("threads")->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace aifabric

BENCHMARK_MAIN();
