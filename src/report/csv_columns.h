// Reads a results CSV by column name: every data row, with strict number parsing and errors
// that name the file, line, column and field.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpufleet/error.h"
#include "io/csv_scanner.h"

namespace gpufleet::report {

// One data row seen through the columns asked for, in the order they were asked.
class CsvRow {
 public:
  CsvRow(const CsvScanner& scanner, const std::vector<std::string>& names, const std::vector<int>& index)
      : scanner_(scanner), names_(names), index_(index) {}
  // The field's text; empty when the column is absent from the file or the row is short.
  std::string_view text(size_t k) const;
  // The field as a number; nullopt when empty. A field that is not a finite number is an Error.
  Result<std::optional<double>> number(size_t k) const;
  // The same, but an empty field is an Error too.
  Result<double> required_number(size_t k) const;

 private:
  const CsvScanner& scanner_;
  const std::vector<std::string>& names_;
  const std::vector<int>& index_;  // -1: column absent
};

struct CsvColumn {
  std::string name;
  bool required = true;  // an absent required column is an Error naming the header line
};

// Reads the whole file at path and calls on_row for each data row; stops at the first Error
// (from the file or from on_row).
Result<void> for_each_csv_row(const std::string& path, const std::vector<CsvColumn>& columns,
                              const std::function<Result<void>(const CsvRow&)>& on_row);

// The header of the file at path (names of every column), or an Error.
Result<std::vector<std::string>> csv_header(const std::string& path);

}  // namespace gpufleet::report
