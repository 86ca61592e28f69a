// For each constraint family, an instance where it binds and changes the answer (the same
// instance without it is solved too, so the test fails if the family stops biting).
#include <gtest/gtest.h>

#include "plan/plan_binding.h"
#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

double solve_cost(const PlanInputs& in) {
  auto r = run_plan(in, exact_options());
  EXPECT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, PlanStatus::optimal);
  EXPECT_TRUE(r->check_failures.empty()) << r->check_failures.front();
  return r->objective_usd;
}

// Two providers, one US site each; "cheap" at $1, "dear" at $2 (one-year terms, blocks of 100).
PlanInputs two_providers() {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "cheap");
  const int b = add_provider(in, "dear");
  const int sa = add_site(in, "cheap-us", a, "US");
  const int sb = add_site(in, "dear-us", b, "US");
  add_offer(in, "cheap-h100", sa, {{1, 1.0}}, 100);
  add_offer(in, "dear-h100", sb, {{1, 2.0}}, 100);
  set_training(in, {1000, 1000, 1000, 1000});
  return in;
}

TEST(PlanFamilies, PowerCapMovesCapacityToAnotherSite) {
  PlanInputs in = two_providers();
  EXPECT_NEAR(solve_cost(in), 1000 * 1.0 * kYearHours, 1e-3);
  // 0.42 MW at 700 W, PUE 1 holds 600 GPUs.
  in.scenario.sites[0].power_cap_mw = 0.42;
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_NEAR(r->objective_usd, (600 * 1.0 + 400 * 2.0) * kYearHours, 1e-3);
  EXPECT_NEAR(r->periods[0].power_mw, 0.7, 1e-9);
  bool valued = false;
  for (const auto& mv : r->marginals)
    if (mv.kind == "power_mw" && mv.what == "cheap-us" && mv.period == "all") {
      // One more MW holds 1,428.6 more cheap GPUs, but only 400 can be used, each saving $1/h
      // for a year (the dual, $1/h x 8,760 h / 0.0007 MW, prices only the first GPUs of it).
      // One MW less leaves no cheap GPU at all: below zero, no plan.
      EXPECT_NEAR(mv.usd, 400 * 1.0 * kYearHours, 1.0);
      EXPECT_TRUE(mv.exact);
      EXPECT_FALSE(mv.less_feasible);
      valued = true;
    }
  EXPECT_TRUE(valued);
}

TEST(PlanFamilies, RampLimitSpreadsNewCapacity) {
  PlanInputs in = two_providers();
  in.offers[0].ramp_gpus_per_period = 700;
  EXPECT_NEAR(solve_cost(in), (700 * 1.0 + 300 * 2.0) * kYearHours, 1e-3);
}

TEST(PlanFamilies, ProviderShareCapForcesASecondProvider) {
  PlanInputs in = two_providers();
  in.max_provider_share = 0.6;
  EXPECT_NEAR(solve_cost(in), (600 * 1.0 + 400 * 2.0) * kYearHours, 1e-3);
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_NEAR(r->provider_shares[0].max_share, 0.6, 1e-9);
  bool valued = false;
  for (const auto& mv : r->marginals)
    if (mv.kind == "share_point" && mv.what == "cheap" && mv.period == "all") {
      // One point of 1,000 GPUs = 10 GPUs moved from $2 to $1 for a year.
      EXPECT_NEAR(mv.usd, 10 * 1.0 * kYearHours, 1.0);
      valued = true;
    }
  EXPECT_TRUE(valued);
}

// The binding choice in words: one point of the 60% cap is 10 GPUs moved between $1 and $2
// for a year either way ($87.6K); the sentence says so, and the terminal report carries it.
TEST(PlanFamilies, BindingShareCapIsSaidInWordsWithBothSides) {
  PlanInputs in = two_providers();
  in.max_provider_share = 0.6;
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  const auto binding = plan::binding_choices(*r, in);
  ASSERT_GE(binding.size(), 2u);
  // First the whole cap, re-solved without it: 400 GPUs move from $2 back to $1 for a year.
  EXPECT_EQ(binding[0].kind, "share_cap");
  EXPECT_NEAR(r->share_cap_cost_usd, 400 * kYearHours, 1.0);
  EXPECT_EQ(binding[0].sentence,
            "The 60% provider share cap as a whole costs $3.50M in present value over the horizon (the LP relaxation "
            "solved with and without it).");
  EXPECT_EQ(binding[1].kind, "share_point");
  EXPECT_EQ(binding[1].what, "cheap");
  EXPECT_NEAR(binding[1].usd_more, 10 * kYearHours, 1.0);
  EXPECT_NEAR(binding[1].usd_less, 10 * kYearHours, 1.0);
  EXPECT_EQ(binding[1].sentence,
            "The 60% provider share cap binds for cheap: one point more (61%) saves $87.6K in present value over the "
            "horizon; one point less (59%) costs $87.6K.");
  const std::string report = format_plan_report(*r, in);
  EXPECT_NE(report.find(binding[0].sentence), std::string::npos);
  EXPECT_NE(report.find(binding[1].sentence), std::string::npos);
  // The pass can be switched off.
  PlanOptions off = exact_options();
  off.limit_costs = false;
  auto without_pass = run_plan(in, off);
  ASSERT_TRUE(without_pass);
  EXPECT_EQ(without_pass->share_cap_cost_usd, -1);
  // Without the cap nothing binds: the cheap provider takes everything.
  in.max_provider_share = 1.0;
  auto free = run_plan(in, exact_options());
  ASSERT_TRUE(free);
  EXPECT_TRUE(plan::binding_choices(*free, in).empty());
}

// A power cap that one MW less would leave without a plan says so.
TEST(PlanFamilies, BindingPowerCapSaysWhenOneLessLeavesNoPlan) {
  PlanInputs in = two_providers();
  in.scenario.sites[0].power_cap_mw = 0.42;
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  const auto binding = plan::binding_choices(*r, in);
  ASSERT_FALSE(binding.empty());
  EXPECT_EQ(binding[0].kind, "power_mw");
  EXPECT_EQ(binding[0].sentence,
            "The 0.42 MW power cap at cheap-us binds: one MW more in every period saves $3.50M in present value over the "
            "horizon; one MW less leaves no plan that meets every limit.");
}

TEST(PlanFamilies, ProviderN1KeepsCriticalDemandElsewhere) {
  PlanInputs in = two_providers();
  in.training_critical_share = 0.8;
  in.n1_providers = true;
  in.n1_share = 0.5;
  // Losing "cheap" must leave 0.5 x 800 = 400 GPUs at "dear" (and losing "dear" is fine).
  EXPECT_NEAR(solve_cost(in), (600 * 1.0 + 400 * 2.0) * kYearHours, 1e-3);
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  for (const auto& row : r->resilience) EXPECT_TRUE(row.ok) << row.name;
}

TEST(PlanFamilies, SiteN1WithinOneProvider) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s1 = add_site(in, "a-1", a, "US");
  const int s2 = add_site(in, "a-2", a, "US");
  add_offer(in, "a1", s1, {{1, 1.0}}, 100);
  add_offer(in, "a2", s2, {{1, 1.5}}, 100);
  set_training(in, {1000, 1000, 1000, 1000});
  in.training_critical_share = 1.0;
  EXPECT_NEAR(solve_cost(in), 1000 * kYearHours, 1e-3);
  in.n1_sites = true;
  in.n1_share = 0.3;
  EXPECT_NEAR(solve_cost(in), (700 * 1.0 + 300 * 1.5) * kYearHours, 1e-3);
}

TEST(PlanFamilies, InferenceStaysInItsJurisdiction) {
  PlanInputs in = two_providers();
  const int c = add_provider(in, "eu");
  const int se = add_site(in, "eu-1", c, "EU");
  add_offer(in, "eu-h100", se, {{1, 3.0}}, 100);
  in.inference.push_back({"EU", {200, 200, 200, 200}, 0.0});
  EXPECT_NEAR(solve_cost(in), (1000 * 1.0 + 200 * 3.0) * kYearHours, 1e-3);
}

TEST(PlanFamilies, BudgetDefersSpending) {
  PlanInputs in = base_inputs(8);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 2.0}, {2, 1.2}}, 1000);
  add_market(in, s, 3.0, 5000);
  set_training(in, {1000, 0, 0, 0, 1000, 1000, 1000, 1000});
  EXPECT_NEAR(solve_cost(in), 1000 * 1.2 * 2 * kYearHours, 1e-3);
  // The two-year contract spends $10.512M in 2026; with $8M, on-demand in Q1 and a year from 2027.
  in.budget_usd_per_year = {8e6, 0};
  EXPECT_NEAR(solve_cost(in), 1000 * 3.0 * kQ1Hours + 1000 * 2.0 * kYearHours, 1e-3);
}

TEST(PlanFamilies, MinimumCommitmentIsAllOrNothing) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 1.0}}, 500, 0, 2000);
  add_market(in, s, 2.5, 5000);
  set_training(in, {1000, 1000, 1000, 1000});
  // Without the minimum: 1,000 at $1. With it: 2,000 at $1 ($17.52M) beats on-demand ($21.9M).
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r);
  EXPECT_NEAR(r->objective_usd, 2000 * 1.0 * kYearHours, 1e-3);
  ASSERT_EQ(r->commitments.size(), 1u);
  EXPECT_EQ(r->commitments[0].gpus, 2000);
  EXPECT_NEAR(r->periods[0].utilisation, 0.5, 1e-9);
  in.offers[0].min_gpus = 0;
  EXPECT_NEAR(solve_cost(in), 1000 * 1.0 * kYearHours, 1e-3);
}

TEST(PlanFamilies, SpotCarriesOnlyNonCriticalTraining) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_market(in, s, 3.0, 5000, 1.0, 5000);
  set_training(in, {1000, 1000, 1000, 1000});
  EXPECT_NEAR(solve_cost(in), 1000 * 1.0 * kYearHours, 1e-3);
  in.training_critical_share = 0.5;
  EXPECT_NEAR(solve_cost(in), (500 * 1.0 + 500 * 3.0) * kYearHours, 1e-3);
}

TEST(PlanFamilies, ExistingContractIsFixedAndUsedFirst) {
  PlanInputs in = two_providers();
  Contract c;
  c.name = "old";
  c.provider = 1;
  c.site = 1;
  c.accelerator = 0;
  c.usd_per_gpu_hour = 2.0;
  c.start_s = 0;
  c.end_s = 365 * 86400.0;
  c.ramp = {{0, 300}};
  in.scenario.contracts.push_back(c);
  // The existing 300 GPUs are paid anyway; only 700 new cheap ones are needed.
  EXPECT_NEAR(solve_cost(in), (300 * 2.0 + 700 * 1.0) * kYearHours, 1e-3);
}

TEST(PlanFamilies, RelaxationIsALowerBound) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 1.0}}, 1000);
  add_market(in, s, 3.0, 5000);
  set_training(in, {500, 500, 500, 500});
  PlanOptions o = exact_options();
  o.relax = true;
  auto lp = run_plan(in, o);
  ASSERT_TRUE(lp);
  EXPECT_TRUE(lp->relaxed);
  EXPECT_NEAR(lp->objective_usd, 500 * 1.0 * kYearHours, 1e-3);  // half a block
  // Whole blocks: 1,000 GPUs at $1 ($8.76M) beat 500 on-demand at $3 ($13.14M).
  EXPECT_NEAR(solve_cost(in), 1000 * 1.0 * kYearHours, 1e-3);
}

}  // namespace
}  // namespace gpufleet
