// End-to-end tests of `gpufleet plan` and the plan -> simulate loop.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The built-in seven-year plan solves within the promised 0.5% gap, passes its own checks, and
// the scenario it emits simulates: the loop the README shows.
TEST(PlanCommand, DefaultPlanThenSimulateItsContracts) {
  const fs::path dir = fresh_dir("plan-default");
  const auto r = run_gpufleet("plan --quiet --out " + dir.string() + " --emit-scenario " +
                              (dir / "planned.yaml").string());
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  const json plan = json::parse(slurp(dir / "plan.json"));
  EXPECT_EQ(plan["status"], "optimal");
  EXPECT_LE(plan["solver"]["gap"].get<double>(), 0.005);
  EXPECT_TRUE(plan["check_failures"].empty()) << plan["check_failures"].dump();
  ASSERT_FALSE(plan["commitments"].empty());
  EXPECT_TRUE(fs::exists(dir / "plan.csv"));

  const auto v = run_gpufleet("validate " + (dir / "planned.yaml").string());
  ASSERT_EQ(v.status, 0) << v.err;
  const auto s = run_gpufleet("simulate " + (dir / "planned.yaml").string() + " --quiet --out " +
                              (dir / "sim").string());
  ASSERT_EQ(s.status, 0) << s.err;
  const json summary = json::parse(slurp(dir / "sim" / "summary.json"));
  EXPECT_GT(summary["completed"].get<int64_t>(), 0);
  EXPECT_GT(summary["cost_usd"].get<double>(), 0);
  // Every provider the plan commits to is paid in the simulation.
  for (const auto& c : plan["commitments"])
    EXPECT_GT(summary["cost_usd_by_provider"][c["provider"].get<std::string>()].get<double>(), 0)
        << c["provider"];
}

TEST(PlanCommand, RelaxationIsALowerBoundOfThePlan) {
  const fs::path a = fresh_dir("plan-relax"), b = fresh_dir("plan-milp");
  ASSERT_EQ(run_gpufleet("plan --quiet --relax --out " + a.string()).status, 0);
  ASSERT_EQ(run_gpufleet("plan --quiet --out " + b.string()).status, 0);
  const double lp = json::parse(slurp(a / "plan.json"))["solver"]["objective_usd"].get<double>();
  const double milp = json::parse(slurp(b / "plan.json"))["solver"]["objective_usd"].get<double>();
  EXPECT_LE(lp, milp * (1 + 1e-9));
  EXPECT_GE(lp, milp * (1 - 0.005));
}

TEST(PlanCommand, MissingFileIsBadInput) {
  const auto r = run_gpufleet("plan /nonexistent/plan.yaml");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/plan.yaml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gpufleet::testing
