// risk --simulate: each future replayed through the simulator. The period model and the
// simulator agree on what does not depend on queueing (the capacity delivered and what the
// contracts cost) for the same future; the results are the same bytes on 1 and 2 threads; a
// scenario the simulator cannot replay is refused with the reason.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gpufleet/risk.h"

namespace gpufleet {
namespace {

// Two sites, contracts only (take-or-pay, flat prices, whole nodes), no markets, no faults,
// energy not billed, and a demand well below the contracts: nothing queues or is bought.
constexpr const char* kLab = R"yaml(
name: simulated-lab
start: 2026-01-01
horizon: 730d
seed: 11
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700}
  - {name: B200, bf16_tflops: 2250, hbm_gib: 180, board_power_w: 1000, speed_factor: 2.274}
providers: [{name: a}, {name: b}]
sites:
  - {name: a-us, provider: a, region: r1, jurisdiction: US, pue: 1.1, gpus_per_node: 8}
  - {name: b-eu, provider: b, region: r2, jurisdiction: EU, power_cap_mw: 2.0, pue: 1.2, gpus_per_node: 8}
contracts:
  - {name: a-h100, site: a-us, accelerator: H100-SXM, usd_per_gpu_hour: 2.5, start: 2026-01-01, end: 2028-01-01, gpus: 4096}
  - name: a-b200
    site: a-us
    accelerator: B200
    usd_per_gpu_hour: 4.0
    start: 2026-01-01
    end: 2028-01-01
    ramp: [{at: 2026-01-01, gpus: 1024}, {at: 2026-07-01, gpus: 2048}, {at: 2027-01-01, gpus: 4096}]
  - {name: b-h100, site: b-eu, accelerator: H100-SXM, usd_per_gpu_hour: 3.0, start: 2026-01-01, end: 2028-01-01, gpus: 2048}
markets: []
workload:
  from_plan_demand: true
  classes:
    - {name: train, kind: training, arrivals_per_hour: 1, gpus: {64: 0.5, 256: 0.5}, duration_median: 12h, duration_sigma: 0.5, duration_max: 3d}
    - {name: serve, kind: inference, arrivals_per_hour: 1, gpus: {32: 1}, duration_median: 2d, duration_max: 5d}
plan:
  horizon: 2y
  period: quarter
  discount_rate: 0.08
  bill_energy: false
  demand:
    training: {gpu_hours_per_period: 2.0e6, growth_per_year: 1.3, critical_share: 0.5}
    inference:
      - {jurisdiction: EU, gpus: 300, growth_per_year: 1.2, critical_share: 1.0}
  offers:
    - {site: a-us, accelerator: H100-SXM, block_gpus: 256, terms: {1y: 3.5}}
)yaml";

PlanInputs lab() {
  auto in = load_plan_text(kLab, "simulated-lab.yaml");
  EXPECT_TRUE(in) << in.error().to_string();
  EXPECT_TRUE(prepare_plan_inputs(*in));
  return *in;
}

// Deliveries of provider a late by 40 days in every future (a fixed delay: sigma 0), the EU
// site's power 30% short (its contract, 1.72 MW, cut to 1.4 MW), and the EU site down for a
// lognormal time in each year it is hit.
UncertaintySpec late_and_disrupted() {
  UncertaintySpec spec;
  spec.training = {"", DemandModel::lognormal, 0.2, 0.3, {}};
  spec.delivery.push_back({0, 1.0, 40 * 86400.0, 0.0});
  spec.power.push_back({1, 1.0, 0.3, 0.3});
  spec.disruptions.push_back({1, "", 0.7, 20 * 86400.0, 0.5});
  return spec;
}

Result<RiskResult> run(const PlanInputs& in, const UncertaintySpec& spec, RiskFidelity fidelity, int64_t futures, int threads) {
  RiskOptions o;
  o.futures = futures;
  o.threads = threads;
  o.fidelity = fidelity;
  return run_risk(in, spec, {}, o);
}

// The same future through both: the contracts' capacity delivered (late, outside disruptions)
// and their take-or-pay bill agree within kAgreement. Why not exactly: the simulator holds
// whole nodes and accounts by the hour (an outage or a late ramp step starting inside an hour
// is in service for the part of the hour it is), the period model by averages over each
// period; both bill the same take-or-pay on the same calendar and discounting, so anything
// beyond a part in a thousand is a real disagreement (a missed delay, outage or contract).
constexpr double kAgreement = 1e-3;

TEST(RiskSimulate, PeriodModelAndSimulatorAgreeOnCapacityAndCommittedCost) {
  const PlanInputs in = lab();
  const UncertaintySpec spec = late_and_disrupted();
  auto period = run(in, spec, RiskFidelity::period_model, 4, 1);
  auto simulated = run(in, spec, RiskFidelity::simulator, 4, 2);
  ASSERT_TRUE(period) << period.error().to_string();
  ASSERT_TRUE(simulated) << simulated.error().to_string();
  EXPECT_EQ(simulated->fidelity, RiskFidelity::simulator);
  bool some_disrupted = false;
  for (size_t k = 0; k < 4; ++k) {
    const FutureOutcome& p = period->outcomes[k];
    const FutureOutcome& s = simulated->outcomes[k];
    // The same draws.
    EXPECT_EQ(p.delivery_delay_days, s.delivery_delay_days);
    EXPECT_EQ(p.disrupted_days, s.disrupted_days);
    some_disrupted |= s.disrupted_days[1] > 0;
    EXPECT_NEAR(s.capacity_gpu_hours, p.capacity_gpu_hours, kAgreement * p.capacity_gpu_hours) << "future " << k;
    EXPECT_NEAR(s.commitments_usd, p.commitments_usd, kAgreement * p.commitments_usd) << "future " << k;
    for (size_t q = 0; q < p.cost_by_provider_usd.size(); ++q)
      EXPECT_NEAR(s.cost_by_provider_usd[q], p.cost_by_provider_usd[q], kAgreement * p.cost_by_provider_usd[q]) << k << " " << q;
    // Nothing is bought: all of the cost is the contracts'.
    EXPECT_EQ(s.on_demand_usd, 0);
    EXPECT_EQ(s.spot_usd, 0);
    EXPECT_DOUBLE_EQ(s.cost_usd, s.commitments_usd);
    // Idle take-or-pay: what the simulator's jobs did not use, at most the whole bill.
    EXPECT_GT(s.idle_take_or_pay_usd, 0);
    EXPECT_LT(s.idle_take_or_pay_usd, s.commitments_usd);
  }
  EXPECT_TRUE(some_disrupted) << "the test needs a future with a disruption";
  // Without the delay the contracts deliver more: the delay was applied.
  UncertaintySpec on_time = late_and_disrupted();
  on_time.delivery.clear();
  auto early = run(in, on_time, RiskFidelity::simulator, 1, 1);
  ASSERT_TRUE(early) << early.error().to_string();
  EXPECT_GT(early->outcomes[0].capacity_gpu_hours, simulated->outcomes[0].capacity_gpu_hours * 1.01);
}

TEST(RiskSimulate, ShortfallIsTheGrowthOfTheQueuedDemand) {
  PlanInputs in = lab();
  UncertaintySpec none;
  // The forecast, with room: no queue grows.
  auto roomy = run(in, none, RiskFidelity::simulator, 1, 1);
  ASSERT_TRUE(roomy) << roomy.error().to_string();
  double total = 0;
  for (double x : roomy->outcomes[0].shortfall_gpu_hours) total += x;

  EXPECT_LT(total, 0.01 * in.training_ref_gpu_hours[0]);
  // Twenty times the training demand: far more than the contracts; the queue grows every period.
  for (double& x : in.training_ref_gpu_hours) x *= 20;
  auto tight = run(in, none, RiskFidelity::simulator, 1, 1);
  ASSERT_TRUE(tight) << tight.error().to_string();
  const FutureOutcome& o = tight->outcomes[0];
  EXPECT_GT(o.shortfall_by_stream_gpu_hours[0], 0.3 * in.training_ref_gpu_hours[4]);
  EXPECT_GT(tight->shortfall_probability[4], 0.99);
  double streams = 0, periods = 0;
  for (double x : o.shortfall_by_stream_gpu_hours) streams += x;
  for (double x : o.shortfall_gpu_hours) periods += x;
  EXPECT_NEAR(streams, periods, 1e-6 * periods);
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string written(const RiskResult& r, const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet-risk-sim-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(write_risk_results(r, dir.string()));
  const std::string bytes = slurp(dir / "futures.csv") + slurp(dir / "risk.json");
  std::filesystem::remove_all(dir);
  return bytes;
}

TEST(RiskSimulate, SameBytesForOneAndTwoThreads) {
  const PlanInputs in = lab();
  const UncertaintySpec spec = late_and_disrupted();
  auto one = run(in, spec, RiskFidelity::simulator, 5, 1);
  auto two = run(in, spec, RiskFidelity::simulator, 5, 2);
  ASSERT_TRUE(one && two);
  const std::string a = written(*one, "1"), b = written(*two, "2");
  ASSERT_GT(a.size(), 500u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("\"fidelity\": \"simulator\""), std::string::npos);
  // The futures differ (take-or-pay alone does not move the cost here: their demand does).
  EXPECT_NE(one->outcomes[0].demand_multiplier_final[0], one->outcomes[1].demand_multiplier_final[0]);
  EXPECT_LT(one->idle_take_or_pay.p5, one->idle_take_or_pay.p95);
}

TEST(RiskSimulate, AScenarioThatCannotBeSimulatedIsRefused) {
  std::string text = kLab;
  const size_t from = text.find("workload:"), to = text.find("plan:");
  text.erase(from, to - from);
  auto in = load_plan_text(text, "no-workload.yaml");
  ASSERT_TRUE(in) << in.error().to_string();
  auto r = run(*in, UncertaintySpec{}, RiskFidelity::simulator, 2, 1);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("from_plan_demand"), std::string::npos) << r.error().to_string();
  EXPECT_NE(r.error().to_string().find("no-workload.yaml"), std::string::npos) << r.error().to_string();

  // The forecast's jobs fit under max_jobs, a future with three times the training demand does
  // not: refused naming the future, not cut short.
  PlanInputs capped = lab();
  auto forecast = build_plan_demand_workload(capped);
  ASSERT_TRUE(forecast) << forecast.error().to_string();
  capped.scenario.workload.max_jobs = std::round(1.5 * static_cast<double>(forecast->jobs.size()));
  UncertaintySpec high;
  high.training.model = DemandModel::scenarios;
  high.training.scenarios.push_back({"high", 1.0, {3.0, 3.0}});
  auto big = run(capped, high, RiskFidelity::simulator, 2, 2);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().to_string().find("future 0: "), std::string::npos) << big.error().to_string();
  EXPECT_NE(big.error().to_string().find("max_jobs"), std::string::npos) << big.error().to_string();
}

}  // namespace
}  // namespace gpufleet
