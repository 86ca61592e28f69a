// Dollar commitments and contract prices over time, in the planner and against the simulator:
// a spend commitment is taken when it is cheaper and declined when not; its shortfall, a
// contract's ramp-step prices and yearly escalator, and an early-termination fee are billed
// the same by the plan and by the simulator replaying it (the one account, scenario.h).
#include <gtest/gtest.h>

#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

constexpr double kDay = 86400;

size_t count_kind(const PlanResult& r, Commitment::Kind kind) {
  size_t n = 0;
  for (const auto& c : r.commitments) n += c.kind == kind ? 1 : 0;
  return n;
}

const Commitment* first_spend(const PlanResult& r) {
  for (const auto& c : r.commitments)
    if (c.kind == Commitment::Kind::spend) return &c;
  return nullptr;
}

// One provider, 800 GPUs of training all 2026. On demand costs $4/GPU-hour (1,000 to be had),
// a one-year GPU contract $2.50, and a one-year spend commitment of usd_per_year buys on
// demand at `discount` off the list price.
PlanInputs one_provider(double usd_per_year, double discount, double shortfall_share) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_market(in, s, 4.0, 1000);
  add_offer(in, "a-h100", s, {{1, 2.5}}, 100);
  add_spend_offer(in, "a-spend", a, 1, usd_per_year, discount, shortfall_share);
  set_training(in, {800, 800, 800, 800});
  return in;
}

TEST(PlanSpend, ASpendCommitmentCheaperThanContractsIsTaken) {
  // At half the list price 800 GPUs cost $2/GPU-hour: $14.016M for the year, exactly the
  // commitment, against $17.52M under the GPU contract.
  const double commit = 800 * 2.0 * kYearHours;
  PlanInputs in = one_provider(commit, 0.5, 1.0);
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  EXPECT_TRUE(r->check_failures.empty()) << r->check_failures[0];
  EXPECT_NEAR(r->objective_usd, commit, 1e-3);
  ASSERT_EQ(count_kind(*r, Commitment::Kind::spend), 1u);
  EXPECT_EQ(count_kind(*r, Commitment::Kind::gpus), 0u);
  const Commitment* c = first_spend(*r);
  EXPECT_EQ(c->provider, "a");
  EXPECT_EQ(c->start_period, 0);
  EXPECT_NEAR(c->commit_usd, commit, 1e-3);
  EXPECT_NEAR(c->spent_usd, commit, 1e-3);
  EXPECT_NEAR(c->shortfall_usd, 0, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[0].commitments_usd, commit, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[0].on_demand_usd, 0, 1e-3);
  EXPECT_NEAR(r->periods[0].spend_ref_gpus, 800, 1e-6);
  // The report lists it with its value.
  const std::string report = format_plan_report(*r, in);
  EXPECT_NE(report.find("Spend commitments (1)"), std::string::npos) << report;
  EXPECT_NE(report.find("50.0%"), std::string::npos) << report;
}

TEST(PlanSpend, ASpendCommitmentDearerThanContractsIsDeclined) {
  // At 20% off ($3.20) spending the commitment on 500 GPU-years and contracting the other 300
  // costs $20.6M; the GPU contract alone $17.52M.
  PlanInputs in = one_provider(800 * 2.0 * kYearHours, 0.2, 1.0);
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  EXPECT_EQ(count_kind(*r, Commitment::Kind::spend), 0u);
  EXPECT_NEAR(r->objective_usd, 800 * 2.5 * kYearHours, 1e-3);
}

TEST(PlanSpend, TheShortfallChargeDecides) {
  // $20M committed, $14.016M spent: the unspent $5.984M billed whole makes $20M (declined for
  // the $17.52M contract); billed at half it makes $17.008M (taken).
  const double spent = 800 * 2.0 * kYearHours;
  for (double share : {1.0, 0.5}) {
    PlanInputs in = one_provider(20e6, 0.5, share);
    auto r = run_plan(in, exact_options());
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
    EXPECT_TRUE(r->check_failures.empty()) << r->check_failures[0];
    if (share == 1.0) {
      EXPECT_EQ(count_kind(*r, Commitment::Kind::spend), 0u);
      EXPECT_NEAR(r->objective_usd, 800 * 2.5 * kYearHours, 1e-3);
    } else {
      ASSERT_EQ(count_kind(*r, Commitment::Kind::spend), 1u);
      EXPECT_NEAR(first_spend(*r)->shortfall_usd, 0.5 * (20e6 - spent), 1e-3);
      EXPECT_NEAR(r->objective_usd, spent + 0.5 * (20e6 - spent), 1e-3);
    }
  }
}

TEST(PlanSpend, APlanReplayedInTheSimulatorBillsItsSpendCommitmentAndShortfallTheSame) {
  // a: EU inference of 800 GPUs on a's on-demand market ($4, or $2 under a $20M commitment
  // with half its shortfall billed); b: 400 GPUs of training on a $1 contract. The simulator
  // replays the emitted scenario with jobs that keep the plan's allocation busy all year.
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-eu", a, "EU"), sb = add_site(in, "b-us", b, "US");
  add_market(in, sa, 4.0, 1000);
  add_spend_offer(in, "a-spend", a, 1, 20e6, 0.5, 0.5);
  add_offer(in, "b-h100", sb, {{1, 1.0}}, 8);
  in.inference.push_back({"EU", {800, 800, 800, 800}, 0});
  set_training(in, {400, 400, 400, 400});
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  const double spent = 800 * 2.0 * kYearHours, shortfall = 0.5 * (20e6 - spent);
  EXPECT_NEAR(r->cost_by_provider[0].commitments_usd, spent + shortfall, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[1].commitments_usd, 400 * 1.0 * kYearHours, 1e-3);

  const double year_s = kYearHours * 3600;
  auto sim = replay_in_simulator(*r, in, busy_jobs({{"EU", 100}, {"US", 50}}, year_s), year_s);
  ASSERT_TRUE(sim) << sim.error().to_string();
  EXPECT_EQ(sim->summary.completed, 150);
  ASSERT_EQ(sim->by_spend_commitment.size(), 1u);
  EXPECT_NEAR(sim->by_spend_commitment[0].spent_usd, spent, 1e-6 * spent);
  EXPECT_NEAR(sim->by_spend_commitment[0].shortfall_usd, shortfall, 1e-6 * spent);
  for (size_t p = 0; p < 2; ++p) {
    EXPECT_NEAR(sim->by_provider[p].contract_usd, r->cost_by_provider[p].commitments_usd,
                1e-9 * r->cost_by_provider[p].commitments_usd)
        << in.scenario.providers[p].name;
    EXPECT_NEAR(sim->by_provider[p].on_demand_usd, r->cost_by_provider[p].on_demand_usd, 1e-3) << in.scenario.providers[p].name;
  }
}

TEST(PlanSpend, RampStepPricesAndEscalatorsAreBilledTheSameByPlanAndSimulator) {
  // a: an existing two-year contract of 1,000 GPUs at $2, $1.80 from its ramp step on
  // 2026-07-01, growing 10% on 2027-01-01; b: a two-year offer at $1.50 growing 5% a year.
  PlanInputs in = base_inputs(8);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-eu", a, "EU"), sb = add_site(in, "b-us", b, "US");
  add_contract(in, sa, 1000, 2.0, 1.0, 0, 730 * kDay);
  Contract& old = in.scenario.contracts.back();
  old.escalator_per_year = 0.10;
  old.ramp.push_back({181 * kDay, 1000});
  old.prices.push_back({181 * kDay, 1.8});
  add_offer(in, "b-h100", sb, {{2, 1.5}}, 8);
  in.offers.back().escalator_per_year = 0.05;
  in.inference.push_back({"EU", std::vector<double>(8, 1000), 0});
  set_training(in, std::vector<double>(8, 400));
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  EXPECT_TRUE(r->check_failures.empty()) << r->check_failures[0];
  const double a_usd = 1000 * (2.0 * 181 * 24 + 1.8 * 184 * 24 + 1.8 * 1.1 * kYearHours);
  const double b_usd = 400 * (1.5 + 1.5 * 1.05) * kYearHours;
  EXPECT_NEAR(r->cost_by_provider[0].commitments_usd, a_usd, 1e-3);
  EXPECT_NEAR(r->cost_by_provider[1].commitments_usd, b_usd, 1e-3);
  EXPECT_NEAR(r->objective_usd, a_usd + b_usd, 1e-3);

  const double span_s = 2 * kYearHours * 3600;
  auto sim = replay_in_simulator(*r, in, busy_jobs({{"EU", 125}, {"US", 50}}, span_s), span_s);
  ASSERT_TRUE(sim) << sim.error().to_string();
  for (size_t p = 0; p < 2; ++p)
    EXPECT_NEAR(sim->by_provider[p].contract_usd, r->cost_by_provider[p].commitments_usd,
                1e-9 * r->cost_by_provider[p].commitments_usd)
        << in.scenario.providers[p].name;
}

// A two-year contract of 1,000 GPUs at $2 (2026-2027) that may end on 2027-01-01 at a fee;
// demand is 1,000 GPUs in 2026 and none in 2027, so ending it saves $17.52M less the fee.
PlanInputs with_termination(double fee_usd) {
  PlanInputs in = base_inputs(8);
  const int a = add_provider(in, "a");
  const int s = add_site(in, "a-us", a, "US");
  add_contract(in, s, 1000, 2.0, 1.0, 0, 730 * kDay);
  in.scenario.contracts.back().termination = EarlyTermination{365 * kDay, fee_usd, false};
  set_training(in, {1000, 1000, 1000, 1000, 0, 0, 0, 0});
  return in;
}

TEST(PlanSpend, AnEarlyTerminationIsExercisedWhenItsFeeIsBelowWhatItSaves) {
  const double year_usd = 1000 * 2.0 * kYearHours;
  for (double fee : {5e6, 20e6}) {
    PlanInputs in = with_termination(fee);
    auto r = run_plan(in, exact_options());
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
    EXPECT_TRUE(r->check_failures.empty()) << r->check_failures[0];
    ASSERT_EQ(r->terminations.size(), 1u);
    const bool exercise = fee < year_usd;
    EXPECT_EQ(r->terminations[0].exercised, exercise) << "fee $" << fee;
    EXPECT_TRUE(r->terminations[0].decided_by_plan);
    EXPECT_NEAR(r->objective_usd, exercise ? year_usd + fee : 2 * year_usd, 1e-3) << "fee $" << fee;
    EXPECT_NEAR(r->cost_by_provider[0].commitments_usd, exercise ? year_usd + fee : 2 * year_usd, 1e-3);
    EXPECT_NEAR(r->periods[4].committed_ref_gpus, exercise ? 0 : 1000, 1e-6);
  }
}

TEST(PlanSpend, AnExercisedTerminationReplayedInTheSimulatorBillsItsFee) {
  PlanInputs in = with_termination(5e6);
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->terminations.at(0).exercised);
  const double span_s = 2 * kYearHours * 3600;
  auto sim = replay_in_simulator(*r, in, busy_jobs({{"", 125}}, kYearHours * 3600), span_s);
  ASSERT_TRUE(sim) << sim.error().to_string();
  EXPECT_NEAR(sim->by_contract[0].termination_fee_usd, 5e6, 1e-6);
  EXPECT_NEAR(sim->by_provider[0].contract_usd, r->cost_by_provider[0].commitments_usd, 1e-9 * r->cost_by_provider[0].commitments_usd);
  EXPECT_NEAR(sim->by_provider[0].contract_usd, 1000 * 2.0 * kYearHours + 5e6, 1e-3);
}

}  // namespace
}  // namespace gpufleet
