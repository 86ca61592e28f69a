#include "util/time_parse.h"

#include <gmock/gmock.h>
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

TEST(TimeParse, MonthsAreMoAndMinutesAreM) {
  EXPECT_DOUBLE_EQ(*parse_duration("36mo"), 3 * 365 * 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("36m"), 36 * 60.0);
  EXPECT_FALSE(parse_duration("mo").has_value());
}

TEST(TimeParse, IsoTimesWithOffsetsAndFractions) {
  const int64_t utc = *parse_iso_datetime("2026-10-19T06:48:00Z");
  EXPECT_EQ(*parse_iso_datetime("2026-10-19 06:48:00+00:00"), utc);  // Python's isoformat(' ')
  EXPECT_EQ(*parse_iso_datetime("2026-10-19T08:48:00+02:00"), utc);
  EXPECT_EQ(*parse_iso_datetime("2026-10-19T01:48:00-0500"), utc);
  EXPECT_EQ(*parse_iso_datetime("2026-10-19T07:48:00+01"), utc);
  EXPECT_EQ(*parse_iso_datetime("2026-10-19 06:48:00.123456+00:00"), utc);
  for (const char* bad : {"2026-10-19T06:48:00+", "2026-10-19T06:48:00+2", "2026-10-19T06:48:00+25:00",
                          "2026-10-19T06:48:00+02:60", "2026-10-19T06:48:00.", "2026-10-19T06:48:00+02:00junk"})
    EXPECT_FALSE(parse_iso_datetime(bad).has_value()) << bad;
}

TEST(TimeParse, EpochsInOtherUnitsAreNamed) {
  EXPECT_FALSE(epoch_out_of_range(1760000000).has_value());
  EXPECT_FALSE(epoch_out_of_range(-1).has_value());  // 1969 is a plausible date
  EXPECT_THAT(*epoch_out_of_range(1760000000000.0), ::testing::HasSubstr("milliseconds (2025-10-09 as such)"));
  EXPECT_THAT(*epoch_out_of_range(1760000000000000.0), ::testing::HasSubstr("microseconds"));
  EXPECT_THAT(*epoch_out_of_range(1760000000000000000.0), ::testing::HasSubstr("nanoseconds"));
  EXPECT_THAT(*epoch_out_of_range(1e20), ::testing::HasSubstr("expected Unix seconds"));
}

TEST(TimeParse, NearestWord) {
  EXPECT_EQ(nearest_word("peu", {"pue", "power_cap_mw", "name"}), "pue");
  EXPECT_EQ(nearest_word("power_cap", {"pue", "power_cap_mw", "name"}), "power_cap_mw");
  EXPECT_EQ(nearest_word("zzzzzzzzzz", {"pue", "name"}), "");
}

}  // namespace
}  // namespace gpufleet
