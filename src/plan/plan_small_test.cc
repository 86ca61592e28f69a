// Small instances solved by hand: the optimal cost and commitments are asserted.
#include <cmath>

#include <gtest/gtest.h>

#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

TEST(PlanSmall, CommitsOneYearForFlatDemand) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 2.0}}, 500);
  set_training(in, {1000, 1000, 1000, 1000});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  // 1,000 GPUs x $2 x 8,760 h.
  EXPECT_NEAR(r->objective_usd, 1000 * 2.0 * kYearHours, 1e-3);
  ASSERT_EQ(r->commitments.size(), 1u);
  EXPECT_EQ(r->commitments[0].gpus, 1000);
  EXPECT_EQ(r->commitments[0].start_period, 0);
  EXPECT_EQ(r->commitments[0].term_years, 1);
  EXPECT_NEAR(r->commitments[0].total_usd, 1000 * 2.0 * kYearHours, 1e-3);
  EXPECT_TRUE(r->check_failures.empty());
  EXPECT_NEAR(r->periods[2].utilisation, 1.0, 1e-9);
}

TEST(PlanSmall, OnDemandBeatsAYearForAShortPeak) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 2.0}}, 500);
  add_market(in, s, 3.0, 2000);
  set_training(in, {1000, 1000, 0, 0});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, PlanStatus::optimal);
  // Q1 + Q2 2026 = 181 days: 1,000 x $3 x 4,344 h = $13.032M < $17.52M for a year.
  EXPECT_NEAR(r->objective_usd, 1000 * 3.0 * 181 * 24, 1e-3);
  EXPECT_TRUE(r->commitments.empty());
  EXPECT_NEAR(r->periods[0].on_demand_ref_gpus, 1000, 1e-6);
}

TEST(PlanSmall, TwoYearTermWhenDemandReturns) {
  PlanInputs in = base_inputs(8);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 2.0}, {2, 1.2}}, 1000);
  add_market(in, s, 3.0, 5000);
  set_training(in, {1000, 0, 0, 0, 1000, 1000, 1000, 1000});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  // A two-year contract from 2026Q1: 1,000 x $1.2 x 17,520 h = $21.024M, cheaper than on-demand
  // in Q1 plus a year from 2027Q1 ($6.48M + $17.52M).
  EXPECT_NEAR(r->objective_usd, 1000 * 1.2 * 2 * kYearHours, 1e-3);
  ASSERT_EQ(r->commitments.size(), 1u);
  EXPECT_EQ(r->commitments[0].term_years, 2);
  EXPECT_EQ(r->commitments[0].start_period, 0);
  ASSERT_EQ(r->cost_by_year.size(), 2u);
  EXPECT_NEAR(r->cost_by_year[0].total_usd(), 1000 * 1.2 * kYearHours, 1e-3);
}

TEST(PlanSmall, DiscountingAndEnergyEnterTheObjective) {
  PlanInputs in = base_inputs(8);
  in.discount_rate = 0.10;
  in.bill_energy = true;
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US", 0, 1.25);
  in.scenario.sites[static_cast<size_t>(s)].electricity_usd_per_mwh = 100;
  add_offer(in, "a-h100", s, {{1, 2.0}}, 1000);
  set_training(in, {0, 0, 0, 0, 1000, 1000, 1000, 1000});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  // One year from 2027-01-01, each quarter discounted by 1.1^(years from the start to its
  // start), price $2 + energy 700 W x 1.25 x $100/MWh = $0.0875 per GPU-hour.
  const double days_before[] = {365, 365 + 90, 365 + 181, 365 + 273, 365 + 365};
  double expected = 0;
  for (int q = 0; q < 4; ++q)
    expected += 1000 * (2.0 + 0.0875) * (days_before[q + 1] - days_before[q]) * 24 * std::pow(1.1, -days_before[q] / 365.25);
  EXPECT_NEAR(r->objective_usd, expected, 1e-2);
  EXPECT_NEAR(r->cost_by_year[1].energy_usd, 1000 * 0.0875 * kYearHours, 1e-3);
}

}  // namespace
}  // namespace gpufleet
