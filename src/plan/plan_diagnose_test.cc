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
  EXPECT_TRUE(mentions(*r, "budget", "plan year 1 (2026) needs $0.009B; the budget is $0.005B")) << all(*r);
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

}  // namespace
}  // namespace gpufleet
