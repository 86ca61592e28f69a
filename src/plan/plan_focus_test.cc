// plan_focus.csv: the nominal bill by calendar month sums to plan.json's cost_by_provider,
// per provider and per part (commitments, on-demand, spot, electricity); quarters are split at
// month starts, a termination fee and a shortfall fall on their day.
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/csv_scanner.h"
#include "io/results/focus_test_reader.h"
#include "io/results/focus_writer.h"
#include "plan/plan_test_util.h"
#include "util/atomic_file.h"

namespace gpufleet {
namespace {

using namespace plan_test;

constexpr double kCent = 0.005;

// a: EU inference on on-demand GPUs, cheaper under a spend commitment whose shortfall is half
// billed; b: training on an existing contract ended early at a fee, a contract offer, on-demand
// and spot; electricity billed.
PlanInputs two_provider_inputs() {
  PlanInputs in = base_inputs(4);
  in.bill_energy = true;
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-eu", a, "EU", 0, 1.2), sb = add_site(in, "b-us", b, "US", 0, 1.1);
  in.scenario.sites[static_cast<size_t>(sa)].electricity_usd_per_mwh = 80;
  in.scenario.sites[static_cast<size_t>(sb)].electricity_usd_per_mwh = 50;
  add_market(in, sa, 4.0, 1000);
  add_spend_offer(in, "a-spend", a, 1, 20e6, 0.5, 0.5);
  add_contract(in, sb, 200, 1.0);
  in.scenario.contracts[0].termination = EarlyTermination{181 * 86400.0, 1e5, true};
  add_offer(in, "b-h100", sb, {{1, 2.0}}, 8);
  add_market(in, sb, 3.0, 100, 1.2, 300);
  in.inference.push_back({"EU", {800, 800, 800, 800}, 0});
  in.training_critical_share = 0.5;
  set_training(in, {400, 600, 400, 500});
  return in;
}

double number(const std::map<std::string, std::string>& row, const char* column) {
  const auto v = parse_csv_double(row.at(column));
  EXPECT_TRUE(v) << column << ": " << row.at(column);
  return v ? *v : 0;
}

TEST(PlanFocus, BillSumsToTheNominalCostByProviderAndPart) {
  PlanInputs in = two_provider_inputs();
  auto r = run_plan(in, exact_options());
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal) << r->solver_status;
  ASSERT_TRUE(prepare_plan_inputs(in));
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet_plan_focus_" + std::to_string(::getpid()));
  ASSERT_TRUE(write_plan_results(*r, in, dir.string()));
  const auto table = testing::read_focus_table((dir / "plan_focus.csv").string());
  auto text = read_file((dir / "plan.json").string());
  ASSERT_TRUE(text);
  const auto plan = nlohmann::json::parse(*text);
  std::filesystem::remove_all(dir);

  // provider -> part (plan.json's names) -> USD
  std::map<std::string, std::map<std::string, double>> by;
  std::map<std::string, int> kinds;
  std::string fee_day, shortfall_day;
  for (const auto& row : table.rows) {
    const double usd = number(row, "BilledCost");
    const std::string kind = nlohmann::json::parse(row.at("Tags")).at("kind");
    ++kinds[kind];
    const std::string part = kind == "on-demand" ? "on_demand_usd"
                             : kind == "spot"    ? "spot_usd"
                             : kind == "energy"  ? "energy_usd"
                                                 : "commitments_usd";
    by[row.at("ProviderName")][part] += usd;
    by[row.at("ProviderName")]["total_usd"] += usd;
    // Every row lies inside its billing month.
    const auto from = parse_iso_datetime(row.at("ChargePeriodStart")), to = parse_iso_datetime(row.at("ChargePeriodEnd"));
    ASSERT_TRUE(from && to);
    EXPECT_LT(*from, *to);
    EXPECT_GE(*from, *parse_iso_datetime(row.at("BillingPeriodStart")));
    EXPECT_LE(*to, *parse_iso_datetime(row.at("BillingPeriodEnd")));
    EXPECT_EQ(row.at("ServiceCategory"), kind == "energy" ? "Other" : "Compute");
    if (kind == "termination-fee") {
      fee_day = row.at("ChargePeriodStart");
      EXPECT_EQ(row.at("ChargeCategory"), "Purchase");
      EXPECT_EQ(row.at("CommitmentDiscountId"), "old-0");
      EXPECT_DOUBLE_EQ(usd, 1e5);
    }
    if (kind == "spend-shortfall") {
      shortfall_day = row.at("ChargePeriodStart");
      EXPECT_EQ(row.at("CommitmentDiscountStatus"), "Unused");
      EXPECT_EQ(row.at("CommitmentDiscountId"), "a-spend");
    }
    if (kind == "spend-drawn") {
      EXPECT_EQ(row.at("CommitmentDiscountStatus"), "Used");
      EXPECT_EQ(row.at("CommitmentDiscountCategory"), "Spend");
    }
    if (kind == "contract") { EXPECT_EQ(row.at("ChargeCategory"), "Purchase"); }
    if (kind == "on-demand" || kind == "spot") { EXPECT_EQ(row.at("CommitmentDiscountId"), ""); }
  }
  for (const char* kind : {"contract", "spend-drawn", "spend-shortfall", "termination-fee", "on-demand", "spot", "energy"})
    EXPECT_GT(kinds[kind], 0) << kind;
  // Quarters split at month starts: twelve billing months.
  std::map<std::string, int> months;
  for (const auto& row : table.rows) ++months[row.at("BillingPeriodStart")];
  EXPECT_EQ(months.size(), 12u);
  EXPECT_EQ(fee_day, "2026-07-01T00:00:00Z");       // 181 days after 2026-01-01
  EXPECT_EQ(shortfall_day, "2026-12-31T00:00:00Z");  // the commitment year's last day
  ASSERT_EQ(plan.at("cost_by_provider").size(), 2u);
  for (const auto& p : plan.at("cost_by_provider")) {
    const std::string name = p.at("label");
    for (const char* part : {"commitments_usd", "on_demand_usd", "spot_usd", "energy_usd", "total_usd"})
      EXPECT_NEAR(by[name][part], p.at(part).get<double>(), kCent) << name << " " << part;
  }
}

}  // namespace
}  // namespace gpufleet
