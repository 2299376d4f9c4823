// Flows that start when others finish, and flows that move no packets but hold a serial lane for a time: what a
// packet run of a dependency graph of chunk transfers needs from the engine (set up before the run, no allocation
// while it runs).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace aifabric {

class FlowPrecedence {
 public:
  static constexpr uint32_t kNoLane = 0xffff'ffffu;

  bool empty() const { return edges_.empty() && timed_.empty() && hold_.empty(); }
  // `after` waits for `before` to have finished (its receiver has every byte), or with `when_sent` only for its
  // sender to have handed over its last new packet (a connection's next transfer follows the previous one's).
  void add_edge(uint32_t before, uint32_t after, int64_t delay_ps, bool when_sent = false) {
    edges_.push_back({before, after, std::max<int64_t>(0, delay_ps), when_sent});
  }
  void set_timed(uint32_t flow, uint32_t lane, int64_t duration_ps) {
    grow(flow);
    timed_[flow] = {lane, std::max<int64_t>(0, duration_ps), true};
  }
  // The flow counts as sent no earlier than `sent_ps` after it started, and as finished no earlier than
  // `finished_ps` (a rate cap on a flow the wire moves faster).
  void set_min_duration(uint32_t flow, int64_t sent_ps, int64_t finished_ps) {
    if (hold_.size() <= flow) hold_.resize(flow + 1, {0, 0});
    hold_[flow] = {std::max<int64_t>(0, sent_ps), std::max<int64_t>(0, finished_ps)};
  }

  // Successor lists and waiting counts for `flows` flows; call once before the run.
  void build(size_t flows) {
    grow(flows == 0 ? 0 : static_cast<uint32_t>(flows - 1));
    hold_.resize(std::max(hold_.size(), flows), {0, 0});
    pending_.assign(flows, 0);
    ready_.assign(flows, 0);
    begin_.assign(flows + 1, 0);
    for (const Edge& e : edges_) {
      ++pending_[e.after];
      ++begin_[e.before + 1];
    }
    for (size_t i = 0; i < flows; ++i) begin_[i + 1] += begin_[i];
    next_.resize(edges_.size());
    sent_.assign(flows, 0);
    std::vector<uint32_t> fill(begin_.begin(), begin_.end() - 1);
    for (const Edge& e : edges_) next_[fill[e.before]++] = e;
    uint32_t lanes = 0;
    for (const Timed& t : timed_) if (t.on && t.lane != kNoLane) lanes = std::max(lanes, t.lane + 1);
    lane_free_.assign(lanes, 0);
  }

  bool waits(uint32_t flow) const { return pending_[flow] > 0; }
  bool timed(uint32_t flow) const { return flow < timed_.size() && timed_[flow].on; }
  // A timed flow starting now: it holds its lane after the lane's earlier holders; returns when it is done.
  int64_t take_lane(uint32_t flow, int64_t now) {
    const Timed& t = timed_[flow];
    if (t.lane == kNoLane) return now + t.duration;
    int64_t& free = lane_free_[t.lane];
    free = std::max(free, now) + t.duration;
    return free;
  }
  // When a flow that started at `start` counts as sent, or as finished, given that it did so `now`.
  int64_t effective_sent(uint32_t flow, int64_t start, int64_t now) const { return std::max(now, start + hold_[flow].first); }
  int64_t effective_finish(uint32_t flow, int64_t start, int64_t now) const { return std::max(now, start + hold_[flow].second); }
  // A flow finished (or, for `sent`, handed over its last new packet; a flow that finishes has been sent): its
  // successors' ready times move on; `start_flow(successor, at)` for each that waits no more.
  template <typename F>
  void finished(uint32_t flow, int64_t at, F&& start_flow) {
    sent(flow, at, start_flow);
    release(flow, at, false, start_flow);
  }
  template <typename F>
  void sent(uint32_t flow, int64_t at, F&& start_flow) {
    if (sent_[flow]) return;
    sent_[flow] = 1;
    release(flow, at, true, start_flow);
  }

 private:
  struct Edge {
    uint32_t before = 0, after = 0;
    int64_t delay = 0;
    bool when_sent = false;
  };
  template <typename F>
  void release(uint32_t flow, int64_t at, bool when_sent, F&& start_flow) {
    for (uint32_t k = begin_[flow]; k < begin_[flow + 1]; ++k) {
      const Edge& e = next_[k];
      if (e.when_sent != when_sent) continue;
      ready_[e.after] = std::max(ready_[e.after], at + e.delay);
      if (--pending_[e.after] == 0) start_flow(e.after, ready_[e.after]);
    }
  }
  struct Timed {
    uint32_t lane = kNoLane;
    int64_t duration = 0;
    bool on = false;
  };
  void grow(uint32_t flow) {
    if (timed_.size() <= flow) timed_.resize(static_cast<size_t>(flow) + 1);
  }

  std::vector<Edge> edges_, next_;
  std::vector<Timed> timed_;
  std::vector<std::pair<int64_t, int64_t>> hold_;  // (sent, finished) soonest after start
  std::vector<int64_t> ready_, lane_free_;
  std::vector<uint32_t> pending_, begin_;
  std::vector<uint8_t> sent_;
};

}  // namespace aifabric
