#include "io/scenario/scenario_hourly_csv.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "io/csv_scanner.h"
#include "util/atomic_file.h"

namespace gpufleet {

Result<std::vector<double>> read_hourly_csv_column(const std::string& file_path,
                                                   const std::string& column,
                                                   const YamlField& path_field,
                                                   const YamlField& column_field) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file_path, ec))
    return fail(path_field.error(fmt::format("CSV file '{}' does not exist or is not a file", file_path)));
  auto text = read_file(file_path);
  if (!text) return fail(text.error());

  CsvScanner csv(*text, file_path);
  if (auto header = csv.read_header(); !header) {
    if (header.error().line > 0) return fail(header.error());  // a malformed header, located
    return fail(path_field.error(fmt::format("CSV file '{}' is empty; expected a header row", file_path)));
  }
  const auto index = csv.column(column);
  if (!index) {
    std::string names;
    for (const std::string& h : csv.header()) names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", h);
    return fail(column_field.error(
        fmt::format("no column \"{}\" in '{}'; its columns are: {}", column, file_path, names)));
  }

  std::vector<double> values;
  for (;;) {
    auto more = csv.next_row();
    if (!more) return fail(more.error());
    if (!*more) break;
    if (*index >= csv.size())
      return fail(csv.error_at(*index, column,
                               fmt::format("row has {} fields; expected a value in field {} (\"{}\")", csv.size(),
                                           *index + 1, column)));
    std::string_view v = csv.field(*index);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    double x = 0;
    const auto [ptr, err] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (v.empty() || err != std::errc() || ptr != v.data() + v.size() || !std::isfinite(x) || x < 0 ||
        x > YamlField::kMaxMagnitude)
      return fail(csv.error_at(*index, column, fmt::format("expected a number from 0 to {:g}, found '{}'",
                                                           YamlField::kMaxMagnitude, csv.field(*index))));
    values.push_back(x);
  }
  if (values.empty())
    return fail(path_field.error(fmt::format("CSV file '{}' has a header but no data rows", file_path)));
  return values;
}

}  // namespace gpufleet
