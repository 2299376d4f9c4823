// Which event queue: binary, 4-ary and 8-ary heaps, a radix heap and a calendar (timing wheel), on the hold
// model of a packet simulation (pop the earliest event, push one 0-2 us later) at the pending-event counts the
// engine sees. The hold model keeps everything in cache; in the engine itself (bench/packet_benchmark.cc, and
// cachegrind with a 1 MiB last level on the 1,024-host scenario) the calendar took 53.5 M last-level misses
// where the radix heap took 67.6 M, and half the memory at 8,192 hosts (83 against 165 MiB), since each event
// is written once into a chunk still in cache and read once in order.
#include <benchmark/benchmark.h>

#include "sim/calendar_event_queue.h"
#include "sim/event_queue.h"
#include "sim/radix_event_queue.h"
#include "sim/simulator.h"

namespace {

using namespace aifabric;

template <class Q>
void hold(benchmark::State& state) {
  const int64_t pending = state.range(0);
  Q q;
  Rng rng(1);
  uint64_t seq = 0;
  for (int64_t i = 0; i < pending; ++i) q.push({static_cast<int64_t>(rng.below(2'000'000)), Event::make_key(seq++, 1, static_cast<uint32_t>(i))});
  for (auto _ : state) {
    const Event e = q.pop();
    // Mostly a packet's next hop (serialisation + 1 us), sometimes a short serialisation-only step.
    const int64_t delay = (rng.next() & 3) ? 1'000'000 + rng.below(20'000) : rng.below(20'000);
    q.push({e.time + delay, Event::make_key(seq++, 1, e.target())});
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(hold, HeapEventQueue<2>)->Arg(1 << 10)->Arg(1 << 14)->Arg(1 << 18);
BENCHMARK_TEMPLATE(hold, HeapEventQueue<4>)->Arg(1 << 10)->Arg(1 << 14)->Arg(1 << 18);
BENCHMARK_TEMPLATE(hold, HeapEventQueue<8>)->Arg(1 << 10)->Arg(1 << 14)->Arg(1 << 18);
BENCHMARK_TEMPLATE(hold, RadixEventQueue)->Arg(1 << 10)->Arg(1 << 14)->Arg(1 << 18)->Arg(1 << 20);
BENCHMARK_TEMPLATE(hold, CalendarEventQueue)->Arg(1 << 10)->Arg(1 << 14)->Arg(1 << 18)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
