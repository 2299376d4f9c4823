// Event queues ordered by (time, key): a d-ary heap of 16-byte events (no allocation per event once the heap
// has grown). The key packs an insertion sequence (28 bits), a kind (4 bits) and a target (32 bits), so ties
// at equal times resolve the same way on every run. The arity is chosen by measurement
// (bench/event_queue_benchmark.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aifabric {

struct Event {
  int64_t time = 0;  // picoseconds
  uint64_t key = 0;  // seq << 36 | kind << 32 | target
  uint32_t kind() const { return static_cast<uint32_t>(key >> 32) & 15u; }
  uint32_t target() const { return static_cast<uint32_t>(key); }
  static uint64_t make_key(uint64_t seq, uint32_t kind, uint32_t target) {
    return ((seq & ((uint64_t{1} << 28) - 1)) << 36) | (static_cast<uint64_t>(kind & 15u) << 32) | target;
  }
};

inline bool event_before(const Event& x, const Event& y) { return x.time != y.time ? x.time < y.time : x.key < y.key; }

template <int Arity>
class HeapEventQueue {
 public:
  void reserve(size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  void push(const Event& e) {
    heap_.push_back(e);
    size_t i = heap_.size() - 1;
    while (i > 0) {
      const size_t parent = (i - 1) / Arity;
      if (!event_before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  Event pop() {
    const Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size();
    if (n == 0) return out;
    size_t i = 0;
    for (;;) {
      const size_t first = i * Arity + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = first + Arity < n ? first + Arity : n;
      for (size_t c = first + 1; c < end; ++c) {
        if (event_before(heap_[c], heap_[best])) best = c;
      }
      if (!event_before(heap_[best], last)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = last;
    return out;
  }

 private:
  std::vector<Event> heap_;
};

// Heaps are kept for comparison (bench/event_queue_benchmark.cc); the simulator uses RadixEventQueue.

}  // namespace aifabric
