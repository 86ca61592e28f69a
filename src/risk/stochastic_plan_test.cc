// The stochastic plan (plan --futures N): the newsvendor's critical fractile, the two ways of
// solving it agreeing, its per-future costs being what `risk` measures for its commitments, CVaR
// trading expectation for the tail, and VSS and EVPI on the built-in scenario.
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "gpufleet/risk.h"
#include "plan/cbc_adapter.h"
#include "plan/plan_futures.h"
#include "plan/plan_model_builder.h"
#include "plan/plan_start.h"
#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

double big_phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double inverse_big_phi(double q) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) (big_phi(0.5 * (lo + hi)) < q ? lo : hi) = 0.5 * (lo + hi);
  return 0.5 * (lo + hi);
}

int64_t committed_gpus(const PlanResult& r) {
  int64_t g = 0;
  for (const auto& c : r.commitments) g += c.gpus;
  return g;
}

// One quarter, one pool: a one-year contract at c per GPU-hour whose cost after the quarter is
// recovered whole (salvage 1), on-demand at p, unlimited; demand normal with mean mu.
PlanInputs newsvendor_plan(double mu, double c, double p) {
  PlanInputs in = base_inputs(1);
  const int prov = add_provider(in, "a");
  const int site = add_site(in, "a-us", prov, "US");
  add_offer(in, "a-us", site, {{1, c}}, 1);
  add_market(in, site, p, int64_t{1} << 40);
  set_training(in, {mu});
  in.training_critical_share = 1.0;
  in.end.demand_after = HorizonEnd::Demand::none;
  in.end.salvage_share = 1.0;
  return in;
}

StochasticPlanOptions quick(int64_t futures) {
  StochasticPlanOptions o;
  o.futures = futures;
  o.evaluation_futures = 0;
  o.perfect_information_futures = 0;
  o.plan = exact_options();
  o.plan.threads = 2;
  return o;
}

TEST(StochasticPlan, CommitsTheNewsvendorsCriticalFractile) {
  constexpr int64_t kFutures = 400;
  for (const auto& [sigma, c, p] : {std::tuple{1500.0, 2.0, 5.0}, std::tuple{2500.0, 3.0, 4.0}, std::tuple{1000.0, 1.0, 6.0}}) {
    const double mu = 10000;
    const PlanInputs in = newsvendor_plan(mu, c, p);
    UncertaintySpec spec;
    spec.training.model = DemandModel::normal;
    spec.training.volatility = sigma / mu;
    spec.shortfall_penalty_usd_per_ref_gpu_hour = 1000;  // never cheaper than on-demand
    auto r = run_stochastic_plan(in, spec, quick(kFutures));
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->plan.status, PlanStatus::optimal) << r->plan.solver_status;
    const double q = (p - c) / p;
    const double expected = mu + sigma * inverse_big_phi(q);
    // The sample quantile's standard deviation is sqrt(q (1 - q) / N) / phi(z) sigma; four of them.
    const double z = inverse_big_phi(q);
    const double sd = std::sqrt(q * (1 - q) / kFutures) / (std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI)) * sigma;
    EXPECT_NEAR(static_cast<double>(committed_gpus(r->plan)), expected, 4 * sd) << "sigma " << sigma << " c " << c << " p " << p;
    EXPECT_EQ(r->plan.future_cost_usd.size(), static_cast<size_t>(kFutures));
  }
}

// Two providers, two jurisdictions, an existing contract with a take-or-pay share below 1,
// offers of two terms, markets with spot: every source of uncertainty the plan weighs.
PlanInputs small_plan() {
  PlanInputs in = base_inputs(8);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int us = add_site(in, "a-us", a, "US", 0, 1.2), eu = add_site(in, "b-eu", b, "EU", 0, 1.1);
  in.scenario.sites[static_cast<size_t>(us)].electricity_usd_per_mwh = 80;
  in.scenario.sites[static_cast<size_t>(eu)].electricity_usd_per_mwh = 120;
  add_contract(in, us, 3000, 2.4, 0.5, 90 * 86400.0, 400 * 86400.0);
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

UncertaintySpec small_uncertainty() {
  UncertaintySpec spec;
  spec.training.model = DemandModel::lognormal;
  spec.training.volatility = 0.3;
  spec.training.correlation = 0.4;
  DemandUncertainty eu;
  eu.jurisdiction = "EU";
  eu.model = DemandModel::normal;
  eu.volatility = 0.2;
  spec.inference.push_back(eu);
  spec.delivery.push_back({0, 0.5, 60 * 86400.0, 0.5});
  spec.prices.push_back({0, 0.2, 0.4});
  spec.prices.push_back({1, 0.2, 0.0});
  spec.disruptions.push_back({1, "", 0.4, 45 * 86400.0, 0.3});
  spec.shortfall_penalty_usd_per_ref_gpu_hour = 9;
  return spec;
}

TEST(StochasticPlan, BendersAndTheExtensiveFormFindTheSamePlanCost) {
  const PlanInputs in = small_plan();
  PlanInputs prepared = in;
  ASSERT_TRUE(prepare_plan_inputs(prepared));
  auto futures = plan_futures(prepared, small_uncertainty(), 7, 0, 6);
  ASSERT_TRUE(futures) << futures.error().to_string();
  for (double lambda : {0.0, 0.5}) {
    double objective[2];
    for (int method = 0; method < 2; ++method) {
      PlanOptions o = exact_options();
      o.relative_gap = 1e-7;
      o.stochastic.futures = *futures;
      o.stochastic.shortfall_usd_per_ref_gpu_hour = 9;
      o.stochastic.risk_aversion = lambda;
      o.stochastic.method = method == 0 ? StochasticOptions::Method::extensive : StochasticOptions::Method::benders;
      auto r = run_plan(in, o);
      ASSERT_TRUE(r) << r.error().to_string();
      ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
      objective[method] = r->objective_usd;
      // The objective is E[cost] + lambda CVaR, as the per-future costs give them.
      EXPECT_NEAR(r->objective_usd, r->expected_cost_usd + lambda * r->cvar_usd, 1e-6 * r->objective_usd);
    }
    EXPECT_NEAR(objective[0], objective[1], 1e-5 * objective[0]) << "lambda " << lambda;
  }
}

// The stochastic search starts from the deterministic plan: on the built-in scenario every
// block count of the stochastic model (three futures, extensive form) is matched by name, and
// with them fixed the model still has a solution (the forecast's limits hold; its demand may go
// unmet).
TEST(StochasticPlan, TheDeterministicPlanIsAPlanOfTheStochasticModel) {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(in) << in.error().to_string();
  auto spec = parse_uncertainty_section(*in, std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(spec) << spec.error().to_string();
  ASSERT_TRUE(prepare_plan_inputs(*in));
  StochasticOptions so;
  auto futures = plan_futures(*in, *spec, 42, 0, 3);
  ASSERT_TRUE(futures) << futures.error().to_string();
  so.futures = *futures;
  so.shortfall_usd_per_ref_gpu_hour = spec->shortfall_penalty_usd_per_ref_gpu_hour;
  plan::BuildOptions build;
  build.futures_price_horizon = true;
  build.forecast_unmet_usd_per_ref_gpu_hour = so.shortfall_usd_per_ref_gpu_hour;
  plan::PlanModel model = plan::build_plan_model(*in, build);
  plan::add_future_blocks(*in, model, so);
  plan::SolveRequest request;
  request.time_limit_s = 60;
  request.relative_gap = 0.01;
  const std::vector<double> start = plan::deterministic_start(*in, model.lp, request);
  ASSERT_EQ(start.size(), model.lp.columns().size());
  int matched = 0;
  for (size_t c = 0; c < start.size(); ++c) {
    auto& col = model.lp.columns()[c];
    if (!col.integer) {
      EXPECT_TRUE(std::isnan(start[c])) << col.name;
      continue;
    }
    ASSERT_FALSE(std::isnan(start[c])) << col.name << " has no value in the deterministic plan";
    ++matched;
    col.lower = col.upper = std::round(start[c]);
  }
  EXPECT_EQ(matched, model.lp.integers());
  plan::SolveRequest fixed;
  fixed.relax = true;
  fixed.time_limit_s = 60;
  auto solved = plan::solve_model(model.lp, fixed);
  ASSERT_TRUE(solved) << solved.error().to_string();
  EXPECT_EQ(solved->status, plan::SolveStatus::optimal) << solved->words;
}

// The plan's cost in each future is what `risk` finds for its commitments in that future: the
// same account, the same recourse (cheapest first is optimal without power caps), with unmet
// demand at the penalty. The plan values nothing after its horizon (end: none, salvage 1).
TEST(StochasticPlan, EachFuturesCostIsWhatRiskMeasuresForThePlan) {
  PlanInputs in = small_plan();
  const UncertaintySpec spec = small_uncertainty();
  auto r = run_stochastic_plan(in, spec, quick(12));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->plan.status, PlanStatus::optimal);
  ASSERT_FALSE(r->plan.commitments.empty());
  ASSERT_TRUE(prepare_plan_inputs(in));
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet-stochastic-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(write_plan_results(r->plan, in, dir.string()));
  auto commitments = read_plan_commitments(in, dir.string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(commitments) << commitments.error().to_string();
  RiskOptions ro;
  ro.futures = 12;
  auto risk = run_risk(in, spec, *commitments, ro);
  ASSERT_TRUE(risk) << risk.error().to_string();
  double unmet_hours = 0;
  for (size_t f = 0; f < 12; ++f) {
    const FutureOutcome& o = risk->outcomes[f];
    double shortfall = 0;
    for (double h : o.shortfall_gpu_hours) shortfall += h;
    double discounted_shortfall_usd = 0;
    for (size_t t = 0; t < o.shortfall_gpu_hours.size(); ++t)
      discounted_shortfall_usd += o.shortfall_gpu_hours[t] * spec.shortfall_penalty_usd_per_ref_gpu_hour *
                                  std::pow(1.08, -static_cast<double>(in.period_start_unix_s[t] - in.period_start_unix_s[0]) / (365.25 * 86400));
    unmet_hours += shortfall / 12;
    // Tolerance: the forecast's columns weigh 1e-6 of their prices in the objective.
    EXPECT_NEAR(r->plan.future_cost_usd[f], o.cost_usd + discounted_shortfall_usd, 2e-5 * o.cost_usd) << "future " << f;
  }
  EXPECT_NEAR(r->plan.expected_shortfall_ref_gpu_hours, unmet_hours, 1e-6 * std::max(1.0, unmet_hours));
}

TEST(StochasticPlan, RiskAversionTradesExpectedCostForItsTail) {
  const PlanInputs in = small_plan();
  StochasticPlanOptions neutral = quick(12), averse = quick(12);
  averse.risk_aversion = 2.0;
  auto a = run_stochastic_plan(in, small_uncertainty(), neutral);
  auto b = run_stochastic_plan(in, small_uncertainty(), averse);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->plan.status, PlanStatus::optimal);
  ASSERT_EQ(b->plan.status, PlanStatus::optimal);
  EXPECT_LE(b->plan.cvar_usd, a->plan.cvar_usd * (1 + 1e-9));
  EXPECT_GE(b->plan.expected_cost_usd, a->plan.expected_cost_usd * (1 - 1e-9));
  EXPECT_LT(b->plan.cvar_usd, a->plan.cvar_usd * 0.999) << "risk aversion changed nothing";
}

TEST(StochasticPlan, DiscreteCvarIsTheMeanOfTheWorstTail) {
  // 10 equally likely values 1..10: the worst 20% are 9 and 10.
  std::vector<std::pair<double, double>> v;
  for (int i = 1; i <= 10; ++i) v.push_back({static_cast<double>(i), 0.1});
  EXPECT_DOUBLE_EQ(plan::discrete_cvar(v, 0.8), 9.5);
  // The boundary counted in part: the worst 25% = 10, 9 and half of 8.
  EXPECT_NEAR(plan::discrete_cvar(v, 0.75), (10 + 9 + 0.5 * 8) / 2.5, 1e-12);
  // Unequal weights: 100 with 0.05, 0 with 0.95: CVaR95 = 100, CVaR90 = 50.
  EXPECT_NEAR(plan::discrete_cvar({{0, 0.95}, {100, 0.05}}, 0.95), 100, 1e-9);
  EXPECT_NEAR(plan::discrete_cvar({{0, 0.95}, {100, 0.05}}, 0.9), 50, 1e-12);
  EXPECT_DOUBLE_EQ(plan::discrete_cvar(v, 0.0), 5.5);
}

TEST(StochasticPlan, RefusesWhatItCannotWeigh) {
  PlanInputs in = small_plan();
  UncertaintySpec spec = small_uncertainty();
  spec.shortfall_penalty_usd_per_ref_gpu_hour = 0;
  auto r = run_stochastic_plan(in, spec, quick(3));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("shortfall_penalty_usd_per_ref_gpu_hour"), std::string::npos);
  spec = small_uncertainty();
  add_spend_offer(in, "a-spend", 0, 1, 1e6, 0.2, 0.5);
  r = run_stochastic_plan(in, spec, quick(3));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("spend"), std::string::npos) << r.error().to_string();
}

// The built-in scenario with its default uncertainty: the stochastic plan is worth having
// (VSS >= 0: out of sample, on futures it was not planned on, it costs no more than the
// deterministic plan) and perfect information would be worth something (EVPI >= 0).
TEST(StochasticPlan, TheBuiltInPlanHasNonNegativeVssAndEvpi) {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(in) << in.error().to_string();
  auto spec = parse_uncertainty_section(*in, std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(spec) << spec.error().to_string();
  ASSERT_TRUE(spec->any());
  StochasticPlanOptions o;
  o.futures = 6;
  o.evaluation_futures = 12;
  o.perfect_information_futures = 2;
  o.plan.relative_gap = 0.005;
  o.plan.time_limit_s = 400;
  o.plan.threads = 2;
  auto r = run_stochastic_plan(*in, *spec, o);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->plan.status == PlanStatus::optimal || r->plan.status == PlanStatus::time_limit) << r->plan.solver_status;
  ASSERT_EQ(r->evaluation_futures, 12) << (r->notes.empty() ? "" : r->notes.front());
  ASSERT_EQ(r->perfect_information_futures, 2) << (r->notes.empty() ? "" : r->notes.back());
  EXPECT_GE(r->vss_usd, 0) << r->deterministic_expected_usd << " vs " << r->stochastic_expected_usd;
  EXPECT_GE(r->evpi_usd, 0) << r->here_and_now_usd << " vs " << r->wait_and_see_usd;
}

}  // namespace
}  // namespace gpufleet
