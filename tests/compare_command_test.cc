// End-to-end tests of `gpufleet compare`: two plans evaluated by `risk` on the same futures,
// and a plan folder, side by side (the regret recomputed here from futures.csv), the page it
// draws; and the folders it refuses with exit 2: no known kind, other futures, other seeds.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "html_checks.h"
#include "risk_fixture.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The cost_usd column of a futures.csv (its names hold no commas here).
std::vector<double> future_costs(const fs::path& csv) {
  std::stringstream in(slurp(csv));
  std::string line;
  std::getline(in, line);
  size_t column = 0;
  {
    std::stringstream header(line);
    std::string cell;
    for (size_t i = 0; std::getline(header, cell, ','); ++i)
      if (cell == "cost_usd") column = i;
  }
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string cell;
    for (size_t i = 0; std::getline(row, cell, ','); ++i)
      if (i == column) out.push_back(std::stod(cell));
  }
  return out;
}

class CompareCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("compare");
    const std::string failed = write_two_plans_on_the_same_futures(dir_);
    ASSERT_EQ(failed, "");
  }
  static fs::path dir_;
};
fs::path CompareCommand::dir_;

TEST_F(CompareCommand, TwoRisksAndAPlanSideBySideWithRegret) {
  const fs::path a = dir_ / "risk-a", b = dir_ / "risk-b", html = dir_ / "compare.html";
  const auto r = run_gpufleet("compare " + a.string() + " " + b.string() + " " + (dir_ / "plan-a").string() + " --report " + html.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("CVaR95"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Regret"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the same 200 futures of risk-e2e, seed 7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Contracts (GPUs"), std::string::npos) << r.out;  // per provider, kind and start year
  // The regret, recomputed from the two futures.csv.
  const auto ca = future_costs(a / "futures.csv"), cb = future_costs(b / "futures.csv");
  ASSERT_EQ(ca.size(), 200u);
  ASSERT_EQ(cb.size(), 200u);
  double mean_a = 0, max_b = 0;
  for (size_t k = 0; k < ca.size(); ++k) {
    const double best = std::min(ca[k], cb[k]);
    mean_a += (ca[k] - best) / 200.0;
    max_b = std::max(max_b, cb[k] - best);
  }
  const json d = page_data(slurp(html))["compare"];
  ASSERT_EQ(d["regret"]["rows"].size(), 2u);
  EXPECT_NEAR(d["regret"]["rows"][0]["mean_usd"].get<double>(), mean_a, 1e-6 * std::max(1.0, mean_a));
  EXPECT_NEAR(d["regret"]["rows"][1]["max_usd"].get<double>(), max_b, 1e-6 * std::max(1.0, max_b));
  // The plans differ, so one of them regrets something somewhere.
  EXPECT_GT(mean_a + max_b, 0);
  // One CDF per folder; the risk folders' cost P95 is risk.json's.
  EXPECT_EQ(d["cdfs"].size(), 3u);
  const json ra = json::parse(slurp(a / "risk.json"));
  EXPECT_EQ(d["folders"][0]["p95"], ra["cost_usd"]["p95"]);
  EXPECT_EQ(d["folders"][2]["kind"], "plan");
}

// A risk folder records the contracts it evaluated (risk.json contract_terms): the scenario's
// as existing, the plan's commitments as new, as signed; compare shows them per provider,
// kind and start year beside the plan folder's, so risk-a's column is plan-a's.
TEST_F(CompareCommand, RiskFoldersShowTheContractsTheyEvaluated) {
  const json ra = json::parse(slurp(dir_ / "risk-a" / "risk.json")), pa = json::parse(slurp(dir_ / "plan-a" / "plan.json"));
  ASSERT_TRUE(ra["contract_terms"].is_array());
  EXPECT_EQ(ra["contract_terms"].size(), ra["contracts"].get<size_t>());
  std::vector<json> fresh;
  size_t existing = 0;
  for (const auto& c : ra["contract_terms"]) (c["kind"] == "new" ? fresh.push_back(c) : void(++existing));
  EXPECT_EQ(existing, pa["existing_contracts"].size());
  ASSERT_EQ(fresh.size(), pa["commitments"].size());
  ASSERT_GT(fresh.size(), 0u);
  for (size_t i = 0; i < fresh.size(); ++i) {
    const json& p = pa["commitments"][i];
    EXPECT_EQ(fresh[i]["provider"], p["provider"]) << i;
    EXPECT_EQ(fresh[i]["site"], p["site"]) << i;
    EXPECT_EQ(fresh[i]["accelerator"], p["accelerator"]) << i;
    EXPECT_EQ(fresh[i]["gpus"], p["gpus"]) << i;
    EXPECT_EQ(fresh[i]["from"], p["from"]) << i;
    EXPECT_EQ(fresh[i]["to"], p["to"]) << i;
    EXPECT_EQ(fresh[i]["usd_per_gpu_hour"], p["usd_per_gpu_hour"]) << i;
  }
  const fs::path html = dir_ / "compare-contracts.html";
  const std::string a = (dir_ / "risk-a").string(), b = (dir_ / "risk-b").string(), plan_a = (dir_ / "plan-a").string(),
                    plan_b = (dir_ / "plan-b").string();
  const auto r = run_gpufleet("compare " + a + " " + b + " " + plan_a + " " + plan_b + " --report " + html.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const json d = page_data(slurp(html))["compare"];
  EXPECT_EQ(d["commitment_labels"].size(), 4u);
  double new_a = 0, new_b = 0;
  bool differ = false;
  for (const auto& row : d["commitments"]) {
    EXPECT_EQ(row[a], row[plan_a]) << row.dump();  // risk-a evaluated plan-a's contracts
    EXPECT_EQ(row[b], row[plan_b]) << row.dump();
    if (row["kind"] == "new") new_a += row[a].get<double>(), new_b += row[b].get<double>();
    differ = differ || row[a] != row[b];
  }
  double planned_a = 0;
  for (const auto& c : pa["commitments"]) planned_a += c["gpus"].get<double>();
  EXPECT_EQ(new_a, planned_a);
  EXPECT_GT(new_b, 0);
  EXPECT_TRUE(differ) << "plans for 1.5x and 2x growth sign the same contracts";
}

TEST_F(CompareCommand, FoldersOfNoKnownKindOrOtherFuturesExitTwo) {
  const fs::path a = dir_ / "risk-a";
  const fs::path empty = fresh_dir("compare-empty");
  const auto unknown = run_gpufleet("compare " + a.string() + " " + empty.string());
  EXPECT_EQ(unknown.status, 2) << unknown.out;
  EXPECT_NE(unknown.err.find(empty.string()), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("risk.json"), std::string::npos) << unknown.err;

  const fs::path scenario = dir_ / "risk.yaml";
  const fs::path fewer = dir_ / "fewer", reseeded = dir_ / "reseeded";
  ASSERT_EQ(run_gpufleet("risk " + scenario.string() + " --futures 100 --quiet --out " + fewer.string()).status, 0);
  ASSERT_EQ(run_gpufleet("risk " + scenario.string() + " --futures 200 --seed 8 --quiet --out " + reseeded.string()).status, 0);
  const auto count = run_gpufleet("compare " + a.string() + " " + fewer.string());
  EXPECT_EQ(count.status, 2);
  EXPECT_NE(count.err.find((fewer / "risk.json").string() + ": futures: 100"), std::string::npos) << count.err;
  EXPECT_NE(count.err.find("same futures"), std::string::npos) << count.err;
  const auto seed = run_gpufleet("compare " + a.string() + " " + reseeded.string());
  EXPECT_EQ(seed.status, 2);
  EXPECT_NE(seed.err.find((reseeded / "risk.json").string() + ": seed: 8"), std::string::npos) << seed.err;
  // Another uncertainty section, same seed and count: the draws differ in futures.csv.
  std::string other = kRiskScenario;
  other.replace(other.find("volatility: 0.3, correlation: 0.5"), 33, "volatility: 0.4, correlation: 0.5");
  const fs::path drawn = dir_ / "other-draws";
  ASSERT_EQ(run_gpufleet("risk " + write_risk_scenario(dir_, other, "other.yaml").string() + " --futures 200 --quiet --out " + drawn.string())
                .status,
            0);
  const auto draws = run_gpufleet("compare " + a.string() + " " + drawn.string());
  EXPECT_EQ(draws.status, 2);
  EXPECT_NE(draws.err.find((drawn / "futures.csv").string() + ":2:"), std::string::npos) << draws.err;
  // A single folder is a usage error.
  EXPECT_NE(run_gpufleet("compare " + a.string()).status, 0);
  // A missing folder names itself.
  const auto missing = run_gpufleet("compare " + a.string() + " " + (dir_ / "nowhere").string());
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find((dir_ / "nowhere").string()), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace gpufleet::testing
