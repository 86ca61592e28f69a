// End-to-end tests of `gpufleet risk --sweep`: the tornado over the same futures (a swept value
// equal to the scenario's gives the scenario's cost exactly; more demand growth costs more),
// sweep.json in the results folder, and bad sweeps (exit 2 naming the field and the nearest).
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "risk_fixture.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(RiskSweep, TornadoOverTheSameFutures) {
  const fs::path dir = fresh_dir("risk-sweep");
  const fs::path scenario = write_risk_scenario(dir, kRiskScenario);
  const auto r = run_gpufleet("risk " + scenario.string() +
                              " --futures 200 --threads 2 --quiet --out " + (dir / "out").string() +
                              " --sweep plan.demand.training.growth_per_year=1.2,1.5,1.8"
                              " --sweep 'markets[1].on_demand_usd_per_gpu_hour=5,6.5,8'"
                              " --sweep 'sites[gcp-eu].power_cap_mw=50'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Sweep: cost mean over the same 200 futures"), std::string::npos) << r.out;
  const json risk = json::parse(slurp(dir / "out" / "risk.json"));
  const json sweep = json::parse(slurp(dir / "out" / "sweep.json"));
  const double base = risk["cost_usd"]["mean"].get<double>();
  EXPECT_EQ(sweep["baseline_cost_mean_usd"].get<double>(), base);
  EXPECT_EQ(sweep["futures"], 200);
  ASSERT_EQ(sweep["fields"].size(), 3u);
  // Largest swing first.
  for (size_t i = 1; i < 3; ++i)
    EXPECT_GE(sweep["fields"][i - 1]["swing_usd"].get<double>(), sweep["fields"][i]["swing_usd"].get<double>());
  for (const auto& f : sweep["fields"]) {
    // The scenario's own value reproduces the scenario's cost exactly: the same futures.
    int own = 0;
    for (const auto& run : f["runs"]) {
      if (run["value"] != f["scenario_value"]) continue;
      EXPECT_EQ(run["cost_usd"]["mean"].get<double>(), base) << f["field"];
      ++own;
    }
    EXPECT_EQ(own, 1) << f["field"] << ": each sweep holds the scenario's own value once";
    EXPECT_LE(f["low_cost_mean_usd"].get<double>(), f["high_cost_mean_usd"].get<double>());
    EXPECT_DOUBLE_EQ(f["swing_usd"].get<double>(), f["high_cost_mean_usd"].get<double>() - f["low_cost_mean_usd"].get<double>());
    if (f["field"] == "plan.demand.training.growth_per_year") {
      // More growth, more demand, more cost.
      EXPECT_EQ(f["low_value"], 1.2);
      EXPECT_EQ(f["high_value"], 1.8);
      EXPECT_GT(f["swing_usd"].get<double>(), 0);
    }
    if (f["field"] == "sites[gcp-eu].power_cap_mw") {
      EXPECT_EQ(f["swing_usd"].get<double>(), 0);  // one value, the scenario's
    }
  }
  // run.json records sweep.json with the risk run, and the report draws it.
  EXPECT_NE(slurp(dir / "out" / "run.json").find("sweep.json"), std::string::npos);
  const auto page = run_gpufleet("report " + (dir / "out").string() + " -o " + (dir / "report.html").string());
  ASSERT_EQ(page.status, 0) << page.err;
  EXPECT_NE(slurp(dir / "report.html").find("\"sweep\":"), std::string::npos);
}

TEST(RiskSweep, BadSweepsExitTwoNamingTheFieldAndTheNearest) {
  const fs::path dir = fresh_dir("risk-sweep-bad");
  const std::string risk = "risk " + write_risk_scenario(dir, kRiskScenario).string() + " --futures 20 --quiet --sweep ";
  struct Case {
    std::string sweep, expected;
  };
  for (const Case& c : {Case{"plan.demand.training.growth=1,2", "no key 'growth' (nearest: growth_per_year)"},
                        Case{"'sites[aws-est].power_cap_mw=1'", "no element named 'aws-est' (nearest: aws-east)"},
                        Case{"'markets[7].on_demand_usd_per_gpu_hour=1'", "2 elements, [0] to [1]"},
                        Case{"plan.demand=1", "holds a map; expected a number"},
                        Case{"name=1", "holds 'risk-e2e'; expected a number"},
                        Case{"plan.demand.training.growth_per_year=1,fast", "'fast' is not a number"},
                        Case{"plan.demand.training.growth_per_year", "no FIELD="},
                        Case{"'sites[aws-east].power_cap_mw=-5'", "sites[aws-east].power_cap_mw=-5: the scenario refuses it"}}) {
    const auto r = run_gpufleet(risk + c.sweep);
    EXPECT_EQ(r.status, 2) << c.sweep << "\n" << r.out;
    EXPECT_NE(r.err.find("--sweep"), std::string::npos) << c.sweep << ": " << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.sweep << ": " << r.err;
    EXPECT_EQ(r.out.find("futures, cost mean"), std::string::npos) << c.sweep << ": refused before any future";
  }
}

}  // namespace
}  // namespace gpufleet::testing
