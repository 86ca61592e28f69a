// Attribution: every dollar and GPU-hour of a simulation is assigned to a job (and so to a
// tenant and a kind) or to a contract's idle take-or-pay, and the parts sum to the totals.
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A CSV file without quoted cells holding commas, as columns by header name.
std::map<std::string, std::vector<std::string>> read_csv(const fs::path& path) {
  std::istringstream in(slurp(path));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  for (std::istringstream h(line); std::getline(h, line, ',');) names.push_back(line);
  std::map<std::string, std::vector<std::string>> columns;
  for (std::string row; std::getline(in, row);) {
    std::istringstream cells(row + ",");
    size_t i = 0;
    for (std::string cell; std::getline(cells, cell, ',') && i < names.size(); ++i) columns[names[i]].push_back(cell);
  }
  return columns;
}

double sum(const std::vector<std::string>& cells) {
  double s = 0;
  for (const auto& c : cells) s += c.empty() ? 0 : std::stod(c);
  return s;
}

class Attribution : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fresh_dir("attribution"));
    const auto r = run_gpufleet("simulate --quiet --out " + dir_->string());
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static fs::path* dir_;
};
fs::path* Attribution::dir_ = nullptr;

TEST_F(Attribution, JobsCarryNameTenantKindPriorityAccelerator) {
  const auto jobs = read_csv(*dir_ / "jobs.csv");
  for (const char* c : {"name", "tenant", "kind", "priority", "accelerator", "gpus", "contract_usd", "on_demand_usd", "spot_usd"})
    ASSERT_TRUE(jobs.contains(c)) << c;
  // The built-in scenario's fixed jobs are named (a series numbered); class jobs are not.
  int named = 0;
  for (const auto& n : jobs.at("name")) named += !n.empty();
  EXPECT_GT(named, 0);
  EXPECT_NE(std::find(jobs.at("name").begin(), jobs.at("name").end(), "pretrain-us-8k #1"), jobs.at("name").end());
  for (size_t i = 0; i < jobs.at("id").size(); ++i) {
    EXPECT_FALSE(jobs.at("tenant")[i].empty()) << "job " << i;
    const std::string& k = jobs.at("kind")[i];
    EXPECT_TRUE(k == "training" || k == "research" || k == "inference") << k;
    EXPECT_EQ(jobs.at("accelerator")[i].empty(), jobs.at("start_s")[i].empty()) << "job " << i;
    if (i > 2000) break;
  }
}

TEST_F(Attribution, JobCostsBySourceAndIdleTakeOrPaySumToTheBill) {
  const json s = json::parse(slurp(*dir_ / "summary.json"));
  const auto jobs = read_csv(*dir_ / "jobs.csv");
  const double contract = sum(jobs.at("contract_usd")), on_demand = sum(jobs.at("on_demand_usd")), spot = sum(jobs.at("spot_usd"));
  EXPECT_NEAR(sum(jobs.at("cost_usd")), contract + on_demand + spot, 1e-6 * (contract + on_demand + spot) + 1);
  double bill_contract = 0, bill_on_demand = 0, bill_spot = 0, bill_electricity = 0, idle = 0;
  for (const auto& [name, p] : s.at("providers").items()) {
    bill_contract += p.at("contract_usd").get<double>();
    bill_on_demand += p.at("on_demand_usd").get<double>();
    bill_spot += p.at("spot_usd").get<double>();
    bill_electricity += p.at("electricity_usd").get<double>();
    idle += p.at("idle_take_or_pay_usd").get<double>();
    if (p.at("gpu_seconds_busy").get<double>() > 0)
      EXPECT_NEAR(p.at("usd_per_busy_gpu_hour").get<double>(),
                  p.at("cost_usd").get<double>() / (p.at("gpu_seconds_busy").get<double>() / 3600), 1e-6);
  }
  double contracts_idle = 0, contracts_cost = 0;
  for (const auto& [name, c] : s.at("contracts").items()) {
    contracts_idle += c.at("idle_take_or_pay_usd").get<double>();
    contracts_cost += c.at("cost_usd").get<double>();
  }
  EXPECT_GT(idle, 0);  // the built-in AWS ramps are paid ahead of use
  EXPECT_NEAR(contracts_idle, idle, 1e-6 * idle);
  EXPECT_NEAR(contracts_cost, bill_contract, 1e-6 * bill_contract);
  // The jobs' 4-decimal rows round; a tolerance of a cent per thousand jobs.
  const double rounding = 1e-4 * static_cast<double>(jobs.at("id").size());
  EXPECT_NEAR(on_demand, bill_on_demand, rounding + 1e-9 * bill_on_demand);
  EXPECT_NEAR(spot, bill_spot, rounding + 1e-9 * bill_spot);
  EXPECT_NEAR(contract + idle, bill_contract, rounding + 1e-9 * bill_contract);
  // The built-in scenario bills electricity (every site has a price): inside cost_usd.
  EXPECT_GT(bill_electricity, 0);
  EXPECT_NEAR(bill_electricity, s.at("electricity_usd").get<double>(), 1e-6 * bill_electricity);
  EXPECT_NEAR(bill_contract + bill_on_demand + bill_spot + bill_electricity, s.at("cost_usd").get<double>(),
              1e-6 * s.at("cost_usd").get<double>());
}

TEST_F(Attribution, TenantsAndKindsSumToTheJobs) {
  const json s = json::parse(slurp(*dir_ / "summary.json"));
  const auto jobs = read_csv(*dir_ / "jobs.csv");
  for (const char* group : {"tenants", "kinds"}) {
    double cost = 0, gpu_hours = 0;
    int64_t n = 0;
    for (const auto& [name, t] : s.at(group).items()) {
      cost += t.at("cost_usd").get<double>();
      gpu_hours += t.at("gpu_hours_allocated").get<double>();
      n += t.at("jobs").get<int64_t>();
      EXPECT_NEAR(t.at("cost_usd").get<double>(),
                  t.at("contract_usd").get<double>() + t.at("on_demand_usd").get<double>() + t.at("spot_usd").get<double>(), 1e-3);
    }
    EXPECT_EQ(n, static_cast<int64_t>(jobs.at("id").size())) << group;
    EXPECT_NEAR(cost, sum(jobs.at("cost_usd")), 1e-4 * static_cast<double>(n)) << group;
    EXPECT_NEAR(gpu_hours, sum(jobs.at("gpu_hours_allocated")), 1e-4 * static_cast<double>(n)) << group;
  }
  EXPECT_TRUE(s.at("kinds").contains("training"));
  EXPECT_TRUE(s.at("kinds").contains("inference"));
}

TEST_F(Attribution, TimeseriesNamesUnitsAndSplitsByProviderAndSource) {
  const auto ts = read_csv(*dir_ / "timeseries.csv");
  const json s = json::parse(slurp(*dir_ / "summary.json"));
  ASSERT_TRUE(ts.contains("busy_physical_gpus"));
  ASSERT_TRUE(ts.contains("capacity_physical_gpus"));
  double busy_split = 0, spend_split = 0, spend = 0;
  for (const auto& [provider, p] : s.at("providers").items()) {
    ASSERT_TRUE(ts.contains("spend_usd_per_hour_" + provider));
    ASSERT_TRUE(ts.contains("committed_physical_gpus_" + provider));
    spend += sum(ts.at("spend_usd_per_hour_" + provider));
    double provider_spend = 0;
    for (const char* source : {"contract", "on_demand", "spot"}) {
      busy_split += sum(ts.at("busy_physical_gpus_" + provider + "_" + source));
      provider_spend += sum(ts.at("spend_usd_per_hour_" + provider + "_" + source));
    }
    const double electricity = sum(ts.at("spend_usd_per_hour_" + provider + "_electricity"));
    EXPECT_NEAR(electricity, p.at("electricity_usd").get<double>(), 1e-4 * static_cast<double>(ts.at("hour").size()) + 1e-9 * electricity)
        << provider;
    provider_spend += electricity;
    spend_split += provider_spend;
    const double bill = p.at("cost_usd").get<double>();
    EXPECT_NEAR(provider_spend, bill, 1e-4 * static_cast<double>(ts.at("hour").size()) + 1e-9 * bill) << provider;
  }
  const double rows = static_cast<double>(ts.at("hour").size());
  EXPECT_NEAR(busy_split, sum(ts.at("busy_physical_gpus")), 1e-3 * rows * 9);
  EXPECT_NEAR(spend_split, spend, 1e-4 * rows * 9);
}

}  // namespace
}  // namespace gpufleet::testing
