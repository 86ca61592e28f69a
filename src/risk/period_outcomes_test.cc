// The per-period outcomes the report's fan charts draw: each future's spend per provider and
// period adds up to its yearly and per-provider costs, its demand is the forecast times its
// multiplier, its delivered capacity is what the contracts ramp to; and the per-period
// summaries are the distributions of those values over the futures.
#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

#include "gpufleet/risk.h"

namespace gpufleet {
namespace {

PlanInputs builtin() {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  EXPECT_TRUE(in) << in.error().to_string();
  return *in;
}

TEST(RiskPeriodOutcomes, SpendPerProviderAndPeriodAddsUpToTheYearsAndProviders) {
  PlanInputs in = builtin();
  UncertaintySpec spec;
  spec.training = {"", DemandModel::lognormal, 0.3, 0.5, {}};
  for (int p = 0; p < static_cast<int>(in.scenario.providers.size()); ++p) spec.prices.push_back({p, 0.2, 0.4});
  spec.delivery.push_back({0, 0.5, 120 * 86400.0, 0.6});
  RiskOptions options;
  options.futures = 40;
  auto r = run_risk(in, spec, {}, options);
  ASSERT_TRUE(r) << r.error().to_string();
  const size_t periods = r->period_labels.size(), providers = r->providers.size();
  ASSERT_GT(periods, 4u);
  for (const FutureOutcome& o : r->outcomes) {
    ASSERT_EQ(o.spend_by_provider_period_usd.size(), providers * periods);
    ASSERT_EQ(o.demand_ref_gpus.size(), periods);
    ASSERT_EQ(o.delivered_ref_gpus.size(), periods);
    const double all = std::accumulate(o.spend_by_provider_period_usd.begin(), o.spend_by_provider_period_usd.end(), 0.0);
    const double years = std::accumulate(o.cost_by_year_usd.begin(), o.cost_by_year_usd.end(), 0.0);
    EXPECT_NEAR(all, years, 1e-9 * years);
    for (double d : o.demand_ref_gpus) EXPECT_GT(d, 0);
  }
  // Demand differs between futures (training is uncertain), and its summary orders.
  for (size_t t = 0; t < periods; ++t) {
    const Distribution& d = r->demand_by_period[t];
    EXPECT_LE(d.p5, d.p50);
    EXPECT_LE(d.p50, d.p95);
  }
  EXPECT_LT(r->demand_by_period.back().p5, r->demand_by_period.back().p95);
  // The summary per provider and period is the distribution of the futures' values.
  std::vector<double> v;
  for (const FutureOutcome& o : r->outcomes) v.push_back(o.spend_by_provider_period_usd[1 * periods + 3]);
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  EXPECT_DOUBLE_EQ(r->spend_by_provider_period[1][3].mean, mean);
  std::sort(v.begin(), v.end());
  EXPECT_EQ(r->spend_by_provider_period[1][3].p95, v[37]);  // the 38th of 40: ceil(0.95 x 40)
}

TEST(RiskPeriodOutcomes, WithoutUncertaintyDemandIsTheForecastAndDeliveriesTheRamps) {
  PlanInputs in = builtin();
  RiskOptions options;
  options.futures = 3;
  auto r = run_risk(in, UncertaintySpec{}, {}, options);
  ASSERT_TRUE(r) << r.error().to_string();
  const FutureOutcome& o = r->outcomes[0];
  // The three futures are the forecast: equal, and their P5 is their P95.
  EXPECT_EQ(r->outcomes[2].demand_ref_gpus, o.demand_ref_gpus);
  EXPECT_EQ(r->delivered_by_period[0].p5, r->delivered_by_period[0].p95);
  // The forecast grows; contracts deliver something from the first period.
  EXPECT_GT(o.demand_ref_gpus.back(), o.demand_ref_gpus.front());
  EXPECT_GT(o.delivered_ref_gpus.front(), 0);
  // Shortfall per period is what the old per-period fields said.
  for (size_t t = 0; t < r->period_labels.size(); ++t)
    EXPECT_EQ(r->shortfall_by_period[t].mean, r->shortfall_expected_gpu_hours[t]);
}

}  // namespace
}  // namespace gpufleet
