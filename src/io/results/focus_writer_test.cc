// focus.csv's format: the header in FOCUS's names and order, every cell read back as written
// (quoted descriptions and the Tags JSON too), billing periods as calendar months.
#include "io/results/focus_writer.h"

#include <filesystem>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/csv_scanner.h"
#include "io/results/focus_test_reader.h"
#include "util/time_parse.h"

namespace gpufleet {
namespace {

TEST(FocusWriter, HeaderHasTheFocusColumnsInOrder) {
  EXPECT_EQ(focus_header(),
            "BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,RegionId,"
            "ServiceCategory,ChargeCategory,ChargeDescription,PricingQuantity,PricingUnit,ListCost,BilledCost,"
            "EffectiveCost,CommitmentDiscountId,CommitmentDiscountType,CommitmentDiscountStatus,Tags,"
            "CommitmentDiscountCategory,BillingCurrency");
}

TEST(FocusWriter, BillingPeriodsAreCalendarMonths) {
  const int64_t dec31 = *parse_iso_datetime("2026-12-31T18:00:00Z");
  EXPECT_EQ(format_iso_datetime(month_start_unix_s(dec31)), "2026-12-01T00:00:00Z");
  EXPECT_EQ(format_iso_datetime(next_month_start_unix_s(dec31)), "2027-01-01T00:00:00Z");
  const int64_t feb = *parse_iso_datetime("2028-02-29T00:00:00Z");
  EXPECT_EQ(format_iso_datetime(month_start_unix_s(feb)), "2028-02-01T00:00:00Z");
  EXPECT_EQ(format_iso_datetime(next_month_start_unix_s(feb)), "2028-03-01T00:00:00Z");
}

TEST(FocusWriter, RowsReadBackAsWritten) {
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet_focus_writer_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "focus.csv").string();
  FocusRow used;
  used.charge_start_unix_s = *parse_iso_datetime("2026-01-31T00:00:00Z");
  used.charge_end_unix_s = used.charge_start_unix_s + 86400;
  used.provider = "aws";
  used.region = "us-west-2";
  used.description = "Contract \"big, old\": H100 GPUs in use";
  used.gpu_hours = 192.5;
  used.list_usd = used.billed_usd = used.effective_usd = 1234.5678906;
  used.commitment_id = "big, old";
  used.commitment_type = "Capacity Contract";
  used.commitment_status = "Used";
  used.commitment_category = "Usage";
  used.tags_json = R"({"site":"aws-us-west-2","source":"contract"})";
  FocusRow od;
  od.charge_start_unix_s = *parse_iso_datetime("2026-02-01T00:00:00Z");
  od.charge_end_unix_s = od.charge_start_unix_s + 86400;
  od.provider = "gcp";
  od.description = "On-demand";
  od.gpu_hours = 1;
  od.list_usd = 3;
  od.billed_usd = od.effective_usd = 2.25;
  ASSERT_TRUE(write_focus_csv({used, od}, path));
  const auto t = testing::read_focus_table(path);
  ASSERT_EQ(t.rows.size(), 2u);
  const auto& a = t.rows[0];
  EXPECT_EQ(a.at("BillingPeriodStart"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(a.at("BillingPeriodEnd"), "2026-02-01T00:00:00Z");
  EXPECT_EQ(a.at("ChargePeriodStart"), "2026-01-31T00:00:00Z");
  EXPECT_EQ(a.at("ChargePeriodEnd"), "2026-02-01T00:00:00Z");
  EXPECT_EQ(a.at("ProviderName"), "aws");
  EXPECT_EQ(a.at("RegionId"), "us-west-2");
  EXPECT_EQ(a.at("ServiceCategory"), "Compute");
  EXPECT_EQ(a.at("ChargeCategory"), "Usage");
  EXPECT_EQ(a.at("ChargeDescription"), used.description);
  EXPECT_EQ(*parse_csv_double(a.at("PricingQuantity")), 192.5);
  EXPECT_EQ(a.at("PricingUnit"), "GPU-Hours");
  EXPECT_EQ(a.at("BilledCost"), "1234.567891");  // six decimals
  EXPECT_EQ(a.at("ListCost"), a.at("BilledCost"));
  EXPECT_EQ(a.at("EffectiveCost"), a.at("BilledCost"));
  EXPECT_EQ(a.at("CommitmentDiscountId"), "big, old");
  EXPECT_EQ(a.at("CommitmentDiscountType"), "Capacity Contract");
  EXPECT_EQ(a.at("CommitmentDiscountStatus"), "Used");
  EXPECT_EQ(a.at("CommitmentDiscountCategory"), "Usage");
  EXPECT_EQ(a.at("BillingCurrency"), "USD");
  EXPECT_EQ(nlohmann::json::parse(a.at("Tags")), nlohmann::json::parse(used.tags_json));
  const auto& b = t.rows[1];
  EXPECT_EQ(b.at("BillingPeriodStart"), "2026-02-01T00:00:00Z");
  EXPECT_EQ(b.at("RegionId"), "");
  EXPECT_EQ(b.at("CommitmentDiscountId"), "");
  EXPECT_EQ(b.at("CommitmentDiscountStatus"), "");
  EXPECT_EQ(b.at("Tags"), "{}");
  EXPECT_EQ(*parse_csv_double(b.at("ListCost")), 3.0);
  EXPECT_EQ(*parse_csv_double(b.at("BilledCost")), 2.25);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet
