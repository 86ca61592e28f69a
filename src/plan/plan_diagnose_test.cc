// Infeasible instances: the diagnosis names the constraint family with the numbers.
#include <gtest/gtest.h>

#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

bool mentions(const PlanResult& r, const std::string& family, const std::string& text) {
  for (const auto& c : r.diagnosis)
    if (c.family == family && c.message.find(text) != std::string::npos) return true;
  return false;
}

std::string all(const PlanResult& r) {
  std::string s;
  for (const auto& c : r.diagnosis) s += c.family + ": " + c.message + "\n";
  return s;
}

TEST(PlanDiagnose, PowerOfAJurisdiction) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int b = add_provider(in, "b");
  const int e1 = add_site(in, "a-eu", a, "EU", 20, 1.2);
  const int e2 = add_site(in, "b-eu", b, "EU", 10, 1.2);
  add_offer(in, "a-eu-h100", e1, {{1, 2.0}}, 1000);
  add_offer(in, "b-eu-h100", e2, {{1, 2.0}}, 1000);
  // 50,000 GPUs x 700 W x PUE 1.2 = 42 MW in the 2027... here 2026Q3; caps total 30 MW.
  in.inference.push_back({"EU", {10000, 10000, 50000, 10000}, 0.5});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "power", "EU inference and training in 2026Q3 needs 42.0 MW in EU sites; their caps total 30.0 MW"))
      << all(*r);
  for (const auto& c : r->diagnosis) EXPECT_EQ(c.family, "power") << all(*r);
}

TEST(PlanDiagnose, ShareCapTooTightForTheProvidersAvailable) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 1.0}}, 100);
  set_training(in, {1000, 1000, 1000, 1000});
  in.max_provider_share = 0.5;
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "share", "provider a in 2026Q1")) << all(*r);
}

TEST(PlanDiagnose, N1WithASingleProvider) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 1.0}}, 100);
  set_training(in, {1000, 1000, 1000, 1000});
  in.training_critical_share = 0.4;
  in.n1_providers = true;
  in.n1_share = 1.0;
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "n1", "losing provider a in 2026Q1 leaves 0 reference GPUs; 100% of critical demand is 400")) << all(*r);
}

TEST(PlanDiagnose, RampLimitTooSlow) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 1.0}}, 100, 600);
  set_training(in, {1000, 1000, 1000, 1000});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "ramp", "offer a-h100 in 2026Q1 must start 1,000 GPUs; its ramp limit is 600 per period")) << all(*r);
}

TEST(PlanDiagnose, BudgetTooSmall) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 1.0}}, 1000);
  set_training(in, {1000, 1000, 1000, 1000});
  in.budget_usd_per_year = {5e6};
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "budget", "plan year 1 (2026) needs $8.76M; the budget is $5.00M (+$3.76M)")) << all(*r);
}

TEST(PlanDiagnose, NoCapacityInAJurisdiction) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 1.0}}, 100);
  in.inference.push_back({"SG", {0, 500, 500, 500}, 0.0});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "demand", "SG inference in 2026Q2: 500 of 500 reference GPUs cannot be served in SG sites")) << all(*r);
}

TEST(PlanDiagnose, WholeBlocksDoNotFitThePowerCap) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  // 0.7 MW holds 1,000 GPUs; a block is 1,024: the LP fits, whole blocks do not.
  const int s = add_site(in, "a-us", a, "US", 0.7);
  add_offer(in, "a-h100", s, {{1, 1.0}}, 1024);
  set_training(in, {500, 500, 500, 500});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  ASSERT_FALSE(r->diagnosis.empty());
  EXPECT_NE(r->diagnosis[0].message.find("with whole blocks"), std::string::npos) << all(*r);
}


TEST(PlanDiagnose, ABudgetJustTooLowIsBlamedOnTheBudget) {
  // $5K below what the plan needs: with fixed penalty weights the elastic model blamed the
  // cheapest family to violate; relaxing each kind of limit alone names the budget.
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-us", a, "US"), sb = add_site(in, "b-us", b, "US");
  add_offer(in, "a-h100", sa, {{1, 1.0}}, 100);
  add_offer(in, "b-h100", sb, {{1, 1.0}}, 100);
  set_training(in, {1000, 1000, 1000, 1000});
  in.training_critical_share = 1.0;
  in.n1_providers = true;
  in.n1_share = 0.5;
  in.budget_usd_per_year = {1000 * 1.0 * kYearHours - 5000};
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "budget", "relaxing the yearly budget alone gives a plan")) << all(*r);
  EXPECT_TRUE(mentions(*r, "budget", "needs $8.760M; the budget is $8.755M (+$0.005M)")) << all(*r);
  for (const auto& c : r->diagnosis) EXPECT_NE(c.family, "n1") << all(*r);
}

TEST(PlanDiagnose, OneSitesPowerIsNotAJurisdictionsShortage) {
  // One EU site capped, another uncapped but dear: an N-1 requirement forces capacity at the
  // capped site's provider... the diagnosis names the site's cap, never "EU sites' caps total".
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int e1 = add_site(in, "a-eu", a, "EU", 0.35, 1.0);   // holds 500 GPUs
  const int e2 = add_site(in, "b-eu", b, "EU");
  add_offer(in, "a-eu-h100", e1, {{1, 1.0}}, 100);
  add_offer(in, "b-eu-h100", e2, {{1, 2.0}}, 100);
  in.inference.push_back({"EU", {2000, 2000, 2000, 2000}, 1.0});
  in.n1_providers = true;
  in.n1_share = 0.5;  // losing b must leave 1,000 at a: more than its 0.35 MW hold
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "power", "site a-eu in 2026Q1 needs 0.70 MW; its cap is 0.35 MW (+0.35 MW)")) << all(*r);
  EXPECT_TRUE(mentions(*r, "n1", "relaxing the N-1 requirement alone gives a plan")) << all(*r);
  EXPECT_FALSE(mentions(*r, "power", "EU sites")) << all(*r);
}


TEST(PlanDiagnose, AShortfallAfterTheHorizonSaysSo) {
  // Demand doubles in the plan's second year and keeps growing after it (plan.end: grow): the
  // site's 2.1 MW (3,000 GPUs) holds the horizon's demand (2,000) but not the next year's (4,000).
  PlanInputs in = base_inputs(8);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US", 2.1, 1.0);
  add_offer(in, "a-h100", s, {{1, 1.0}}, 100);
  set_training(in, {1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000});
  in.end = {HorizonEnd::Demand::grow, 1, 0};
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, PlanStatus::infeasible);
  EXPECT_TRUE(mentions(*r, "power", "site a-us in 2028 (after the horizon) needs 2.8 MW; its cap is 2.1 MW (+0.7 MW)")) << all(*r);
  in.end = {HorizonEnd::Demand::hold, 1, 0};
  auto held = run_plan(in, exact_options());
  ASSERT_TRUE(held);
  EXPECT_EQ(held->status, PlanStatus::optimal);
}

}  // namespace
}  // namespace gpufleet
