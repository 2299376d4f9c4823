// REPS (recycled entropy packet spraying, Bonato et al., 2024; UET's entropy recycling): a sender reuses the
// entropy values whose acks came back unmarked, oldest first, and draws a fresh one when none is waiting.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace aifabric {

class EntropyRecycler {
 public:
  static constexpr uint8_t kRing = 16;  // entropies waiting per flow

  // One flow per entry of `packets` (its packet count); call before the run (no allocation while it runs).
  void reset(const std::vector<uint32_t>& packets) {
    state_.assign(packets.size(), State{});
    begin_.assign(packets.size() + 1, 0);
    for (size_t i = 0; i < packets.size(); ++i) begin_[i + 1] = begin_[i] + packets[i];
    sent_.assign(begin_.back(), 0);
  }
  bool waiting(uint32_t flow) const { return state_[flow].count > 0; }
  // The entropy packet `seq` of `flow` goes out with: a recycled one, else `fresh`.
  uint32_t next(uint32_t flow, uint32_t seq, uint32_t fresh) {
    State& r = state_[flow];
    uint32_t ev = fresh;
    if (r.count > 0) {
      ev = r.ring[r.head];
      r.head = static_cast<uint8_t>((r.head + 1) % kRing);
      --r.count;
    }
    sent_[begin_[flow] + seq] = ev;
    return ev;
  }
  // Packet `seq` of `flow` was acknowledged: unmarked, its entropy may be used again (the oldest waiting goes if full).
  void acked(uint32_t flow, uint32_t seq, bool marked) {
    if (marked) return;
    State& r = state_[flow];
    if (r.count == kRing) {
      r.head = static_cast<uint8_t>((r.head + 1) % kRing);
      --r.count;
    }
    r.ring[(r.head + r.count) % kRing] = sent_[begin_[flow] + seq];
    ++r.count;
  }

 private:
  struct State {
    std::array<uint32_t, kRing> ring{};
    uint8_t head = 0, count = 0;
  };
  std::vector<State> state_;
  std::vector<uint64_t> begin_;
  std::vector<uint32_t> sent_;  // per packet: the entropy it last went out with
};

}  // namespace aifabric
