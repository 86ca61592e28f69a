// focus.csv of a simulation: the bill line by line, in the FOCUS format, sums to what
// summary.json says was spent (to the cent), per provider and per source (electricity its
// own); contracts split
// into used and idle take-or-pay parts, spend commitments into drawn and shortfall; a row per
// whole UTC day.
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpufleet/simulate.h"
#include "io/csv_scanner.h"
#include "io/results/focus_test_reader.h"
#include "io/results/focus_writer.h"
#include "sim/sim_test_fixtures.h"
#include "util/atomic_file.h"
#include "util/rng.h"
#include "util/time_parse.h"

namespace gpufleet {
namespace {

constexpr double kCent = 0.005;

// Two providers over ten days across a month's end: p0 has a take-or-pay contract ended early
// (a fee) and on-demand GPUs, p1 on-demand GPUs under a spend commitment from day 2, and spot.
// Electricity is billed at $100/MWh at p0's site and $50 at p1's.
Scenario billing_scenario() {
  Scenario s = testing::one_site_scenario(64, 10 * kSecondsPerDay);
  s.name = "billing";
  s.start_unix_s = *parse_iso_datetime("2026-01-27T00:00:00Z");
  s.accelerators[0].idle_power_share = 0.25;
  s.sites[0].region = "r0";
  s.sites[0].electricity_usd_per_mwh = 100;
  s.contracts[0].termination = EarlyTermination{6 * kSecondsPerDay, 1000, true};
  s.providers.push_back({"p1"});
  Site b = s.sites[0];
  b.name = "s1";
  b.provider = 1;
  b.region = "r1";
  b.electricity_usd_per_mwh = 50;
  s.sites.push_back(b);
  Market m0;
  m0.site = 0;
  m0.accelerator = 0;
  m0.on_demand_usd_per_gpu_hour = 3;
  m0.on_demand_gpus = 32;
  s.markets.push_back(m0);
  Market m1;
  m1.site = 1;
  m1.accelerator = 0;
  m1.on_demand_usd_per_gpu_hour = 4;
  m1.on_demand_gpus = 64;
  m1.spot_usd_per_gpu_hour = 1.5;
  m1.spot_gpus = 32;
  s.markets.push_back(m1);
  SpendCommitment sc;
  sc.name = "sc0";
  sc.provider = 1;
  sc.start_s = 2 * kSecondsPerDay;
  sc.end_s = 367 * kSecondsPerDay;
  sc.usd_per_year = 4e6;  // more than ten days draw: a shortfall at the horizon
  sc.discount = 0.25;
  s.spend_commitments.push_back(sc);
  return s;
}

Workload busy_workload() {
  Rng rng(11);
  std::vector<testing::JobSpec> specs;
  double t = 0;
  const uint32_t sizes[] = {1, 2, 4, 8, 16, 3};
  while (t < 10 * kSecondsPerDay) {
    t += rng.exponential(1 / 90.0);
    specs.push_back({t, sizes[rng.below(6)], rng.lognormal(3600, 1.0)});
  }
  return testing::make_workload(specs);
}

double number(const std::map<std::string, std::string>& row, const char* column) {
  const auto v = parse_csv_double(row.at(column));
  EXPECT_TRUE(v) << column << ": " << row.at(column);
  return v ? *v : 0;
}

class FocusBill : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = billing_scenario();
    workload_ = busy_workload();
    auto r = simulate(scenario_, workload_);
    ASSERT_TRUE(r) << r.error().to_string();
    results_ = *r;
    dir_ = std::filesystem::temp_directory_path() / ("gpufleet_focus_bill_" + std::to_string(::getpid()));
    ASSERT_TRUE(write_sim_results(results_, scenario_, workload_, dir_.string()));
    table_ = testing::read_focus_table((dir_ / "focus.csv").string());
    auto text = read_file((dir_ / "summary.json").string());
    ASSERT_TRUE(text);
    summary_ = nlohmann::json::parse(*text);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Scenario scenario_;
  Workload workload_;
  SimResults results_;
  std::filesystem::path dir_;
  testing::FocusTable table_;
  nlohmann::json summary_;
};

TEST_F(FocusBill, EveryRowIsAWholeUtcDayOfTheBillingMonth) {
  std::string header;
  for (const auto& h : table_.header) header += (header.empty() ? "" : ",") + h;
  EXPECT_EQ(header, focus_header());
  ASSERT_GT(table_.rows.size(), 20u);
  std::map<std::string, int> months;
  for (const auto& row : table_.rows) {
    const auto from = parse_iso_datetime(row.at("ChargePeriodStart")), to = parse_iso_datetime(row.at("ChargePeriodEnd"));
    ASSERT_TRUE(from && to) << row.at("ChargePeriodStart");
    EXPECT_EQ(*from % 86400, 0) << row.at("ChargePeriodStart");
    EXPECT_EQ(*to - *from, 86400);
    EXPECT_GE(*from, scenario_.start_unix_s);
    EXPECT_LT(*from, scenario_.start_unix_s + 10 * 86400);
    EXPECT_EQ(row.at("BillingPeriodStart"), format_iso_datetime(month_start_unix_s(*from)));
    EXPECT_EQ(row.at("BillingPeriodEnd"), format_iso_datetime(next_month_start_unix_s(*from)));
    ++months[row.at("BillingPeriodStart")];
    const bool electricity = nlohmann::json::parse(row.at("Tags")).at("source") == "electricity";
    EXPECT_EQ(row.at("ServiceCategory"), electricity ? "Other" : "Compute");
    EXPECT_EQ(row.at("PricingUnit"), "GPU-Hours");
    EXPECT_EQ(row.at("BillingCurrency"), "USD");
    EXPECT_GE(number(row, "PricingQuantity"), 0);
    EXPECT_EQ(row.at("BilledCost"), row.at("EffectiveCost"));
    EXPECT_GE(number(row, "ListCost"), number(row, "BilledCost") - 1e-6);
    // FOCUS: a commitment's usage rows say whether they used it or not.
    if (!row.at("CommitmentDiscountId").empty() && row.at("ChargeCategory") == "Usage") {
      EXPECT_TRUE(row.at("CommitmentDiscountStatus") == "Used" || row.at("CommitmentDiscountStatus") == "Unused");
    }
    if (row.at("CommitmentDiscountId").empty()) { EXPECT_EQ(row.at("CommitmentDiscountStatus"), ""); }
    EXPECT_TRUE(nlohmann::json::parse(row.at("Tags")).is_object());
  }
  EXPECT_EQ(months.size(), 2u);  // January and February
}

TEST_F(FocusBill, BilledCostSumsToTheSummarysSpendPerProviderAndSource) {
  double total = 0;
  std::map<std::string, std::map<std::string, double>> by;  // provider -> source -> USD
  for (const auto& row : table_.rows) {
    const double usd = number(row, "BilledCost");
    total += usd;
    by[row.at("ProviderName")][nlohmann::json::parse(row.at("Tags")).at("source").get<std::string>()] += usd;
    by[row.at("ProviderName")]["all"] += usd;
  }
  EXPECT_NEAR(total, summary_.at("cost_usd").get<double>(), kCent);
  ASSERT_EQ(summary_.at("providers").size(), 2u);
  for (const auto& [name, p] : summary_.at("providers").items()) {
    EXPECT_NEAR(by[name]["all"], p.at("cost_usd").get<double>(), kCent) << name;
    EXPECT_NEAR(by[name]["contract"], p.at("contract_usd").get<double>(), kCent) << name;
    EXPECT_NEAR(by[name]["on-demand"], p.at("on_demand_usd").get<double>(), kCent) << name;
    EXPECT_NEAR(by[name]["spot"], p.at("spot_usd").get<double>(), kCent) << name;
    EXPECT_NEAR(by[name]["electricity"], p.at("electricity_usd").get<double>(), kCent) << name;
    EXPECT_GT(by[name]["electricity"], 0) << name;
  }
  EXPECT_NEAR(summary_.at("electricity_usd").get<double>(), by["p0"]["electricity"] + by["p1"]["electricity"], kCent);
  // Every source is in this bill.
  EXPECT_GT(by["p0"]["contract"], 0);
  EXPECT_GT(by["p0"]["on-demand"], 0);
  EXPECT_GT(by["p1"]["contract"], 0);
  EXPECT_GT(by["p1"]["on-demand"], 0);  // before the spend commitment starts
  EXPECT_GT(by["p1"]["spot"], 0);
}

TEST_F(FocusBill, CommitmentsSplitIntoUsedUnusedAndFees) {
  double used = 0, idle = 0, fee = 0, drawn = 0, drawn_list = 0, shortfall = 0;
  std::string fee_day, shortfall_day;
  for (const auto& row : table_.rows) {
    const double usd = number(row, "BilledCost");
    const std::string& id = row.at("CommitmentDiscountId");
    const std::string& status = row.at("CommitmentDiscountStatus");
    if (id == "c0") {
      EXPECT_EQ(row.at("CommitmentDiscountType"), "Capacity Contract");
      EXPECT_EQ(row.at("CommitmentDiscountCategory"), "Usage");
      EXPECT_EQ(row.at("RegionId"), "r0");
      if (row.at("ChargeCategory") == "Purchase") {
        fee += usd;
        fee_day = row.at("ChargePeriodStart");
      } else {
        (status == "Used" ? used : idle) += usd;
        // $1 per GPU-hour: the quantity is the cost.
        EXPECT_NEAR(number(row, "PricingQuantity"), usd, 1e-5);
      }
    } else if (id == "sc0") {
      EXPECT_EQ(row.at("CommitmentDiscountType"), "Spend Commitment");
      EXPECT_EQ(row.at("CommitmentDiscountCategory"), "Spend");
      if (status == "Used") {
        drawn += usd;
        drawn_list += number(row, "ListCost");
        EXPECT_EQ(row.at("RegionId"), "r1");
      } else {
        EXPECT_EQ(status, "Unused");
        shortfall += usd;
        shortfall_day = row.at("ChargePeriodStart");
        EXPECT_EQ(row.at("RegionId"), "");
      }
    } else {
      EXPECT_EQ(id, "");
    }
  }
  const auto& c0 = summary_.at("contracts").at("c0");
  EXPECT_NEAR(used + idle + fee, c0.at("cost_usd").get<double>(), kCent);
  EXPECT_NEAR(idle, c0.at("idle_take_or_pay_usd").get<double>(), kCent);
  EXPECT_GT(used, 0);
  EXPECT_GT(idle, 0);
  EXPECT_DOUBLE_EQ(fee, 1000);
  EXPECT_EQ(fee_day, "2026-02-02T00:00:00Z");  // day 6: the termination date
  const auto& sc0 = summary_.at("spend_commitments").at("sc0");
  EXPECT_NEAR(drawn, sc0.at("spent_usd").get<double>(), kCent);
  EXPECT_NEAR(drawn_list * 0.75, drawn, kCent);  // the list price before the 25% discount
  EXPECT_GT(shortfall, 0);
  EXPECT_NEAR(shortfall, sc0.at("shortfall_usd").get<double>(), kCent);
  EXPECT_EQ(shortfall_day, "2026-02-05T00:00:00Z");  // the horizon's last day
}

}  // namespace
}  // namespace gpufleet
