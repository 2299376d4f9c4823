// A calendar (timing wheel) of events: slots of 2^slot_bits ps over a window of 2^wheel_bits slots, the slot
// being served kept sorted, events beyond the window in a 4-ary heap until the window reaches them. Each event
// is written once and read once in sequence, and the events due next are known ahead (for prefetching).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/event_queue.h"

namespace aifabric {

class CalendarEventQueue {
 public:
  // 1.024 ns slots over a 4.2 us window by default: a packet's next hop (serialisation + a link) falls inside.
  explicit CalendarEventQueue(int slot_bits = 10, int wheel_bits = 12)
      : slot_bits_(slot_bits), wheel_size_(int64_t{1} << wheel_bits), mask_((uint64_t{1} << wheel_bits) - 1),
        slots_(static_cast<size_t>(wheel_size_)), occupied_(static_cast<size_t>(wheel_size_ / 64 + 1), 0) {}

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // Times never go back: e.time is at or after the last popped event's.
  void push(const Event& e) {
    ++size_;
    const int64_t slot = e.time >> slot_bits_;
    if (slot == cur_slot_) {  // the slot being served stays sorted from head_ on
      cur_.insert(std::upper_bound(cur_.begin() + static_cast<std::ptrdiff_t>(head_), cur_.end(), e, before), e);
    } else if (slot - cur_slot_ < wheel_size_) {
      add_to_wheel(slot, e);
    } else {
      far_.push(e);
    }
  }

  Event pop() {
    while (head_ == cur_.size()) advance();
    --size_;
    return cur_[head_++];
  }

  // The event pop() would return k pops from now, if it is in the slot being served (for prefetching).
  const Event* peek(size_t k = 0) const { return head_ + k < cur_.size() ? &cur_[head_ + k] : nullptr; }

 private:
  // A slot's events live in chunks of kChunk events taken from a shared pool, the most recently freed first,
  // so pushes write to memory still in cache rather than to a per-slot array last touched a window ago.
  static constexpr uint32_t kChunk = 16;
  static constexpr uint32_t kNoChunk = 0xffffffffu;
  struct Slot {
    uint32_t head = kNoChunk, tail = kNoChunk;
    uint32_t count = 0;  // events in the slot
  };

  struct Before {  // a type, not a function pointer, so sorting inlines the comparison (one 128-bit compare)
    __extension__ typedef unsigned __int128 Wide;  // GCC and Clang; -Wpedantic would flag the bare type
    static Wide order(const Event& e) { return (static_cast<Wide>(static_cast<uint64_t>(e.time)) << 64) | e.key; }  // times are never negative
    bool operator()(const Event& x, const Event& y) const { return order(x) < order(y); }
  };
  static constexpr Before before{};
  size_t index(int64_t slot) const { return static_cast<size_t>(static_cast<uint64_t>(slot) & mask_); }

  uint32_t alloc_chunk() {
    if (free_chunk_ == kNoChunk) {
      const uint32_t c = static_cast<uint32_t>(chunk_next_.size());
      chunk_next_.push_back(kNoChunk);
      chunk_events_.resize(chunk_events_.size() + kChunk);
      return c;
    }
    const uint32_t c = free_chunk_;
    free_chunk_ = chunk_next_[c];
    chunk_next_[c] = kNoChunk;
    return c;
  }

  void add_to_wheel(int64_t slot, const Event& e) {
    const size_t i = index(slot);
    Slot& s = slots_[i];
    const uint32_t fill = s.count % kChunk;
    if (s.count == 0) {
      s.head = s.tail = alloc_chunk();
      occupied_[i >> 6] |= uint64_t{1} << (i & 63);
      ++occupied_slots_;
    } else if (fill == 0) {
      const uint32_t c = alloc_chunk();
      chunk_next_[s.tail] = c;
      s.tail = c;
    }
    chunk_events_[static_cast<size_t>(s.tail) * kChunk + fill] = e;
    ++s.count;
  }

  // Moves to the next slot holding events: the next occupied one in the window, or, with the window empty,
  // the earliest far event's; brings far events the window now covers into it; then gathers the new slot's
  // chunks into cur_ (freeing them) and sorts it.
  void advance() {
    cur_.clear();
    head_ = 0;
    if (occupied_slots_ > 0) {
      cur_slot_ += distance_to_next_occupied(index(cur_slot_));
    } else {
      cur_slot_ = far_.top().time >> slot_bits_;  // the window is empty: far_ holds every pending event
    }
    while (!far_.empty() && (far_.top().time >> slot_bits_) - cur_slot_ < wheel_size_) {
      const Event e = far_.pop();
      add_to_wheel(e.time >> slot_bits_, e);
    }
    const size_t i = index(cur_slot_);
    Slot& s = slots_[i];
    uint32_t left = s.count;
    for (uint32_t c = s.head; left > 0;) {
      const uint32_t n = std::min(left, kChunk);
      const Event* from = &chunk_events_[static_cast<size_t>(c) * kChunk];
      cur_.insert(cur_.end(), from, from + n);
      left -= n;
      const uint32_t next = chunk_next_[c];
      chunk_next_[c] = free_chunk_;
      free_chunk_ = c;
      c = next;
    }
    s = Slot{};
    occupied_[i >> 6] &= ~(uint64_t{1} << (i & 63));
    --occupied_slots_;
    std::sort(cur_.begin(), cur_.end(), before);
  }

  // Slots from index `from` (exclusive) to the next occupied one, going round the wheel.
  int64_t distance_to_next_occupied(size_t from) const {
    const size_t words = static_cast<size_t>(wheel_size_ + 63) / 64;
    size_t pos = (from + 1) & mask_;
    for (size_t step = 0; step <= words; ++step) {
      const size_t w = pos >> 6;
      const uint64_t bits = occupied_[w] >> (pos & 63);
      if (bits) {
        const size_t found = pos + static_cast<size_t>(__builtin_ctzll(bits));
        return static_cast<int64_t>((found - from) & mask_);
      }
      pos = ((w + 1) * 64) & mask_;
    }
    return wheel_size_;  // unreachable while occupied_slots_ > 0
  }

  int slot_bits_;
  int64_t wheel_size_;
  uint64_t mask_;
  std::vector<Slot> slots_;
  std::vector<uint64_t> occupied_;  // one bit per wheel slot holding events
  int64_t occupied_slots_ = 0;
  std::vector<Event> chunk_events_;  // chunk c holds events [c * kChunk, (c + 1) * kChunk)
  std::vector<uint32_t> chunk_next_;
  uint32_t free_chunk_ = kNoChunk;
  std::vector<Event> cur_;           // the slot being served, sorted; head_ is the next to pop
  int64_t cur_slot_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;
  HeapEventQueue<4> far_;
};

}  // namespace aifabric
