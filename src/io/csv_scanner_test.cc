#include "io/csv_scanner.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gpufleet {
namespace {

// All rows of text after the header, as strings.
std::vector<std::vector<std::string>> rows_of(CsvScanner& csv) {
  std::vector<std::vector<std::string>> rows;
  while (true) {
    auto more = csv.next_row();
    EXPECT_TRUE(more.has_value()) << more.error().to_string();
    if (!more || !*more) break;
    std::vector<std::string> row;
    for (size_t i = 0; i < csv.size(); ++i) row.emplace_back(csv.field(i));
    rows.push_back(row);
  }
  return rows;
}

TEST(CsvScanner, SplitsFieldsAndKnowsLinesAndColumns) {
  const std::string text = "a,bb,ccc\n1,22,333\n\n4,,6\n";
  CsvScanner csv(text, "t.csv");
  ASSERT_TRUE(csv.read_header());
  EXPECT_EQ(csv.header(), (std::vector<std::string>{"a", "bb", "ccc"}));
  ASSERT_TRUE(*csv.next_row());
  EXPECT_EQ(csv.line(), 2);
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv.field(2), "333");
  EXPECT_EQ(csv.field_column(0), 1);
  EXPECT_EQ(csv.field_column(1), 3);
  EXPECT_EQ(csv.field_column(2), 6);
  ASSERT_TRUE(*csv.next_row());  // the empty line 3 is skipped
  EXPECT_EQ(csv.line(), 4);
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv.field(1), "");
  EXPECT_EQ(csv.field_column(2), 4);
  EXPECT_FALSE(*csv.next_row());
}

TEST(CsvScanner, HandlesCrlfAndMissingFinalNewline) {
  const std::string text = "x,y\r\n1,2\r\n3,4";
  CsvScanner csv(text, "t.csv");
  ASSERT_TRUE(csv.read_header());
  EXPECT_EQ(csv.header()[1], "y");
  const auto rows = rows_of(csv);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"3", "4"}));
}

TEST(CsvScanner, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  const std::string text = "name,note\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\nlast,\"\"\n";
  CsvScanner csv(text, "t.csv");
  ASSERT_TRUE(csv.read_header());
  ASSERT_TRUE(*csv.next_row());
  EXPECT_EQ(csv.field(0), "a,b");
  EXPECT_EQ(csv.field(1), "say \"hi\"");
  EXPECT_EQ(csv.field_column(1), 7);
  ASSERT_TRUE(*csv.next_row());
  EXPECT_EQ(csv.line(), 3);
  EXPECT_EQ(csv.field(0), "two\nlines");
  EXPECT_EQ(csv.field_line(1), 4);  // the quoted newline moved to line 4
  EXPECT_EQ(csv.field_column(1), 8);
  ASSERT_TRUE(*csv.next_row());
  EXPECT_EQ(csv.line(), 5);
  EXPECT_EQ(csv.field(1), "");
  EXPECT_FALSE(*csv.next_row());
}

TEST(CsvScanner, UnterminatedQuoteIsAnErrorAtTheOpeningQuote) {
  const std::string text = "a,b\n1,\"open\n2,3\n";
  CsvScanner csv(text, "t.csv");
  ASSERT_TRUE(csv.read_header());
  auto row = csv.next_row();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().file, "t.csv");
  EXPECT_EQ(row.error().line, 2);
  EXPECT_EQ(row.error().column, 3);
  EXPECT_NE(row.error().message.find("unterminated"), std::string::npos);
  EXPECT_FALSE(*csv.next_row());  // the rest of the buffer was the bad field
}

TEST(CsvScanner, TextAfterClosingQuoteIsAnErrorAndScanningResumes) {
  const std::string text = "a,b\n\"x\"y,1\n2,3\n";
  CsvScanner csv(text, "t.csv");
  ASSERT_TRUE(csv.read_header());
  auto row = csv.next_row();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().line, 2);
  EXPECT_EQ(row.error().column, 4);
  auto next = csv.next_row();
  ASSERT_TRUE(next && *next);
  EXPECT_EQ(csv.line(), 3);
  EXPECT_EQ(csv.field(0), "2");
}

TEST(CsvScanner, ColumnLookupNamesTheColumnsThatExist) {
  const std::string text = "\xEF\xBB\xBF time , gpus\n1,2\n";
  CsvScanner csv(text, "t.csv");
  ASSERT_TRUE(csv.read_header());
  EXPECT_EQ(*csv.column("time"), 0u);  // byte-order mark and spaces ignored
  EXPECT_EQ(*csv.column("gpus"), 1u);
  auto missing = csv.column("duration");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "duration");
  EXPECT_EQ(missing.error().line, 1);
  EXPECT_NE(missing.error().message.find("'time', 'gpus'"), std::string::npos)
      << missing.error().message;
}

TEST(CsvScanner, EmptyBufferHasNoHeader) {
  CsvScanner csv("\n\n", "empty.csv");
  auto header = csv.read_header();
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().file, "empty.csv");
}

TEST(CsvScanner, ErrorAtMissingFieldPointsPastTheRow) {
  const std::string text = "a,b,c\n10,20\n";
  CsvScanner csv(text, "t.csv");
  ASSERT_TRUE(csv.read_header());
  ASSERT_TRUE(*csv.next_row());
  const Error e = csv.error_at(2, "c", "missing");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.field, "c");
  EXPECT_EQ(e.to_string(), "t.csv:2:6: c: missing");
}

TEST(CsvNumbers, ParseWholeFieldsOnly) {
  EXPECT_EQ(parse_csv_double("66.0"), 66.0);
  EXPECT_EQ(parse_csv_double(" 1e3 "), 1000.0);
  EXPECT_FALSE(parse_csv_double("12abc"));
  EXPECT_FALSE(parse_csv_double(""));
  EXPECT_FALSE(parse_csv_double("inf"));
  EXPECT_FALSE(parse_csv_double("nan"));
  EXPECT_EQ(parse_csv_int("16"), 16);
  EXPECT_EQ(parse_csv_int("-3"), -3);
  EXPECT_FALSE(parse_csv_int("1.5"));
  EXPECT_FALSE(parse_csv_int("99999999999999999999"));
}

TEST(CsvNumbers, QuoteForErrorEscapesAndTruncates) {
  EXPECT_EQ(quote_for_error("ab\ncd"), "'ab\\x0acd'");
  EXPECT_EQ(quote_for_error(std::string(50, 'x')), "'" + std::string(40, 'x') + "...'");
}

}  // namespace
}  // namespace gpufleet
