// End-to-end tests of `gpufleet plan` and the plan -> simulate loop.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "report/plan_overlay.h"

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
  EXPECT_EQ(slurp(dir / "plan_focus.csv").substr(0, 40), "BillingPeriodStart,BillingPeriodEnd,Char");

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

// A lab of two providers: b's old contract (take-or-pay 0.5) and new contracts or on-demand at
// a; electricity priced at both sites. The workload is the plan's own demand.
constexpr const char* kReplayLab = R"yaml(
name: replay-lab
start: 2026-01-01
horizon: 365d
seed: 5
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700, idle_power_share: 0.2}
providers: [{name: a}, {name: b}]
sites:
  - {name: a-us, provider: a, region: r1, jurisdiction: US, power_cap_mw: 50, pue: 1.2, electricity_usd_per_mwh: 100}
  - {name: b-us, provider: b, region: r2, jurisdiction: US, power_cap_mw: 50, pue: 1.1, electricity_usd_per_mwh: 80}
contracts:
  - {name: old, site: b-us, accelerator: H100-SXM, usd_per_gpu_hour: 2.5, start: 2026-01-01, end: 2027-01-01, gpus: 256, take_or_pay_share: 0.5}
markets:
  - {site: a-us, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.0, on_demand_gpus: 2048}
workload:
  from_plan_demand: true
  classes:
    - {name: runs, kind: training, arrivals_per_hour: 1, gpus: {64: 1}, duration_median: 12h, duration_max: 2d}
plan:
  horizon: 1y
  period: quarter
  demand:
    training: {gpu_hours_per_period: 1.2e6, critical_share: 1.0}
  offers:
    - {site: a-us, accelerator: H100-SXM, block_gpus: 64, terms: {1y: 3.0}}
  policy: {max_provider_share: 1.0}
)yaml";

// plan, then simulate its fleet into the same folder: the report reconciles the two bills per
// provider: each side is what plan.json and summary.json say; a's contracts (take-or-pay in full)
// bill the same to the dollar, as the simulation covers the whole horizon.
TEST(PlanCommand, ThePlansFleetReplayedReconcilesItsBillInTheReport) {
  const fs::path dir = fresh_dir("plan-replay-bill");
  {
    std::ofstream f(dir / "lab.yaml");
    f << kReplayLab;
  }
  const fs::path out = dir / "out";
  auto r = run_gpufleet("plan " + (dir / "lab.yaml").string() + " --quiet --out " + out.string() + " --emit-scenario " +
                        (dir / "planned.yaml").string());
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  r = run_gpufleet("simulate " + (dir / "planned.yaml").string() + " --quiet --no-faults --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  ASSERT_TRUE(fs::exists(out / "plan.json"));
  r = run_gpufleet("report " + out.string() + " -o " + (dir / "report.html").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(slurp(dir / "report.html").find("sim-plan-costs"), std::string::npos);

  auto overlay = report::read_plan_overlay(out.string());
  ASSERT_TRUE(overlay) << overlay.error().to_string();
  ASSERT_TRUE(overlay->has_value());
  const auto& costs = (*overlay)->costs;
  ASSERT_EQ(costs.size(), 2u);
  const json plan = json::parse(slurp(out / "plan.json"));
  const json summary = json::parse(slurp(out / "summary.json"));
  for (const auto& c : costs) {
    // Whole periods simulated: the plan side is plan.json's cost_by_provider over the horizon.
    double plan_commitments = 0, plan_energy = 0;
    for (const auto& row : plan["cost_by_provider"])
      if (row["label"] == c.provider) {
        plan_commitments = row["commitments_usd"].get<double>();
        plan_energy = row["energy_usd"].get<double>();
      }
    EXPECT_NEAR(c.plan_commitments_usd, plan_commitments, 1e-6 * plan_commitments) << c.provider;
    EXPECT_NEAR(c.plan_energy_usd, plan_energy, 1e-6 * plan_energy) << c.provider;
    const json& p = summary["providers"][c.provider];
    EXPECT_NEAR(c.sim_commitments_usd, p["contract_usd"].get<double>(), 1.0 + 1e-6 * c.sim_commitments_usd) << c.provider;
    EXPECT_NEAR(c.sim_energy_usd, p["electricity_usd"].get<double>(), 1.0 + 1e-6 * c.sim_energy_usd) << c.provider;
    EXPECT_GT(c.plan_energy_usd, 0) << c.provider;
    EXPECT_GT(c.sim_energy_usd, 0) << c.provider;
  }
  // Electricity over both providers within 10%: the idle draw of what is held is the same, the
  // busy part follows where the work ran (the simulation puts peaks of 64-GPU jobs on a's
  // on-demand GPUs where the plan's average demand fits the contracts; the table shows it).
  const double plan_energy = costs[0].plan_energy_usd + costs[1].plan_energy_usd;
  EXPECT_NEAR(costs[0].sim_energy_usd + costs[1].sim_energy_usd, plan_energy, 0.10 * plan_energy);
  // a's new contracts are take-or-pay in full: billed alike to the dollar.
  EXPECT_GT(costs[0].plan_commitments_usd, 0);
  EXPECT_NEAR(costs[0].sim_commitments_usd, costs[0].plan_commitments_usd, 1.0 + 1e-6 * costs[0].plan_commitments_usd);
  // b's old contract bills at least its take-or-pay half on both sides.
  const double half = 0.5 * 256 * 2.5 * 8760;
  EXPECT_GE(costs[1].plan_commitments_usd, half - 1);
  EXPECT_GE(costs[1].sim_commitments_usd, half - 1);
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

// The built-in plan's 35% provider share cap binds: plan.json says what the whole cap costs
// (the LP solved again without it) and, in words, what it and each binding limit cost;
// --no-limit-costs skips the re-solve and leaves the marginal sentences.
TEST(PlanCommand, BindingChoicesAndTheWholeCapsCost) {
  const fs::path dir = fresh_dir("plan-binding");
  auto r = run_gpufleet("plan --quiet --out " + (dir / "with").string());
  ASSERT_EQ(r.status, 0) << r.err;
  const json with = json::parse(slurp(dir / "with" / "plan.json"));
  ASSERT_TRUE(with["share_cap_cost_usd"].is_number());
  const double cap_cost = with["share_cap_cost_usd"].get<double>();
  EXPECT_GT(cap_cost, 0);
  ASSERT_GE(with["binding_choices"].size(), 2u);
  EXPECT_EQ(with["binding_choices"][0]["kind"], "share_cap");
  EXPECT_NE(with["binding_choices"][0]["sentence"].get<std::string>().find("The 35% provider share cap as a whole costs $"),
            std::string::npos);
  // The cap as a whole costs more than one point of it for any one provider.
  for (const auto& b : with["binding_choices"])
    if (b["kind"] == "share_point") EXPECT_LT(b["usd_more"].get<double>(), cap_cost) << b["what"];
  r = run_gpufleet("plan --quiet --no-limit-costs --out " + (dir / "without").string());
  ASSERT_EQ(r.status, 0) << r.err;
  const json without = json::parse(slurp(dir / "without" / "plan.json"));
  EXPECT_TRUE(without["share_cap_cost_usd"].is_null());
  ASSERT_FALSE(without["binding_choices"].empty());
  EXPECT_EQ(without["binding_choices"][0]["kind"], "share_point");
  fs::remove_all(dir);
}

TEST(PlanCommand, MissingFileIsBadInput) {
  const auto r = run_gpufleet("plan /nonexistent/plan.yaml");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/plan.yaml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gpufleet::testing

namespace gpufleet::testing {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells(1);
  for (char c : line) {
    if (c == ',') cells.emplace_back();
    else cells.back().push_back(c);
  }
  return cells;
}

// plan.csv: the new commitments (their whole-term bill as plan.json has it, at present value
// too) and then the contracts in force before the plan, each with both ends and reference GPUs.
TEST(PlanCommand, PlanCsvListsNewAndExistingContractsNominalAndAtPresentValue) {
  const fs::path dir = fresh_dir("plan-csv");
  ASSERT_EQ(run_gpufleet("plan --quiet --time-limit 30 --out " + dir.string()).status, 0);
  const json plan = json::parse(slurp(dir / "plan.json"));
  std::istringstream csv(slurp(dir / "plan.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "kind,name,provider,site,accelerator,start,start_date,end_date,term_years,gpus,ref_gpus,usd_per_gpu_hour,total_usd,"
                  "present_value_usd");
  double new_total = 0;
  size_t new_rows = 0;
  std::vector<std::string> existing;
  while (std::getline(csv, line)) {
    const auto cells = split_csv_line(line);
    ASSERT_EQ(cells.size(), 14u) << line;
    const double gpus = std::stod(cells[9]), ref = std::stod(cells[10]), total = std::stod(cells[12]), pv = std::stod(cells[13]);
    EXPECT_GT(gpus, 0) << line;
    EXPECT_GE(ref, gpus) << line;  // every built-in accelerator is at least as fast as the reference
    EXPECT_GT(pv, 0) << line;
    EXPECT_LE(pv, total * (1 + 1e-12)) << line;  // discounting at a positive rate
    EXPECT_LT(cells[6], cells[7]) << line;       // ISO dates: start before end
    if (cells[0] == "new") {
      ++new_rows;
      new_total += total;
    } else {
      ASSERT_EQ(cells[0], "existing") << line;
      existing.push_back(cells[1]);
    }
  }
  double plan_total = 0;
  size_t plan_rows = 0;
  for (const auto& c : plan["commitments"]) {
    ++plan_rows;
    plan_total += c["total_usd"].get<double>();
  }
  EXPECT_EQ(new_rows, plan_rows);
  EXPECT_NEAR(new_total, plan_total, 0.01 * static_cast<double>(plan_rows));
  ASSERT_EQ(existing.size(), plan["existing_contracts"].size());
  for (size_t i = 0; i < existing.size(); ++i) EXPECT_EQ(existing[i], plan["existing_contracts"][i]["name"]);
}

}  // namespace
}  // namespace gpufleet::testing
