// Quantiles and CVaR on small discrete distributions, against values computed by hand.
#include <gtest/gtest.h>

#include "risk/risk_stats.h"

namespace gpufleet::risk {
namespace {

TEST(RiskStats, QuantilesAreTheLowerEmpiricalQuantile) {
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(quantile_of_sorted(v, 0.0), 1);
  EXPECT_EQ(quantile_of_sorted(v, 0.05), 1);   // rank ceil(0.5) = 1
  EXPECT_EQ(quantile_of_sorted(v, 0.5), 5);    // rank 5: half the values are <= 5
  EXPECT_EQ(quantile_of_sorted(v, 0.95), 10);  // rank ceil(9.5) = 10
  EXPECT_EQ(quantile_of_sorted(v, 0.9), 9);    // rank 9 exactly (no rounding up from 9.000000000000002)
  std::vector<double> twenty;
  for (int i = 1; i <= 20; ++i) twenty.push_back(i);
  EXPECT_EQ(quantile_of_sorted(twenty, 0.95), 19);  // 0.95 x 20 = 19
}

TEST(RiskStats, CvarIsTheMeanOfTheWorstTail) {
  // Ten values, alpha 0.9: the worst 10% is the single value 10.
  EXPECT_DOUBLE_EQ(cvar_of_sorted({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 10.0);
  // Four values, alpha 0.5: the worst half is {0, 100}: 50.
  EXPECT_DOUBLE_EQ(cvar_of_sorted({0, 0, 0, 100}, 0.5), 50.0);
  // Five values, alpha 0.7: the worst 30% is 1.5 values: 5 whole and half of 4: (5 + 2) / 1.5.
  EXPECT_NEAR(cvar_of_sorted({1, 2, 3, 4, 5}, 0.7), 7.0 / 1.5, 1e-12);
  // Twenty values 1..20, alpha 0.95: the worst 5% is the value 20 alone.
  std::vector<double> twenty;
  for (int i = 1; i <= 20; ++i) twenty.push_back(i);
  EXPECT_DOUBLE_EQ(cvar_of_sorted(twenty, 0.95), 20.0);
  // A constant: CVaR equals it.
  EXPECT_DOUBLE_EQ(cvar_of_sorted({3, 3, 3}, 0.95), 3.0);
}

TEST(RiskStats, SummaryOfADiscreteDistribution) {
  // 40 futures: 30 cost 100, 8 cost 200, 2 cost 1000 (unsorted on purpose).
  std::vector<double> v;
  for (int i = 0; i < 2; ++i) v.push_back(1000);
  for (int i = 0; i < 30; ++i) v.push_back(100);
  for (int i = 0; i < 8; ++i) v.push_back(200);
  const Distribution d = summarise(v);
  EXPECT_DOUBLE_EQ(d.mean, (30 * 100 + 8 * 200 + 2 * 1000) / 40.0);  // 165
  EXPECT_EQ(d.p5, 100);
  EXPECT_EQ(d.p50, 100);
  EXPECT_EQ(d.p95, 200);     // rank 38 of 40
  EXPECT_DOUBLE_EQ(d.cvar95, 1000);  // the worst 2 of 40
}

}  // namespace
}  // namespace gpufleet::risk
