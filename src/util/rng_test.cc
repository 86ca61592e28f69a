#include "util/rng.h"

#include <gtest/gtest.h>

namespace gpufleet {
namespace {

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs = differs || x != c.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, UniformAndExponentialMoments) {
  Rng r(7);
  const int n = 200000;
  double sum_u = 0, sum_e = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum_u += u;
    sum_e += r.exponential(4.0);
  }
  EXPECT_NEAR(sum_u / n, 0.5, 0.005);
  EXPECT_NEAR(sum_e / n, 0.25, 0.0025);
}

TEST(Rng, LognormalMedian) {
  Rng r(9);
  int below = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) below += r.lognormal(600.0, 1.5) < 600.0;
  EXPECT_NEAR(static_cast<double>(below) / n, 0.5, 0.01);
}

TEST(Rng, DerivedStreamsAreIndependentOfEachOther) {
  Rng a = Rng::derived(1, 0), b = Rng::derived(1, 1), a2 = Rng::derived(1, 0);
  EXPECT_EQ(a.next_u64(), a2.next_u64());
  EXPECT_NE(Rng::derived(1, 0).next_u64(), b.next_u64());
}

}  // namespace
}  // namespace gpufleet
