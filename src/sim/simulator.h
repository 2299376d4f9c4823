// The discrete-event kernel: integer picosecond time, (time, sequence) order, cancel by handle, no globals.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "core/units.h"
#include "sim/event_queue.h"
#include "sim/calendar_event_queue.h"

namespace aifabric {

// A cancellable event. Its payload lives in a side table slot until the event comes due; cancelling marks
// the slot, and the slot is reused only after its event has been popped (so a stale handle cannot match).
struct TimerHandle {
  uint32_t slot = 0xffffffffu;
  uint32_t generation = 0;
  bool valid() const { return slot != 0xffffffffu; }
};

// What the kernel hands back: the time is now(), so only the kind and target are returned.
struct Due {
  uint32_t kind = 0;
  uint32_t target = 0;
};

class Simulator {
 public:
  static constexpr uint32_t kMaxKind = 14;  // kinds 0..14 are the caller's; 15 marks timers

  Picoseconds now() const { return Picoseconds(now_); }
  int64_t events_processed() const { return processed_; }

  // Times never go back: an event at or after now() (the calendar queue relies on it).
  void schedule(Picoseconds at, uint32_t kind, uint32_t target) { queue_.push({at.count(), Event::make_key(seq_++, kind, target)}); }

  TimerHandle schedule_timer(Picoseconds at, uint32_t kind, uint32_t target) {
    uint32_t slot;
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      slot = static_cast<uint32_t>(timers_.size());
      timers_.push_back({});
    }
    Timer& t = timers_[slot];
    t.kind = kind;
    t.target = target;
    t.cancelled = false;
    ++t.generation;
    queue_.push({at.count(), Event::make_key(seq_++, kTimerKind, slot)});
    return {slot, t.generation};
  }
  void cancel(TimerHandle h) {
    if (h.valid() && timers_[h.slot].generation == h.generation) timers_[h.slot].cancelled = true;
  }

  // Pops the next live event; false when none is left.
  bool next(Due& d) {
    while (!queue_.empty()) {
      const Event e = queue_.pop();
      d.kind = e.kind();
      d.target = e.target();
      if (d.kind == kTimerKind) {
        Timer& t = timers_[d.target];
        free_slots_.push_back(d.target);
        if (t.cancelled) continue;
        t.cancelled = true;  // fired: the handle no longer cancels anything
        d.kind = t.kind;
        d.target = t.target;
      }
      now_ = e.time;  // cancelled timers do not move the clock
      ++processed_;
      return true;
    }
    return false;
  }
  // Sizes the calendar's slots (2^slot_bits ps) and window (2^wheel_bits slots) to the event density; only
  // before anything is scheduled. The order of events does not depend on it, only the speed.
  void size_calendar(int slot_bits, int wheel_bits) {
    if (queue_.empty()) queue_ = CalendarEventQueue(slot_bits, wheel_bits);
  }
  size_t pending() const { return queue_.size(); }
  // Kind and target of the event k events after the one next() returns next, when already known (for
  // prefetching; events beyond the slot being served are not known, and a timer's own kind is not looked up).
  bool peek(Due& d, size_t k = 0) const {
    const Event* e = queue_.peek(k);
    if (!e) return false;
    d = {e->kind(), e->target()};
    return true;
  }

 private:
  static constexpr uint32_t kTimerKind = 15;
  struct Timer {
    uint32_t kind = 0, target = 0, generation = 0;
    bool cancelled = true;
  };
  CalendarEventQueue queue_;  // chosen by measurement: bench/event_queue_benchmark.cc, bench/packet_benchmark.cc
  int64_t now_ = 0;
  uint64_t seq_ = 0;
  int64_t processed_ = 0;
  std::vector<Timer> timers_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace aifabric
