// End-to-end tests of `gpufleet plan --futures N`: the stochastic plan's summary on the
// terminal, stochastic.json beside plan.json, the same bytes for one and two threads, and bad
// input (exit 2, naming the field).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One provider in two jurisdictions, a year of quarters, demand that may grow faster or slower
// than forecast and deliveries that may slip.
const char* kScenario = R"(name: stochastic-e2e
start: 2026-01-01
horizon: 30d
seed: 11
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700, speed_factor: 1.0}
providers:
  - name: aws
  - name: gcp
sites:
  - {name: aws-east, provider: aws, region: us-east-1, jurisdiction: US, pue: 1.2, electricity_usd_per_mwh: 80}
  - {name: gcp-eu, provider: gcp, region: europe-west4, jurisdiction: EU, pue: 1.1, electricity_usd_per_mwh: 90}
markets:
  - {site: aws-east, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.0, on_demand_gpus: 2048}
  - {site: gcp-eu, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.5, on_demand_gpus: 2048}
plan:
  horizon: 1y
  period: quarter
  discount_rate: 0.08
  demand:
    training: {gpu_hours_per_period: 4.0e6, growth_per_year: 1.5, critical_share: 0.5}
    inference:
      - {jurisdiction: EU, gpus: 400, growth_per_year: 1.2, critical_share: 0.9}
  offers:
    - {site: aws-east, accelerator: H100-SXM, terms: {1y: 3.0}, block_gpus: 128}
    - {site: gcp-eu, accelerator: H100-SXM, terms: {1y: 3.2}, block_gpus: 128}
uncertainty:
  shortfall_penalty_usd_per_ref_gpu_hour: 15
  demand:
    training: {model: lognormal, volatility: 0.3}
  delivery:
    - {provider: gcp, probability: 0.5, delay: {median: 45d, sigma: 0.5}}
)";

fs::path write_scenario(const fs::path& dir, const std::string& text) {
  const fs::path p = dir / "stochastic.yaml";
  std::ofstream(p) << text;
  return p;
}

TEST(StochasticPlanCommand, WritesItsSummaryBesideThePlanWhateverTheThreads) {
  const fs::path dir = fresh_dir("stochastic-plan");
  const fs::path scenario = write_scenario(dir, kScenario);
  const std::string common = "plan " + scenario.string() + " --futures 8 --evaluation-futures 6 --evpi-futures 2 --gap 1e-6";
  const auto one = run_gpufleet(common + " --threads 1 --out " + (dir / "one").string());
  ASSERT_EQ(one.status, 0) << one.err << one.out;
  const auto two = run_gpufleet(common + " --threads 2 --out " + (dir / "two").string());
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_NE(one.out.find("Stochastic plan: 8 futures (seed 11)"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("value of the stochastic solution"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("expected value of perfect information"), std::string::npos) << one.out;
  EXPECT_EQ(slurp(dir / "one" / "stochastic.json"), slurp(dir / "two" / "stochastic.json"));
  // plan.json holds the passes' wall times; its commitments are the same.
  EXPECT_EQ(json::parse(slurp(dir / "one" / "plan.json"))["commitments"], json::parse(slurp(dir / "two" / "plan.json"))["commitments"]);
  const json s = json::parse(slurp(dir / "one" / "stochastic.json"));
  EXPECT_EQ(s["futures"], 8);
  EXPECT_EQ(s["seed"], 11);
  EXPECT_EQ(s["status"], "optimal");
  EXPECT_EQ(s["future_cost_usd"].size(), 8u);
  EXPECT_EQ(s["value_of_stochastic_solution"]["futures"], 6);
  EXPECT_EQ(s["value_of_stochastic_solution"]["seed"], 12);
  EXPECT_GE(s["expected_value_of_perfect_information"]["evpi_usd"].get<double>(), 0);
  double mean = 0;
  for (const auto& c : s["future_cost_usd"]) mean += c.get<double>() / 8;
  EXPECT_NEAR(mean, s["expected_cost_usd"].get<double>(), 1e-9 * mean);
  EXPECT_GE(s["cvar_usd"].get<double>(), s["expected_cost_usd"].get<double>());
  EXPECT_FALSE(json::parse(slurp(dir / "one" / "plan.json"))["commitments"].empty());
  // Another seed, other futures, another plan cost.
  const auto other = run_gpufleet(common + " --seed 12 --quiet");
  ASSERT_EQ(other.status, 0) << other.err;
  EXPECT_NE(other.out.find("Stochastic plan: 8 futures (seed 12)"), std::string::npos) << other.out;
}

// Out of time before any plan: exit 3, and neither the terminal nor stochastic.json gives a cost.
TEST(StochasticPlanCommand, NoPlanInTimeGivesNoCost) {
  const fs::path dir = fresh_dir("stochastic-no-plan");
  // The built-in plan: 200 futures' LPs take seconds to build and solve, far past 0.1 s.
  const auto r = run_gpufleet("plan --futures 200 --evaluation-futures 0 --time-limit 0.1 --out " + (dir / "out").string());
  ASSERT_EQ(r.status, 3) << r.err << r.out;
  EXPECT_NE(r.out.find("no plan, so no cost over the futures"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("expected cost $0"), std::string::npos) << r.out;
  const json s = json::parse(slurp(dir / "out" / "stochastic.json"));
  EXPECT_EQ(s["status"], "no_plan_found");
  EXPECT_TRUE(s["expected_cost_usd"].is_null());
  EXPECT_TRUE(s["objective_usd"].is_null());
}

TEST(StochasticPlanCommand, BadInputExitsTwoNamingTheField) {
  const fs::path dir = fresh_dir("stochastic-bad");
  std::string text = kScenario;
  text.erase(text.find("  shortfall_penalty_usd_per_ref_gpu_hour: 15\n"), 45);
  const fs::path no_penalty = write_scenario(dir, text);
  const auto r = run_gpufleet("plan " + no_penalty.string() + " --futures 4");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.err.find("uncertainty.shortfall_penalty_usd_per_ref_gpu_hour"), std::string::npos) << r.err;
  const fs::path scenario = write_scenario(dir, kScenario);
  const auto seed_alone = run_gpufleet("plan " + scenario.string() + " --seed 3");
  EXPECT_EQ(seed_alone.status, 2);
  EXPECT_NE(seed_alone.err.find("--futures"), std::string::npos) << seed_alone.err;
  const auto alpha = run_gpufleet("plan " + scenario.string() + " --futures 4 --cvar-alpha 1");
  EXPECT_EQ(alpha.status, 2);
  EXPECT_NE(alpha.err.find("--cvar-alpha"), std::string::npos) << alpha.err;
  const auto evpi = run_gpufleet("plan " + scenario.string() + " --futures 4 --evpi-futures 5");
  EXPECT_EQ(evpi.status, 2);
  EXPECT_NE(evpi.err.find("--evpi-futures"), std::string::npos) << evpi.err;
  text = kScenario;
  text.replace(text.find("shortfall_penalty_usd_per_ref_gpu_hour: 15"), 42, "shortfall_penalty_usd_per_ref_gpu_hour: -1");
  const auto negative = run_gpufleet("plan " + write_scenario(dir, text).string() + " --futures 4");
  EXPECT_EQ(negative.status, 2);
  EXPECT_NE(negative.err.find("stochastic.yaml:28:"), std::string::npos) << negative.err;
}

}  // namespace
}  // namespace gpufleet::testing
