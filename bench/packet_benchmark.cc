// The packet engine on the reference scenario: N hosts on a non-blocking 2-tier leaf-spine (one link per
// leaf-spine pair), 400G everywhere, 1 us per link, zero switch latency, about one BDP of queue per port,
// a random permutation of 4 MiB flows starting at t=0, 4 KiB MTU; ECMP and per-packet spraying.
// Reports wall time, events and packets per second, peak packets in flight and memory per packet in flight.
//
// Measured on the 2-core development machine (2026-11-21, `./build/bench/aifabric_packet_bench`; wall times vary
// by about 15% run to run there):
//   hosts   ECMP: wall  events  in flight  B/packet | spraying: wall  events  in flight  B/packet
//     128       0.14 s   1.39 M     11.9 K       154 |          0.14 s   1.66 M     11.3 K         -
//   1,024       1.53 s  12.2 M     110 K        180 |          2.49 s  16.0 M     107 K         72
//   8,192       30.5 s  98.9 M     897 K        172 |          43.3 s 130.8 M     904 K        215
// The public reference simulator needs about 1 s, 23 s and 334 s for the same three sizes on this machine.
#include <benchmark/benchmark.h>

#include <fstream>

#include <unistd.h>

#include <fmt/format.h>

#include "bench_support.h"
#include "catalog/catalog.h"
#include "net/packet_sim.h"
#include "net/traffic.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

namespace {

using namespace aifabric;
using bench::catalog;
using bench::peak_rss_mib;

double rss_mib() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}


Plan reference_fabric(int64_t hosts) {
  // 8 NICs per server; up to 2,048 hosts on 64-port 400G switches, beyond on 128-port (51.2T at 400G).
  const std::string sw = hosts <= 2048 ? "quantum2-qm9700" : "th5-64x800g-osfp";
  return make_plan(parse_cluster_spec(fmt::format("cluster: {{server: dgx-h100, servers: {}}}\n"
                                                  "fabric: {{topology: clos, switch: {}, tiers: 2, spread: one-link-per-pair}}\n"
                                                  "layout: {{servers_per_rack: 4, racks_per_row: 16}}\npower: {{rack_power_limit_kw: 45}}\n",
                                                  hosts / 8, sw),
                                      "bench.yaml"),
                   catalog());
}

void BM_PacketPermutation(benchmark::State& state) {
  const int64_t hosts = state.range(0);
  const LoadBalancing lb = state.range(1) == 0 ? LoadBalancing::Ecmp : LoadBalancing::Spraying;
  const Plan plan = reference_fabric(hosts);
  PacketSimResult r;
  double before = 0, after = 0;
  for (auto _ : state) {
    PacketSimConfig c;
    c.lb = lb;
    c.link_delay_ps = 1'000'000;
    c.switch_latency_ps = 0;
    before = rss_mib();
    PacketSim sim(plan, c);
    for (const auto& f : make_traffic("permutation", hosts, 4 << 20, 1)) sim.add_flow(f);
    r = sim.run();
    after = rss_mib();
    benchmark::DoNotOptimize(r);
  }
  const double wall = state.iterations() > 0 ? 1.0 : 0.0;  // Benchmark reports time; counters are per run
  (void)wall;
  state.counters["events"] = static_cast<double>(r.events);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(r.events), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["packets_per_s"] = benchmark::Counter(static_cast<double>(r.data_packets + r.ack_packets), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_in_flight"] = static_cast<double>(r.peak_packets_in_flight);
  state.counters["bytes_per_in_flight_pkt"] = (after - before) * (1 << 20) / std::max<double>(1.0, static_cast<double>(r.peak_packets_in_flight));
  state.counters["rss_MiB"] = after;
  state.counters["drops"] = static_cast<double>(r.drops);
  state.counters["all_done"] = r.all_done ? 1 : 0;
}
BENCHMARK(BM_PacketPermutation)
    ->ArgsProduct({{128, 1024, 8192}, {0, 1}})
    ->ArgNames({"hosts", "spray"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
