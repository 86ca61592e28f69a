// End-to-end tests of `gpufleet risk`: a plan written by `plan --out` evaluated over futures,
// the result folder, thread-count independence of its bytes, and bad input (exit 2, located).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "risk_scenario.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path write_scenario(const fs::path& dir, const std::string& text) {
  const fs::path p = dir / "risk.yaml";
  std::ofstream(p) << text;
  return p;
}

TEST(RiskCommand, APlanOverFuturesIsTheSameForOneAndTwoThreads) {
  const fs::path dir = fresh_dir("risk-plan");
  const fs::path scenario = write_scenario(dir, kRiskScenario);
  const auto p = run_gpufleet("plan " + scenario.string() + " --quiet --out " + (dir / "plan").string());
  ASSERT_EQ(p.status, 0) << p.err << p.out;
  const std::string common = "risk " + scenario.string() + " --plan " + (dir / "plan").string() + " --futures 500 --quiet";
  const auto one = run_gpufleet(common + " --threads 1 --out " + (dir / "one").string());
  ASSERT_EQ(one.status, 0) << one.err << one.out;
  const auto two = run_gpufleet(common + " --threads 2 --out " + (dir / "two").string());
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  const std::string csv = slurp(dir / "one" / "futures.csv");
  EXPECT_EQ(csv, slurp(dir / "two" / "futures.csv"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 501);  // a header and one row per future
  EXPECT_TRUE(fs::exists(dir / "one" / "run.json"));
  const json r = json::parse(slurp(dir / "one" / "risk.json"));
  EXPECT_EQ(r["futures"], 500);
  const auto& cost = r["cost_usd"];
  EXPECT_LE(cost["p5"].get<double>(), cost["p50"].get<double>());
  EXPECT_LE(cost["p50"].get<double>(), cost["p95"].get<double>());
  EXPECT_LE(cost["p95"].get<double>(), cost["cvar95"].get<double>());
  EXPECT_EQ(r["periods"].size(), 8u);
  // The plan's commitments are in: more contracts than the scenario's none.
  EXPECT_GT(r["contracts"].get<int>(), 0);
  // The terminal table names the distribution's columns.
  const auto table = run_gpufleet("risk " + scenario.string() + " --futures 50 --threads 1");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("CVaR95"), std::string::npos);
  EXPECT_NE(table.out.find("inference EU"), std::string::npos);
}

TEST(RiskCommand, BadUncertaintyExitsTwoNamingFileLineAndField) {
  const fs::path dir = fresh_dir("risk-bad");
  std::string text = kRiskScenario;
  text.replace(text.find("volatility: 0.3, correlation: 0.5"), 33, "volatility: 0.3, correlation: 1.5");
  const fs::path scenario = write_scenario(dir, text);
  const auto r = run_gpufleet("risk " + scenario.string() + " --futures 10");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.err.find(scenario.string() + ":29:64:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("uncertainty.demand.training.correlation"), std::string::npos) << r.err;
  const auto zero = run_gpufleet("risk " + scenario.string() + " --futures 0");
  EXPECT_EQ(zero.status, 2);
  EXPECT_NE(zero.err.find("--futures"), std::string::npos) << zero.err;
  const auto no_plan = run_gpufleet("risk " + write_scenario(dir, kRiskScenario).string() + " --plan " + (dir / "nowhere").string());
  EXPECT_EQ(no_plan.status, 2);
  EXPECT_NE(no_plan.err.find("plan.json"), std::string::npos) << no_plan.err;
}

}  // namespace
}  // namespace gpufleet::testing
