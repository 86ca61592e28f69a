#include "io/csv_scanner.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace gpufleet {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

CsvScanner::CsvScanner(std::string_view text, std::string file_name, char delimiter)
    : text_(text), file_name_(std::move(file_name)), delimiter_(delimiter) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
    pos_ = 3;
    line_start_ = 3;
  }
}

Result<void> CsvScanner::read_header() {
  auto more = next_row();
  if (!more) return fail(more.error());
  if (!*more) return fail(file_name_, 0, 0, "", "empty file: expected a header row");
  header_line_ = row_line_;
  header_.clear();
  header_.reserve(fields_.size());
  for (const auto& f : fields_) header_.emplace_back(trim(f.text));
  for (size_t i = 0; i < header_.size(); ++i)
    for (size_t k = 0; k < i; ++k)
      if (header_[k] == header_[i] && !header_[i].empty())
        return fail(error_at(i, header_[i], fmt::format("column '{}' given twice (also column {}); expected unique "
                                                        "column names", header_[i], k + 1)));
  return {};
}

Result<size_t> CsvScanner::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  std::string have;
  for (const auto& h : header_) {
    if (!have.empty()) have += ", ";
    have += quote_for_error(h);
  }
  return fail(file_name_, header_line_, 0, std::string(name),
              fmt::format("missing column '{}'; the header has: {}", name, have));
}

Result<bool> CsvScanner::next_row() {
  const size_t n = text_.size();
  while (pos_ < n) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
      line_start_ = pos_;
    } else if (c == '\r' && (pos_ + 1 == n || text_[pos_ + 1] == '\n')) {
      ++pos_;  // the '\n' (if any) is consumed by the next iteration
    } else {
      break;
    }
  }
  if (pos_ >= n) {
    fields_.clear();
    return false;
  }
  auto scanned = scan_row();
  if (!scanned) return fail(scanned.error());
  return true;
}

Result<void> CsvScanner::scan_row() {
  const size_t n = text_.size();
  const char* const data = text_.data();
  fields_.clear();
  scratch_.clear();
  row_line_ = line_;
  bool any_unescape = false;
  while (true) {
    Field f;
    f.line = line_;
    f.column = column_at(pos_);
    if (pos_ < n && data[pos_] == '"') {
      const size_t start = pos_ + 1;
      size_t p = start;
      while (true) {
        const void* q = p < n ? std::memchr(data + p, '"', n - p) : nullptr;
        const size_t qi = q ? static_cast<size_t>(static_cast<const char*>(q) - data) : n;
        for (size_t i = p; i < qi; ++i) {
          if (data[i] == '\n') {
            ++line_;
            line_start_ = i + 1;
          }
        }
        if (qi == n) {
          pos_ = n;
          return fail(file_name_, f.line, f.column, "",
                      "unterminated quoted field: expected a closing '\"'");
        }
        if (qi + 1 < n && data[qi + 1] == '"') {
          f.unescape = true;
          p = qi + 2;
          continue;
        }
        f.text = text_.substr(start, qi - start);
        pos_ = qi + 1;
        break;
      }
      if (pos_ < n && data[pos_] == '\r' && (pos_ + 1 == n || data[pos_ + 1] == '\n')) ++pos_;
      if (pos_ < n && data[pos_] != delimiter_ && data[pos_] != '\n') {
        Error e{file_name_, line_, column_at(pos_), "",
                fmt::format("found {} after a closing quote; expected '{}' or the end of the line",
                            quote_for_error(text_.substr(pos_, 1)), delimiter_)};
        skip_rest_of_line();
        return fail(std::move(e));
      }
      any_unescape |= f.unescape;
    } else {
      size_t p = pos_;
      while (p < n && data[p] != delimiter_ && data[p] != '\n') ++p;
      size_t end = p;
      if (end > pos_ && data[end - 1] == '\r' && (p == n || data[p] == '\n')) --end;
      f.text = text_.substr(pos_, end - pos_);
      pos_ = p;
    }
    fields_.push_back(f);
    if (pos_ < n && data[pos_] == delimiter_) {
      ++pos_;
      continue;
    }
    row_end_line_ = line_;
    row_end_column_ = column_at(pos_);
    if (pos_ < n) {  // at '\n'
      ++pos_;
      ++line_;
      line_start_ = pos_;
    }
    break;
  }
  if (any_unescape) unescape_fields();
  return {};
}

void CsvScanner::unescape_fields() {
  size_t total = 0;
  for (const auto& f : fields_)
    if (f.unescape) total += f.text.size();
  scratch_.clear();
  scratch_.reserve(total);  // no reallocation below: views into scratch_ stay valid
  for (auto& f : fields_) {
    if (!f.unescape) continue;
    const size_t start = scratch_.size();
    for (size_t i = 0; i < f.text.size(); ++i) {
      scratch_.push_back(f.text[i]);
      if (f.text[i] == '"') ++i;  // "" -> "
    }
    f.text = std::string_view(scratch_.data() + start, scratch_.size() - start);
    f.unescape = false;
  }
}

void CsvScanner::skip_rest_of_line() {
  const size_t n = text_.size();
  const void* nl = pos_ < n ? std::memchr(text_.data() + pos_, '\n', n - pos_) : nullptr;
  if (!nl) {
    pos_ = n;
    return;
  }
  pos_ = static_cast<size_t>(static_cast<const char*>(nl) - text_.data()) + 1;
  ++line_;
  line_start_ = pos_;
}

Error CsvScanner::error_at(size_t i, std::string_view column_name, std::string message) const {
  if (i < fields_.size())
    return Error{file_name_, fields_[i].line, fields_[i].column, std::string(column_name),
                 std::move(message)};
  return Error{file_name_, row_end_line_, row_end_column_, std::string(column_name),
               std::move(message)};
}

std::optional<double> parse_csv_double(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::optional<int64_t> parse_csv_int(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string quote_for_error(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\'' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMax) out += "...";
  out += '\'';
  return out;
}

}  // namespace gpufleet
