// The packet engine on the reference scenario: N hosts on a non-blocking 2-tier leaf-spine (one link per
// leaf-spine pair), 400G everywhere, 1 us per link, zero switch latency, about one BDP of queue per port,
// a random permutation of 4 MiB flows starting at t=0, 4 KiB MTU; ECMP and per-packet spraying.
// Reports wall time, events and packets per second, peak packets in flight and memory per packet in flight.
//
// Measured on the 2-core development machine (2026-11-21, `./build/bench/aifabric_packet_bench`, the faster of two
// runs; wall times vary by 15-40% run to run there, the hypervisor taking up to a third of the CPU):
//   hosts   ECMP: wall  events  events/s  packets/s  in flight  B/packet | spraying: wall  events  events/s  packets/s  in flight
//     128       0.16 s   1.39 M   8.7 M/s   1.68 M/s     11.9 K       105 |          0.15 s   1.66 M  11.1 M/s   1.75 M/s     11.3 K
//   1,024       1.50 s  12.2 M    8.2 M/s   1.46 M/s    110 K        101 |          1.17 s  16.0 M   13.6 M/s   1.79 M/s    107 K
//   8,192       14.4 s  98.9 M    7.0 M/s   1.22 M/s    897 K        102 |          13.9 s 130.8 M    9.4 M/s   1.21 M/s    904 K
// Peak RSS with one 8,192-host case run alone (--benchmark_filter=hosts:8192/spray:0, :1): 97 MiB and 102 MiB.
// Events per second hold from 128 to 8,192 hosts, so wall time grows with the packet count (x8 per step):
// x9.1 and x9.6 for ECMP, x7.8 and x11.9 for spraying (x88 and x93 over the x64). Before the calendar queue and
// the one-line packet and port layout it grew x11 and x20 (30.5 s and 43.3 s at 8,192 hosts, 3.1-3.3 M events/s).
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
                                                  "fabric: {{topology: clos, switch: {}, tiers: 2, spines: one-link-per-pair}}\n"
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
  state.counters["events"] = static_cast<double>(r.events);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(r.events), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["packets_per_s"] = benchmark::Counter(static_cast<double>(r.data_packets + r.ack_packets), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_in_flight"] = static_cast<double>(r.peak_packets_in_flight);
  state.counters["bytes_per_in_flight_pkt"] = (after - before) * (1 << 20) / std::max<double>(1.0, static_cast<double>(r.peak_packets_in_flight));
  state.counters["rss_MiB"] = after;
  state.counters["peak_rss_MiB"] = peak_rss_mib();  // the process so far: the largest run's peak
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
