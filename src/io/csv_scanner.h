// A CSV scanner over an in-memory buffer: rows of string_view fields, each knowing the 1-based
// line and column where it starts, header lookup by column name, RFC 4180 quoting. Every trace
// reader is built on it; it allocates only while the first rows grow its field array.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet {

// Dialect: fields separated by `delimiter`; a field may be enclosed in double quotes, inside
// which the delimiter and line breaks are literal and "" stands for one quote. Lines end in
// LF or CRLF. Empty lines are skipped. A UTF-8 byte-order mark at the start is ignored.
// Not thread-safe; the text passed in must outlive the scanner and every view it returns.
class CsvScanner {
 public:
  CsvScanner(std::string_view text, std::string file_name, char delimiter = ',');

  // Reads the first non-empty row as the header. Fails on a buffer without rows.
  Result<void> read_header();
  // Header column names, surrounding spaces trimmed. Empty before read_header().
  const std::vector<std::string>& header() const { return header_; }
  // Index of the named column; the error names the header line and lists the columns found.
  Result<size_t> column(std::string_view name) const;

  // Moves to the next non-empty row: true if there is one, false at the end of the buffer.
  // A malformed row (unterminated quote, text after a closing quote) is an error; the scanner
  // has then moved past that row, so calling next_row() again continues with the next one.
  Result<bool> next_row();

  // The current row. REQUIRES: the last next_row() returned true; i < size() for field().
  size_t size() const { return fields_.size(); }
  std::string_view field(size_t i) const { return fields_[i].text; }
  int line() const { return row_line_; }  // line where the current row starts
  int field_line(size_t i) const { return fields_[i].line; }
  int field_column(size_t i) const { return fields_[i].column; }

  // An Error located at field i of the current row, or just past the row's last field when
  // i >= size() (a missing field). `column_name` becomes Error::field.
  Error error_at(size_t i, std::string_view column_name, std::string message) const;
  const std::string& file_name() const { return file_name_; }

 private:
  struct Field {
    std::string_view text;
    int line = 0;
    int column = 0;
    bool unescape = false;  // quoted with "" inside: text is raw until unescape_fields()
  };
  // Scans one row starting at pos_ (not at an empty line). Fills fields_.
  Result<void> scan_row();
  void unescape_fields();
  void skip_rest_of_line();
  int column_at(size_t pos) const { return static_cast<int>(pos - line_start_) + 1; }

  std::string_view text_;
  std::string file_name_;
  char delimiter_;
  size_t pos_ = 0;         // next byte to read
  int line_ = 1;           // line of pos_
  size_t line_start_ = 0;  // offset of the first byte of line_
  int row_line_ = 0;
  int row_end_line_ = 0;
  int row_end_column_ = 0;  // column just past the last field of the current row
  std::vector<Field> fields_;
  std::string scratch_;    // unescaped quoted fields of the current row
  std::vector<std::string> header_;
  int header_line_ = 0;
};

// Strict field parsers: the whole field (surrounding spaces and tabs allowed) must be the
// number. Doubles must be finite.
std::optional<double> parse_csv_double(std::string_view text);
std::optional<int64_t> parse_csv_int(std::string_view text);

// `text` quoted for an error message: at most 40 bytes, control bytes escaped.
std::string quote_for_error(std::string_view text);

}  // namespace gpufleet
