#include "util/human_format.h"

#include <gtest/gtest.h>

namespace gpufleet {
namespace {

TEST(HumanFormat, MoneyHasThreeSignificantDigitsAndAScale) {
  EXPECT_EQ(human_usd(1.2e9), "$1.20B");
  EXPECT_EQ(human_usd(9979045455.0), "$9.98B");
  EXPECT_EQ(human_usd(92.5e9), "$92.5B");
  EXPECT_EQ(human_usd(456.7e6), "$457M");
  EXPECT_EQ(human_usd(12345), "$12.3K");
  EXPECT_EQ(human_usd(999600), "$1.00M");  // not "$1000K"
  EXPECT_EQ(human_usd(95), "$95");
  EXPECT_EQ(human_usd(-2.5e6), "-$2.50M");
  EXPECT_EQ(human_usd(3.2e12), "$3.20T");
}

TEST(HumanFormat, CountsAndDurations) {
  EXPECT_EQ(with_commas(38400), "38,400");
  EXPECT_EQ(with_commas(1162534058.4), "1,162,534,058");
  EXPECT_EQ(with_commas(999), "999");
  EXPECT_EQ(with_commas(-1234567), "-1,234,567");
  EXPECT_EQ(human_duration(36), "36 s");
  EXPECT_EQ(human_duration(3 * 3600), "3.0 h");
  EXPECT_EQ(human_duration(730 * 86400.0), "2.0 y");
}

}  // namespace
}  // namespace gpufleet
