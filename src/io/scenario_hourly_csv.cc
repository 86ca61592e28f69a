#include "io/scenario_hourly_csv.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "util/atomic_file.h"

namespace gpufleet {

namespace {

struct CsvField {
  std::string text;
  int column = 1;  // 1-based character column where the field starts
};

// Splits one line (without its line end) into fields.
std::vector<CsvField> split_csv_line(std::string_view line) {
  std::vector<CsvField> out;
  size_t i = 0;
  while (true) {
    CsvField f;
    f.column = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.text += line[i++];
      }
      while (i < line.size() && line[i] != ',') f.text += line[i++];  // text after the quote
    } else {
      const size_t comma = line.find(',', i);
      const size_t end = comma == std::string_view::npos ? line.size() : comma;
      f.text.assign(line.substr(i, end - i));
      i = end;
    }
    out.push_back(std::move(f));
    if (i >= line.size()) break;
    ++i;  // the comma
    if (i == line.size()) {  // a trailing comma leaves one empty field
      out.push_back(CsvField{"", static_cast<int>(i) + 1});
      break;
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<double>> read_hourly_csv_column(const std::string& file_path,
                                                   const std::string& column,
                                                   const YamlField& path_field,
                                                   const YamlField& column_field) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file_path, ec))
    return fail(path_field.error(fmt::format("CSV file '{}' does not exist or is not a file", file_path)));
  auto text = read_file(file_path);
  if (!text) return fail(path_field.error(fmt::format("cannot read CSV file '{}'", file_path)));
  std::string_view rest(*text);
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);

  int line_no = 0;
  auto next_line = [&](std::string_view& line) {
    if (rest.empty()) return false;
    const size_t nl = rest.find('\n');
    line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    return true;
  };

  std::string_view line;
  if (!next_line(line))
    return fail(path_field.error(fmt::format("CSV file '{}' is empty; expected a header row", file_path)));
  const auto header = split_csv_line(line);
  int index = -1;
  std::string names;
  for (size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i].text) == column && index < 0) index = static_cast<int>(i);
    names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", header[i].text);
  }
  if (index < 0)
    return fail(column_field.error(
        fmt::format("no column \"{}\" in '{}'; its columns are: {}", column, file_path, names)));

  std::vector<double> values;
  while (next_line(line)) {
    if (trim(line).empty()) continue;
    const auto fields = split_csv_line(line);
    if (static_cast<size_t>(index) >= fields.size())
      return fail(file_path, line_no, static_cast<int>(line.size()) + 1, column,
                  fmt::format("row has {} fields; expected a value in field {} (\"{}\")",
                              fields.size(), index + 1, column));
    const CsvField& f = fields[static_cast<size_t>(index)];
    const std::string_view v = trim(f.text);
    double x = 0;
    const auto [ptr, err] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (v.empty() || err != std::errc() || ptr != v.data() + v.size() || !std::isfinite(x) || x < 0)
      return fail(file_path, line_no, f.column, column,
                  fmt::format("expected a number >= 0, found '{}'", f.text));
    values.push_back(x);
  }
  if (values.empty())
    return fail(path_field.error(fmt::format("CSV file '{}' has a header but no data rows", file_path)));
  return values;
}

}  // namespace gpufleet
