// A progress bar on standard error for work longer than a second: done/total, label, ETA. Silent when stderr
// is not a terminal or when disabled; the clock is injected so tests and simulations stay deterministic.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace aifabric {

class Progress {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic
  Progress(int64_t total, bool enabled, Clock clock = steady_seconds);
  ~Progress();
  void update(int64_t done, const std::string& label);
  void finish();
  static double steady_seconds();
  static bool stderr_is_terminal();

 private:
  int64_t total_;
  bool enabled_;
  Clock clock_;
  double start_ = 0, last_ = -1;
  bool drawn_ = false;
};

}  // namespace aifabric
