// With no uncertainty, `risk` on a plan prices what the planner priced: the same contract
// account (contract_usd_per_hour), the same hours and discounting, the same recourse. The plan
// here values nothing after its horizon (end: none, salvage 1), so that its objective is the
// discounted cost of the horizon alone, which is what risk evaluates.
#include <filesystem>

#include <gtest/gtest.h>

#include "gpufleet/risk.h"
#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

PlanInputs small_plan() {
  PlanInputs in = base_inputs(8);  // 2026Q1 .. 2027Q4
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int us = add_site(in, "a-us", a, "US", 200, 1.2), eu = add_site(in, "b-eu", b, "EU", 200, 1.1);
  in.scenario.sites[static_cast<size_t>(us)].electricity_usd_per_mwh = 80;
  in.scenario.sites[static_cast<size_t>(eu)].electricity_usd_per_mwh = 120;
  add_contract(in, us, 3000, 2.4, 0.5);  // take-or-pay share 0.5: use above it is paid as used
  add_offer(in, "a-us", us, {{1, 2.2}, {2, 1.9}}, 512);
  add_offer(in, "b-eu", eu, {{1, 2.6}}, 256);
  add_market(in, us, 4.0, 20000, 1.8, 2000);
  add_market(in, eu, 4.5, 20000);
  set_training(in, {4000, 5000, 6000, 7000, 8000, 9000, 9000, 9000});
  in.training_critical_share = 0.6;
  InferenceDemand inf;
  inf.jurisdiction = "EU";
  inf.ref_gpus = {500, 600, 700, 800, 900, 1000, 1100, 1200};
  inf.critical_share = 0.9;
  in.inference.push_back(inf);
  in.bill_energy = true;
  in.discount_rate = 0.08;
  in.end.demand_after = HorizonEnd::Demand::none;
  in.end.salvage_share = 1.0;
  return in;
}

// The plan's commitments through plan.json, as `risk --plan DIR` reads them. REQUIRES: the
// calendar of `in` is prepared.
Result<std::vector<Contract>> commitments_via_plan_json(const PlanResult& plan, const PlanInputs& in, const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet-risk-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  if (auto ok = write_plan_results(plan, in, dir.string()); !ok) return fail(ok.error());
  auto commitments = read_plan_commitments(in, dir.string());
  std::filesystem::remove_all(dir);
  return commitments;
}

TEST(PlanReproduction, RiskWithoutUncertaintyCostsWhatThePlanCosts) {
  PlanInputs in = small_plan();
  auto plan = run_plan(in, exact_options());
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->status, PlanStatus::optimal) << plan->solver_status;
  ASSERT_FALSE(plan->commitments.empty());
  ASSERT_TRUE(prepare_plan_inputs(in));
  auto commitments = commitments_via_plan_json(*plan, in, "repro");
  ASSERT_TRUE(commitments) << commitments.error().to_string();
  ASSERT_EQ(commitments->size(), plan->commitments.size());

  RiskOptions options;
  options.futures = 3;
  auto r = run_risk(in, UncertaintySpec{}, *commitments, options);
  ASSERT_TRUE(r) << r.error().to_string();
  // Every future is the forecast: one value.
  EXPECT_EQ(r->cost.p5, r->cost.p95);
  // The tolerance: the LP's objective is summed by the solver in $M with its feasibility
  // tolerance (1e-9 relative on rows); 1e-7 of the cost leaves room for that and no more.
  EXPECT_NEAR(r->cost.mean, plan->objective_usd, 1e-7 * plan->objective_usd);
  ASSERT_EQ(r->cost_by_year.size(), plan->cost_by_year.size());
  for (size_t y = 0; y < plan->cost_by_year.size(); ++y)
    EXPECT_NEAR(r->cost_by_year[y].mean, plan->cost_by_year[y].total_usd(), 1e-7 * plan->cost_by_year[y].total_usd()) << y;
  EXPECT_EQ(r->shortfall_total.mean, 0);
}

TEST(PlanReproduction, EscalatorsStepPricesAndAStartInsideAPeriodCostWhatThePlanCosts) {
  PlanInputs in = small_plan();
  in.offers[0].escalator_per_year = 0.06;
  in.offers[1].earliest_s = 120 * 86400.0;  // 2026-05-01, inside 2026Q2
  in.offers[1].earliest_period = 1;
  in.scenario.contracts[0].prices.push_back({200 * 86400.0, 2.1});
  auto plan = run_plan(in, exact_options());
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->status, PlanStatus::optimal) << plan->solver_status;
  ASSERT_TRUE(prepare_plan_inputs(in));
  auto commitments = commitments_via_plan_json(*plan, in, "escalator");
  ASSERT_TRUE(commitments) << commitments.error().to_string();
  RiskOptions options;
  options.futures = 2;
  auto r = run_risk(in, UncertaintySpec{}, *commitments, options);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_NEAR(r->cost.mean, plan->objective_usd, 1e-7 * plan->objective_usd);
}

TEST(PlanReproduction, APlanOfAnotherScenarioIsRefusedNamingTheField) {
  PlanInputs in = small_plan();
  auto plan = run_plan(in, exact_options());
  ASSERT_TRUE(plan && !plan->commitments.empty());
  ASSERT_TRUE(prepare_plan_inputs(in));
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet-risk-other-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(write_plan_results(*plan, in, dir.string()));
  PlanInputs other = in;
  other.scenario.sites[0].name = "elsewhere";
  other.scenario.sites[1].name = "elsewhere-too";
  auto c = read_plan_commitments(other, dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "commitments[0].site");
  EXPECT_NE(c.error().message.find("another scenario"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().file.find("plan.json"), std::string::npos);
}

}  // namespace
}  // namespace gpufleet
