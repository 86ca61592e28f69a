// Futures are drawn from (seed, index) alone: the results, and the bytes of futures.csv, are
// the same for any thread count; a different seed draws different futures.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gpufleet/risk.h"

namespace gpufleet {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The built-in plan scenario with every source of uncertainty switched on.
PlanInputs uncertain_builtin(UncertaintySpec& spec) {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  EXPECT_TRUE(in) << in.error().to_string();
  spec.training = {"", DemandModel::lognormal, 0.3, 0.5, {}};
  for (const auto& d : in->inference) spec.inference.push_back({d.jurisdiction, DemandModel::normal, 0.15, 0.2, {}});
  spec.delivery.push_back({0, 0.5, 120 * 86400.0, 0.6});
  spec.power.push_back({0, 0.4, 0.1, 0.5});
  for (int p = 0; p < static_cast<int>(in->scenario.providers.size()); ++p) spec.prices.push_back({p, 0.2, 0.4});
  spec.disruptions.push_back({1, "", 0.2, 90 * 86400.0, 0.5});
  spec.disruptions.push_back({-1, in->scenario.sites.back().jurisdiction, 0.1, 60 * 86400.0, 0.5});
  return *in;
}

std::string futures_csv(const PlanInputs& in, const UncertaintySpec& spec, int threads, const std::string& tag) {
  RiskOptions options;
  options.futures = 300;  // several chunks of 64, so that threads interleave
  options.threads = threads;
  auto r = run_risk(in, spec, {}, options);
  EXPECT_TRUE(r) << r.error().to_string();
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet-risk-det-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(write_risk_results(*r, dir.string()));
  const std::string csv = slurp(dir / "futures.csv") + slurp(dir / "risk.json");
  std::filesystem::remove_all(dir);
  return csv;
}

TEST(RiskDeterminism, SameBytesForOneAndTwoThreads) {
  UncertaintySpec spec;
  PlanInputs in = uncertain_builtin(spec);
  const std::string one = futures_csv(in, spec, 1, "1");
  const std::string two = futures_csv(in, spec, 2, "2");
  ASSERT_GT(one.size(), 1000u);
  EXPECT_EQ(one, two);
  // The draws are really random: another seed gives other futures.
  in.scenario.seed += 1;
  EXPECT_NE(futures_csv(in, spec, 2, "3"), one);
}

TEST(RiskDeterminism, AFutureDoesNotDependOnTheOthers) {
  UncertaintySpec spec;
  PlanInputs in = uncertain_builtin(spec);
  RiskOptions few, many;
  few.futures = 10;
  many.futures = 100;
  many.threads = 2;
  auto a = run_risk(in, spec, {}, few);
  auto b = run_risk(in, spec, {}, many);
  ASSERT_TRUE(a && b);
  for (size_t k = 0; k < 10; ++k) EXPECT_EQ(a->outcomes[k].cost_usd, b->outcomes[k].cost_usd) << k;
  // Uncertainty moves the cost: the futures differ.
  EXPECT_LT(b->cost.p5, b->cost.p95);
}

}  // namespace
}  // namespace gpufleet
