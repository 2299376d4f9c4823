// Progress bar: drawn at most 10 times a second, only once the work has run for a second.
#include "core/progress.h"

#include <unistd.h>

#include <fmt/format.h>

namespace aifabric {

double Progress::steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(int64_t total, bool enabled, Clock clock) : total_(total), enabled_(enabled), clock_(std::move(clock)) {
  if (enabled_) start_ = clock_();
}

Progress::~Progress() { finish(); }

void Progress::update(int64_t done, const std::string& label) {
  if (!enabled_ || total_ <= 0) return;
  const double now = clock_();
  if (now - start_ < 1.0 || now - last_ < 0.1) return;
  last_ = now;
  const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  const double eta = frac > 0 ? (now - start_) * (1 - frac) / frac : 0;
  const std::string bar = std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.');
  fmt::print(stderr, "\r[{}] {}/{} {:<40.40} ETA {:.0f}s ", bar, done, total_, label, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (drawn_) {
    fmt::print(stderr, "\r{:<100}\r", "");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace aifabric
