// The event kernel: the radix and calendar queues pop in exactly the heap's (time, key) order, timers cancel by handle.
#include <gtest/gtest.h>

#include "sim/calendar_event_queue.h"
#include "sim/event_queue.h"
#include "sim/radix_event_queue.h"
#include "sim/simulator.h"

namespace aifabric {

// A DES-shaped workload: every popped event schedules 0-3 more at or after its time, some at the same time.
TEST(EventQueue, RadixMatchesHeapOrderExactly) {
  HeapEventQueue<2> heap;
  RadixEventQueue radix;
  Rng rng(42);
  uint64_t seq = 0;
  for (int i = 0; i < 100; ++i) {
    const Event e{static_cast<int64_t>(rng.below(1000)), Event::make_key(seq++, 1, static_cast<uint32_t>(i))};
    heap.push(e);
    radix.push(e);
  }
  int64_t popped = 0, last = 0;
  while (!heap.empty()) {
    ASSERT_FALSE(radix.empty());
    const Event* ready = radix.peek_ready();
    const Event a = heap.pop(), b = radix.pop();
    if (ready) {
      EXPECT_EQ(ready->key, b.key);
    }
    ASSERT_EQ(a.time, b.time) << "event " << popped;
    ASSERT_EQ(a.key, b.key) << "event " << popped;
    EXPECT_GE(a.time, last);
    last = a.time;
    ++popped;
    const uint32_t n = rng.below(4);
    for (uint32_t k = 0; k < n && popped < 150'000; ++k) {
      const int64_t delay = rng.below(3) == 0 ? 0 : rng.below(5000);
      const Event e{a.time + delay, Event::make_key(seq++, rng.below(4), rng.below(1000))};
      heap.push(e);
      radix.push(e);
    }
  }
  EXPECT_TRUE(radix.empty());
  EXPECT_GT(popped, 1000);
}

// The calendar against the heap, with a small wheel so events go far, come back and leave the window empty:
// delays from zero (into the slot being served) to many windows ahead.
TEST(EventQueue, CalendarMatchesHeapOrderExactly) {
  for (const auto& [slot_bits, wheel_bits] : {std::pair{4, 6}, std::pair{10, 12}, std::pair{0, 3}}) {
    HeapEventQueue<2> heap;
    CalendarEventQueue calendar(slot_bits, wheel_bits);
    Rng rng(7);
    uint64_t seq = 0;
    auto push = [&](const Event& e) {
      heap.push(e);
      calendar.push(e);
    };
    for (int i = 0; i < 200; ++i) push({static_cast<int64_t>(rng.below(100'000)), Event::make_key(seq++, 1, static_cast<uint32_t>(i))});
    int64_t popped = 0, last = 0;
    while (!heap.empty()) {
      ASSERT_FALSE(calendar.empty());
      const Event* ready = calendar.peek(0);
      const Event a = heap.pop(), b = calendar.pop();
      if (ready) {
      EXPECT_EQ(ready->key, b.key);
    }
      ASSERT_EQ(a.time, b.time) << "event " << popped << " slot bits " << slot_bits;
      ASSERT_EQ(a.key, b.key) << "event " << popped << " slot bits " << slot_bits;
      EXPECT_GE(a.time, last);
      last = a.time;
      ++popped;
      const uint32_t n = rng.below(4);
      for (uint32_t k = 0; k < n && popped < 100'000; ++k) {
        const uint32_t r = rng.below(8);
        const int64_t delay = r == 0 ? 0 : r == 1 ? rng.below(16) : r == 2 ? 10'000 + rng.below(1'000'000) : rng.below(5000);
        push({a.time + delay, Event::make_key(seq++, rng.below(4), rng.below(1000))});
      }
    }
    EXPECT_TRUE(calendar.empty());
    EXPECT_GT(popped, 1000);
  }
}

TEST(Simulator, TimersCancelByHandle) {
  Simulator sim;
  const TimerHandle a = sim.schedule_timer(ns(10), 1, 100);
  const TimerHandle b = sim.schedule_timer(ns(20), 1, 200);
  sim.schedule(ns(15), 2, 7);
  sim.cancel(a);
  Due d;
  ASSERT_TRUE(sim.next(d));
  EXPECT_EQ(d.kind, 2u);
  EXPECT_EQ(sim.now(), ns(15));
  ASSERT_TRUE(sim.next(d));
  EXPECT_EQ(d.kind, 1u);
  EXPECT_EQ(d.target, 200u);
  sim.cancel(b);  // already fired: no effect on a later timer reusing the slot
  const TimerHandle c = sim.schedule_timer(ns(30), 3, 300);
  EXPECT_TRUE(c.valid());
  ASSERT_TRUE(sim.next(d));
  EXPECT_EQ(d.target, 300u);
  EXPECT_FALSE(sim.next(d));
  EXPECT_EQ(sim.events_processed(), 3);
}

TEST(Simulator, EqualTimesKeepInsertionOrder) {
  Simulator sim;
  for (uint32_t i = 0; i < 50; ++i) sim.schedule(ns(5), 1, i);
  Due d;
  for (uint32_t i = 0; i < 50; ++i) {
    ASSERT_TRUE(sim.next(d));
    EXPECT_EQ(d.target, i);
  }
}

}  // namespace aifabric
