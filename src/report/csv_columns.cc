#include "report/csv_columns.h"

#include <fmt/format.h>

#include "util/atomic_file.h"

namespace gpufleet::report {

std::string_view CsvRow::text(size_t k) const {
  const int i = index_[k];
  if (i < 0 || static_cast<size_t>(i) >= scanner_.size()) return {};
  return scanner_.field(static_cast<size_t>(i));
}

Result<std::optional<double>> CsvRow::number(size_t k) const {
  const std::string_view t = text(k);
  if (t.find_first_not_of(" \t") == std::string_view::npos) return std::optional<double>{};
  const auto v = parse_csv_double(t);
  if (!v) {
    const size_t i = static_cast<size_t>(index_[k]);
    return fail(scanner_.error_at(i, names_[k], fmt::format("expected a number, found {}", quote_for_error(t))));
  }
  return std::optional<double>{*v};
}

Result<double> CsvRow::required_number(size_t k) const {
  auto v = number(k);
  if (!v) return fail(v.error());
  if (!*v) {
    const size_t i = index_[k] < 0 ? scanner_.size() : static_cast<size_t>(index_[k]);
    return fail(scanner_.error_at(i, names_[k], "expected a number, found an empty field"));
  }
  return **v;
}

Result<void> for_each_csv_row(const std::string& path, const std::vector<CsvColumn>& columns,
                              const std::function<Result<void>(const CsvRow&)>& on_row) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  CsvScanner scanner(*text, path);
  if (auto ok = scanner.read_header(); !ok) return ok;
  std::vector<std::string> names;
  std::vector<int> index;
  for (const CsvColumn& c : columns) {
    names.push_back(c.name);
    auto i = scanner.column(c.name);
    if (!i && c.required) return fail(i.error());
    index.push_back(i ? static_cast<int>(*i) : -1);
  }
  const CsvRow row(scanner, names, index);
  while (true) {
    auto more = scanner.next_row();
    if (!more) return fail(more.error());
    if (!*more) return {};
    if (auto ok = on_row(row); !ok) return ok;
  }
}

Result<std::vector<std::string>> csv_header(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  CsvScanner scanner(*text, path);
  if (auto ok = scanner.read_header(); !ok) return fail(ok.error());
  return scanner.header();
}

}  // namespace gpufleet::report
