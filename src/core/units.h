// Strong value types for time (integer picoseconds) and bit rates (integer bits per second).
#pragma once

#include <compare>
#include <cstdint>

namespace aifabric {

// A duration or instant in integer picoseconds. No implicit conversion to or from double.
class Picoseconds {
 public:
  constexpr Picoseconds() = default;
  constexpr explicit Picoseconds(int64_t ps) : ps_(ps) {}
  constexpr int64_t count() const { return ps_; }
  constexpr double seconds() const { return static_cast<double>(ps_) * 1e-12; }
  constexpr double nanoseconds() const { return static_cast<double>(ps_) * 1e-3; }
  constexpr Picoseconds operator+(Picoseconds o) const { return Picoseconds(ps_ + o.ps_); }
  constexpr Picoseconds operator-(Picoseconds o) const { return Picoseconds(ps_ - o.ps_); }
  constexpr Picoseconds operator*(int64_t k) const { return Picoseconds(ps_ * k); }
  constexpr Picoseconds& operator+=(Picoseconds o) { ps_ += o.ps_; return *this; }
  constexpr auto operator<=>(const Picoseconds&) const = default;

 private:
  int64_t ps_ = 0;
};

constexpr Picoseconds ps(int64_t n) { return Picoseconds(n); }
constexpr Picoseconds ns(int64_t n) { return Picoseconds(n * 1000); }
constexpr Picoseconds us(int64_t n) { return Picoseconds(n * 1000 * 1000); }

// A bit rate in integer bits per second (800G = 8e11 fits easily in int64).
class BitRate {
 public:
  constexpr BitRate() = default;
  constexpr explicit BitRate(int64_t bps) : bps_(bps) {}
  constexpr int64_t bps() const { return bps_; }
  constexpr int64_t gbps() const { return bps_ / 1'000'000'000; }
  constexpr double gbps_f() const { return static_cast<double>(bps_) * 1e-9; }
  constexpr BitRate operator+(BitRate o) const { return BitRate(bps_ + o.bps_); }
  constexpr BitRate operator*(int64_t k) const { return BitRate(bps_ * k); }
  constexpr auto operator<=>(const BitRate&) const = default;

 private:
  int64_t bps_ = 0;
};

constexpr BitRate gbps(int64_t n) { return BitRate(n * 1'000'000'000); }

// Exact serialisation time of `bytes` at `rate`, rounded up to the next picosecond.
// Exact in int64 for payloads below ~1 TB and rates up to 9.2 Tb/s (1e12 is split as 1e6 * 1e6).
constexpr Picoseconds serialisation_time(int64_t bytes, BitRate rate) {
  const int64_t x = bytes * 8 * 1'000'000;  // bit-microseconds
  const int64_t bps = rate.bps();
  const int64_t q = x / bps;
  const int64_t r = x % bps;
  return Picoseconds(q * 1'000'000 + (r * 1'000'000 + bps - 1) / bps);
}

// Light in fibre travels at about 2/3 c: 5 ns per metre (the figure the planner uses).
constexpr int64_t kPropagationPsPerMetre = 5000;

}  // namespace aifabric
