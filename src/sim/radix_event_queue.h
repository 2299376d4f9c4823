// A radix heap of events: a monotone priority queue on integer times (events are never scheduled in the past).
// Buckets by the highest bit in which an event's time differs from the last popped time; popping empties the
// lowest non-empty bucket into finer ones. Events of one time leave in key order (sequence, then kind, target).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "sim/event_queue.h"

namespace aifabric {

class RadixEventQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void reserve(size_t n) { buckets_[0].reserve(n / 8 + 16); }

  void push(const Event& e) {
    buckets_[bucket_of(e.time)].push_back(e);
    ++size_;
  }

  Event pop() {
    if (head_ >= buckets_[0].size()) refill();
    --size_;
    return buckets_[0][head_++];
  }

  // The event pop() returns next, if it is already known without reorganising (for prefetching only:
  // reorganising here would move the base time past events still to be scheduled at the current time).
  const Event* peek_ready() const { return head_ < buckets_[0].size() ? &buckets_[0][head_] : nullptr; }

 private:
  size_t bucket_of(int64_t t) const {
    const uint64_t x = static_cast<uint64_t>(t) ^ static_cast<uint64_t>(last_);
    return x == 0 ? 0 : 64 - static_cast<size_t>(__builtin_clzll(x));
  }

  void refill() {
    buckets_[0].clear();
    head_ = 0;
    size_t b = 1;
    while (buckets_[b].empty()) ++b;
    // The new last time is the smallest in bucket b; everything there moves to lower buckets.
    int64_t lo = buckets_[b][0].time;
    for (const Event& e : buckets_[b]) lo = std::min(lo, e.time);
    last_ = lo;
    for (const Event& e : buckets_[b]) buckets_[bucket_of(e.time)].push_back(e);
    buckets_[b].clear();
    // Bucket 0 now holds every event at time `last_`: order them by key.
    std::sort(buckets_[0].begin(), buckets_[0].end(), [](const Event& x, const Event& y) { return x.key < y.key; });
  }

  std::array<std::vector<Event>, 65> buckets_;
  size_t head_ = 0;
  size_t size_ = 0;
  int64_t last_ = 0;
};

}  // namespace aifabric
