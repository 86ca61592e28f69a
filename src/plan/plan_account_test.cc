// The planner's answers against the contract semantics the simulator uses: bounds that cut off
// no feasible plan, take-or-pay billed as price x max(share x capacity, used), contracts that
// start or end inside a period counted pro rata, and a plan replayed in the simulator finding
// the same contract spend.
#include <cmath>

#include <gtest/gtest.h>

#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

TEST(PlanAccount, ShareCapForcingMoreThanDemandIsFeasible) {
  // Provider a holds 1,000 GPUs under contract; with a 50% cap provider b must hold 1,000 of
  // firm capacity although demand is 100. Bounds from demand alone made this "infeasible".
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-us", a, "US"), sb = add_site(in, "b-us", b, "US");
  add_contract(in, sa, 1000, 2.0, 1.0);
  add_offer(in, "b-h100", sb, {{1, 1.5}}, 100);
  in.max_provider_share = 0.5;
  set_training(in, {100, 100, 100, 100});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  ASSERT_EQ(r->commitments.size(), 1u);
  EXPECT_EQ(r->commitments[0].gpus, 1000);
  EXPECT_TRUE(r->check_failures.empty()) << r->check_failures[0];
  EXPECT_NEAR(r->objective_usd, (1000 * 2.0 + 1000 * 1.5) * kYearHours, 1e-3);
}

TEST(PlanAccount, TakeOrPayUseAboveTheShareIsPaidAsUsed) {
  // 1,000 GPUs at $2 with a 50% take-or-pay share, 800 GPUs of demand all year.
  for (double od_usd : {3.0, 1.5}) {
    PlanInputs in = base_inputs(4);
    const int a = add_provider(in, "a");
    const int s = add_site(in, "a-us", a, "US");
    add_contract(in, s, 1000, 2.0, 0.5);
    add_market(in, s, od_usd, 10000);
    set_training(in, {800, 800, 800, 800});
    auto r = run_plan(in, exact_options());
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
    // On-demand dearer than the contract: the contract carries all 800 and bills 800.
    // Cheaper: the contract bills its 500 take-or-pay GPUs and on-demand carries 300.
    const double expected = od_usd > 2.0 ? 800 * 2.0 * kYearHours : (500 * 2.0 + 300 * od_usd) * kYearHours;
    EXPECT_NEAR(r->objective_usd, expected, 1e-3) << "on-demand at $" << od_usd;
    double contracts = 0, on_demand = 0;
    for (const auto& y : r->cost_by_year) {
      contracts += y.commitments_usd;
      on_demand += y.on_demand_usd;
    }
    EXPECT_NEAR(contracts, (od_usd > 2.0 ? 800 : 500) * 2.0 * kYearHours, 1e-3);
    EXPECT_NEAR(on_demand, (od_usd > 2.0 ? 0 : 300 * od_usd) * kYearHours, 1e-3);
    EXPECT_TRUE(r->check_failures.empty()) << r->check_failures[0];
  }
}

TEST(PlanAccount, ContractsEndingInsideAPeriodCountProRata) {
  // A contract ending on 2026-02-15 (45 of Q1's 90 days) holds half of its GPUs over Q1 and
  // costs half a quarter; before, it was sampled at the period start and counted whole.
  PlanInputs in = base_inputs(2);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_contract(in, s, 1000, 2.0, 1.0, 0, 45 * 86400.0);
  add_market(in, s, 3.0, 10000);
  set_training(in, {1000, 0});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  EXPECT_NEAR(r->periods[0].committed_ref_gpus, 500, 1e-6);
  // 45 days of the contract, and on-demand for the other 500 GPUs over Q1.
  EXPECT_NEAR(r->objective_usd, 1000 * 2.0 * 45 * 24 + 500 * 3.0 * kQ1Hours, 1e-3);
  EXPECT_NEAR(r->periods[0].on_demand_ref_gpus, 500, 1e-6);
}

TEST(PlanAccount, ARampStepInsideAPeriodCountsProRata) {
  PlanInputs in = base_inputs(1);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_contract(in, s, 300, 1.0);
  in.scenario.contracts.back().ramp.push_back({30 * 86400.0, 1200});  // 300 for 30 days, then 1,200 for 60
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_NEAR(r->periods[0].committed_ref_gpus, (300 * 30 + 1200 * 60) / 90.0, 1e-6);
  EXPECT_NEAR(r->objective_usd, (300 * 30 + 1200 * 60) * 24 * 1.0, 1e-3);
}

TEST(PlanAccount, AnOfferWhoseEarliestFallsInsideAPeriodCountsProRataThere) {
  // A one-year offer at $2 from 2026-02-15 (45 of Q1's 90 days), on-demand at $3, 1,000 GPUs
  // all year. The contract starts on 2026-02-15 and ends on 2027-02-15: half of Q1 on it, half
  // on demand ($20.76M). Starting at the next period instead cost $24.0M (Q1 all on demand).
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_market(in, s, 3.0, 10000);
  add_offer(in, "a-h100", s, {{1, 2.0}}, 100);
  in.offers.back().earliest_s = 45 * 86400.0;
  set_training(in, {1000, 1000, 1000, 1000});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  EXPECT_TRUE(r->check_failures.empty()) << r->check_failures[0];
  EXPECT_NEAR(r->objective_usd, 1000 * 2.0 * kYearHours + 1000 * 3.0 * 45 * 24, 1e-3);
  ASSERT_EQ(r->commitments.size(), 1u);
  EXPECT_EQ(format_iso_date(r->commitments[0].start_unix_s), "2026-02-15");
  EXPECT_EQ(format_iso_date(r->commitments[0].end_unix_s), "2027-02-15");
  EXPECT_NEAR(r->periods[0].committed_ref_gpus, 500, 1e-6);
  EXPECT_NEAR(r->periods[0].on_demand_ref_gpus, 500, 1e-6);
  // The simulator bills the same contract spend inside the horizon (320 days of it).
  auto sim = replay_in_simulator(*r, in, busy_jobs({{"", 125}}, kYearHours * 3600), kYearHours * 3600);
  ASSERT_TRUE(sim) << sim.error().to_string();
  EXPECT_NEAR(r->cost_by_provider[0].commitments_usd, 1000 * 2.0 * 320 * 24, 1e-3);
  EXPECT_NEAR(sim->by_provider[0].contract_usd, r->cost_by_provider[0].commitments_usd, 1e-9 * r->cost_by_provider[0].commitments_usd);
}

TEST(PlanAccount, APlanReplayedInTheSimulatorBillsItsContractsTheSame) {
  // Two providers: a with an old 1,000-GPU contract at 50% take-or-pay, b whose commitments the
  // planner chooses. Demand is 800 GPUs in a's jurisdiction (inference, a's only) and 400
  // of training. The plan is written out as a scenario, loaded back, and run with a workload
  // that keeps exactly the plan's allocation busy all year: contract spend per provider
  // must match the plan's.
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-eu", a, "EU"), sb = add_site(in, "b-us", b, "US");
  add_contract(in, sa, 1000, 2.0, 0.5);
  add_offer(in, "b-h100", sb, {{1, 1.0}}, 8);
  in.inference.push_back({"EU", {800, 800, 800, 800}, 0});
  set_training(in, {400, 400, 400, 400});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  ASSERT_EQ(r->cost_by_provider.size(), 2u);
  // a: 800 GPUs used of 1,000 at 50% take-or-pay bills 800; b: 400 committed at $1.
  EXPECT_NEAR(r->cost_by_provider[0].commitments_usd, 800 * 2.0 * kYearHours, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[1].commitments_usd, 400 * 1.0 * kYearHours, 1e-3);

  // 100 jobs of 8 GPUs at a (the EU inference) and 50 at b, all year; each runs in its pool.
  const double year_s = kYearHours * 3600;
  auto sim = replay_in_simulator(*r, in, busy_jobs({{"EU", 100}, {"US", 50}}, year_s), year_s);
  ASSERT_TRUE(sim) << sim.error().to_string();
  EXPECT_EQ(sim->summary.completed, 150);
  for (size_t p = 0; p < 2; ++p)
    EXPECT_NEAR(sim->by_provider[p].contract_usd, r->cost_by_provider[p].commitments_usd,
                1e-9 * r->cost_by_provider[p].commitments_usd)
        << in.scenario.providers[p].name;
}


TEST(PlanAccount, APlanReplayedInTheSimulatorBillsContractsOnDemandAndEnergyTheSame) {
  // The one cost account: a plan that holds idle contract GPUs, buys on-demand and bills
  // electricity, replayed with jobs that keep exactly its allocation busy all year. Provider a:
  // an old 1,000-GPU contract at 50% take-or-pay in the EU carrying 800 GPUs of inference (200
  // held idle). Provider b: a new contract at one US site whose power cap holds 208 GPUs
  // (blocks of 8), and on-demand at a second US site for the rest of 400 GPUs of US training.
  PlanInputs in = base_inputs(4);
  in.bill_energy = true;
  in.scenario.accelerators[0].idle_power_share = 0.2;
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-eu", a, "EU", 0, 1.2);
  const int sb = add_site(in, "b-us", b, "US", 0.15);
  const int sc = add_site(in, "b-us-2", b, "US", 0, 1.1);
  in.scenario.sites[static_cast<size_t>(sa)].electricity_usd_per_mwh = 100;
  in.scenario.sites[static_cast<size_t>(sb)].electricity_usd_per_mwh = 60;
  in.scenario.sites[static_cast<size_t>(sc)].electricity_usd_per_mwh = 80;
  add_contract(in, sa, 1000, 2.0, 0.5);
  add_offer(in, "b-h100", sb, {{1, 1.0}}, 8);
  add_market(in, sc, 1.8, 1000);
  in.inference.push_back({"EU", {800, 800, 800, 800}, 0});
  in.inference.push_back({"US", {400, 400, 400, 400}, 0});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  ASSERT_EQ(r->cost_by_provider.size(), 2u);
  // By hand: a bills 800 used GPUs; b 208 contracted at $1 and 192 on-demand at $1.80.
  // Electricity: held GPUs x 0.7 kW x PUE x $/MWh, at 20% when idle, the busy ones in full.
  const double h = kYearHours;
  EXPECT_NEAR(r->cost_by_provider[0].commitments_usd, 800 * 2.0 * h, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[1].commitments_usd, 208 * 1.0 * h, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[1].on_demand_usd, 192 * 1.8 * h, 1e-3);
  const double mwh_per_gpu_hour = 700e-6;
  EXPECT_NEAR(r->cost_by_provider[0].energy_usd, (200 * 0.2 + 800) * mwh_per_gpu_hour * 1.2 * 100 * h, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[1].energy_usd, (208 * 60 + 192 * 1.1 * 80) * mwh_per_gpu_hour * h, 1e-3);

  // 100 jobs of 8 GPUs in the EU, 50 in the US (26 fill the contract, 24 run on demand).
  const double year_s = h * 3600;
  auto sim = replay_in_simulator(*r, in, busy_jobs({{"EU", 100}, {"US", 50}}, year_s), year_s);
  ASSERT_TRUE(sim) << sim.error().to_string();
  EXPECT_EQ(sim->summary.completed, 150);
  for (size_t p = 0; p < 2; ++p) {
    const CostBreakdown& plan = r->cost_by_provider[p];
    const ProviderTotals& run = sim->by_provider[p];
    const std::string name = in.scenario.providers[p].name;
    EXPECT_NEAR(run.contract_usd, plan.commitments_usd, 1e-9 * plan.commitments_usd) << name;
    EXPECT_NEAR(run.on_demand_usd, plan.on_demand_usd, 1e-9 * plan.total_usd()) << name;
    EXPECT_NEAR(run.electricity_usd, plan.energy_usd, 1e-9 * plan.energy_usd) << name;
    EXPECT_NEAR(run.cost_usd, plan.total_usd(), 1e-9 * plan.total_usd()) << name;
  }
  EXPECT_NEAR(sim->summary.electricity_usd, r->cost_by_provider[0].energy_usd + r->cost_by_provider[1].energy_usd, 1e-3);
}

// Flat demand for three years (2026-2028); a year at $2 or two years at $1.50 per GPU-hour.
PlanInputs two_terms() {
  PlanInputs in = base_inputs(12);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_offer(in, "a-h100", s, {{1, 2.0}, {2, 1.5}}, 100);
  set_training(in, std::vector<double>(12, 1000));
  return in;
}

bool any_term(const PlanResult& r, int years) {
  for (const auto& c : r.commitments)
    if (c.term_years == years) return true;
  return false;
}

int terms_of_last_start(const PlanResult& r) {
  int start = -1, term = 0;
  for (const auto& c : r.commitments)
    if (c.start_period > start) {
      start = c.start_period;
      term = c.term_years;
    }
  return term;
}

TEST(PlanHorizonEnd, WithNothingAfterTheHorizonTheLastYearIsBoughtShort) {
  PlanInputs in = two_terms();
  in.end = {};  // none: a contract's years after the horizon serve nothing
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal);
  // Two years at $1.50 and one at $2 ($5 per GPU-hour-year) beat two two-year terms ($6):
  // one year is bought short, at the highest price.
  EXPECT_TRUE(any_term(*r, 1));
  EXPECT_NEAR(r->objective_usd, 1000 * (2.0 * 365 + 1.5 * 731) * 24, 1e-3);  // 2028 has 366 days
  EXPECT_EQ(r->after_horizon.total_usd(), 0);
}

TEST(PlanHorizonEnd, DemandHeldAfterTheHorizonValuesALateLongTerm) {
  PlanInputs in = two_terms();
  in.end = {HorizonEnd::Demand::hold, 2, 0};
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal);
  // Demand goes on: two-year terms throughout, the last one's second year serving the tail.
  EXPECT_FALSE(any_term(*r, 1));
  EXPECT_EQ(terms_of_last_start(*r), 2);
  // The tail's two years (2029, 2030) at $1.50: the last commitment's, then a renewal.
  EXPECT_NEAR(r->after_horizon.commitments_usd, 1000 * 1.5 * 2 * kYearHours, 1e-3);
}

TEST(PlanHorizonEnd, ContractTailsAndTheirEnergyAreReported) {
  // One quarter of demand, only a one-year term: three quarters of it run past the horizon.
  PlanInputs in = base_inputs(1);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  in.scenario.sites[0].electricity_usd_per_mwh = 100;
  in.bill_energy = true;
  add_offer(in, "a-h100", s, {{1, 2.0}}, 100);
  set_training(in, {1000});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  const double tail_hours = kYearHours - kQ1Hours;
  EXPECT_NEAR(r->commitments_beyond_horizon_usd, 1000 * 2.0 * tail_hours, 1e-3);
  // 700 W at PUE 1 and $100/MWh: $0.07 per GPU-hour.
  EXPECT_NEAR(r->energy_beyond_horizon_usd, 1000 * 0.07 * tail_hours, 1e-3);
}

TEST(PlanHorizonEnd, SalvageRecoversTheCostAfterTheHorizon) {
  PlanInputs in = two_terms();
  in.end = {HorizonEnd::Demand::none, 0, 1.0};
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal);
  // Everything after the horizon is recovered: the horizon costs $1.50 per GPU-hour.
  EXPECT_FALSE(any_term(*r, 1));
  EXPECT_NEAR(r->objective_usd, 1000 * 1.5 * (365 + 365 + 366) * 24, 1e-3);
}

}  // namespace
}  // namespace gpufleet
