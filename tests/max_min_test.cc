// Max-min fair rates against hand-solved cases: shared bottlenecks, redistribution, weights and a protocol cap.
#include <gtest/gtest.h>

#include "flow/max_min.h"

namespace aifabric {

namespace {

FlowSet flows(const std::vector<std::vector<Usage>>& each) {
  FlowSet fs;
  for (const auto& u : each) fs.add(u);
  return fs;
}

std::vector<double> solve(const std::vector<double>& cap, const FlowSet& fs, double rate_cap = std::numeric_limits<double>::infinity()) {
  MaxMinSolver solver(cap.size());
  std::vector<uint8_t> active(fs.size(), 1);
  std::vector<double> rate;
  solver.solve(cap, fs, active, rate, rate_cap);
  return rate;
}

}  // namespace

// Link 0 (10) carries flows a and b, link 1 (4) carries b alone: b is held to 4 by link 1, and a takes the 6 left.
TEST(MaxMin, UnusedShareGoesToTheOthers) {
  const auto r = solve({10, 4}, flows({{{0, 1}}, {{0, 1}, {1, 1}}}));
  EXPECT_DOUBLE_EQ(r[1], 4);
  EXPECT_DOUBLE_EQ(r[0], 6);
}

// A chain of three links of 10, 10 and 30: a crosses 0, b crosses 0 and 1, c crosses 1 and 2, d crosses 2.
// Links 0 and 1 fill together at 5 (a, b, c); d takes 30 - 5 = 25 of link 2.
TEST(MaxMin, ParkingLot) {
  const auto r = solve({10, 10, 30}, flows({{{0, 1}}, {{0, 1}, {1, 1}}, {{1, 1}, {2, 1}}, {{2, 1}}}));
  EXPECT_DOUBLE_EQ(r[0], 5);
  EXPECT_DOUBLE_EQ(r[1], 5);
  EXPECT_DOUBLE_EQ(r[2], 5);
  EXPECT_DOUBLE_EQ(r[3], 25);
}

// A flow sprayed half over each of two links counts half on each: with a whole flow on link 0 (12), the split
// flow and the whole one rise together until link 0 holds 1 + 0.5 of that level: 8 each; link 1 (100) never fills.
TEST(MaxMin, WeightedUsageCountsItsShare) {
  const auto r = solve({12, 100}, flows({{{0, 1}}, {{0, 0.5f}, {1, 0.5f}}}));
  EXPECT_NEAR(r[0], 8, 1e-9);
  EXPECT_NEAR(r[1], 8, 1e-9);
}

// A protocol's per-channel cap stops every flow that would otherwise rise above it; flows held lower keep their rate.
TEST(MaxMin, RateCapBindsOnlyWhereTheFabricWouldGiveMore) {
  const auto r = solve({10, 4}, flows({{{0, 1}}, {{0, 1}, {1, 1}}}), 5);
  EXPECT_DOUBLE_EQ(r[1], 4);
  EXPECT_DOUBLE_EQ(r[0], 5);
}

// The load bound: the most loaded resource at capacity, or a flow at the cap, whichever is later.
TEST(MaxMin, LoadBoundIsTheBusiestResource) {
  const FlowSet fs = flows({{{0, 1}}, {{0, 1}, {1, 1}}});
  const std::vector<double> bits = {6e9, 4e9};  // 6 and 4 Gb
  EXPECT_NEAR(load_bound_seconds({10, 4}, fs, bits), 1.0, 1e-12);           // link 0 carries 10 Gb at 10 Gb/s
  EXPECT_NEAR(load_bound_seconds({10, 4}, fs, bits, 3), 2.0, 1e-12);        // a 6 Gb flow at 3 Gb/s
}

}  // namespace aifabric
