// Time and rate types: exact serialisation arithmetic.
#include <gtest/gtest.h>

#include "core/ids.h"
#include "core/number_format.h"
#include "core/units.h"

namespace aifabric {

TEST(Units, SerialisationIsExactPicoseconds) {
  // 4096 bytes at 400 Gb/s: 32768 bits / 4e11 b/s = 81.92 ns.
  EXPECT_EQ(serialisation_time(4096, gbps(400)).count(), 81'920);
  // 1 byte at 3 Gb/s: 8/3 ns = 2666.67 ps, rounded up.
  EXPECT_EQ(serialisation_time(1, gbps(3)).count(), 2'667);
  // 1 GiB at 800 Gb/s: 8 * 2^30 / 8e11 s = 10.737418240 ms.
  EXPECT_EQ(serialisation_time(int64_t{1} << 30, gbps(800)).count(), 10'737'418'240);
}

TEST(Units, TimeFactories) {
  EXPECT_EQ(us(1).count(), 1'000'000);
  EXPECT_EQ((ns(5) + ps(7)).count(), 5'007);
  EXPECT_LT(ns(1), us(1));
}

TEST(Ids, DistinctTypesAndValidity) {
  NodeId n;
  EXPECT_FALSE(n.valid());
  EXPECT_TRUE(NodeId(3).valid());
  EXPECT_EQ(NodeId(3).value(), 3u);
}

TEST(NumberFormat, ThousandsSeparators) {
  EXPECT_EQ(with_thousands(int64_t{0}), "0");
  EXPECT_EQ(with_thousands(int64_t{28672}), "28,672");
  EXPECT_EQ(with_thousands(int64_t{-1234567}), "-1,234,567");
  EXPECT_EQ(with_thousands(9484.8), "9,484.8");
  EXPECT_EQ(with_thousands(7296.0), "7,296");
  EXPECT_EQ(usd(3327000.4), "$3,327,000");
}

}  // namespace aifabric
