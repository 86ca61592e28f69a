#include "util/time_parse.h"

#include <gtest/gtest.h>

namespace gpufleet {
namespace {

TEST(TimeParse, DaysFromCivilKnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2026, 1, 1), 20454);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(TimeParse, IsoDateAndDateTime) {
  EXPECT_EQ(parse_iso_datetime("2026-01-01"), 20454 * 86400LL);
  EXPECT_EQ(parse_iso_datetime("2017-10-09 07:01:55"), 1507532515LL);
  EXPECT_EQ(parse_iso_datetime("2017-10-09T07:01:55Z"), 1507532515LL);
  EXPECT_EQ(parse_iso_datetime("2017-10-09T07:01"), 1507532460LL);
  EXPECT_EQ(parse_iso_datetime("2024-02-29"), days_from_civil(2024, 2, 29) * 86400);
}

TEST(TimeParse, RejectsMalformedDates) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2023-02-29", "2026-01-01x",
                          "26-01-01", "2026-01-01 25:00", "2026/01/01", "2026-01-01T07"}) {
    EXPECT_FALSE(parse_iso_datetime(bad).has_value()) << bad;
  }
}

TEST(TimeParse, FormatIsInverseOfParse) {
  for (int64_t day : {-800, -1, 0, 1, 11016, 11017, 20454, 23000}) {
    const std::string text = format_iso_date(day * 86400);
    EXPECT_EQ(parse_iso_datetime(text), day * 86400) << text;
  }
  EXPECT_EQ(format_iso_date(1507532515), "2017-10-09");
}

TEST(TimeParse, DurationsWithUnits) {
  EXPECT_DOUBLE_EQ(*parse_duration("90d"), 90 * 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("6h"), 6 * 3600.0);
  EXPECT_DOUBLE_EQ(*parse_duration("30m"), 1800.0);
  EXPECT_DOUBLE_EQ(*parse_duration("45s"), 45.0);
  EXPECT_DOUBLE_EQ(*parse_duration("2w"), 14 * 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("1.5y"), 1.5 * 365 * 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("120"), 120.0);
  for (const char* bad : {"", "d", "-3d", "3x", "3 dd", "nan", "inf"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(TimeParse, NearestWord) {
  EXPECT_EQ(nearest_word("peu", {"pue", "power_cap_mw", "name"}), "pue");
  EXPECT_EQ(nearest_word("power_cap", {"pue", "power_cap_mw", "name"}), "power_cap_mw");
  EXPECT_EQ(nearest_word("zzzzzzzzzz", {"pue", "name"}), "");
}

}  // namespace
}  // namespace gpufleet
