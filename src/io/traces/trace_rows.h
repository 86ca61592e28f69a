// The part every CSV trace reader shares: the header, the row loop with skip_bad_rows, and
// the "no rows" errors. A reader supplies the columns it needs and how to parse one row.
#pragma once

#include <initializer_list>
#include <type_traits>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "gpufleet/error.h"
#include "gpufleet/workload.h"
#include "io/csv_scanner.h"

namespace gpufleet {

// Reads the header and finds each named column, storing its index. `expected_header` is shown
// when the file is empty.
inline Result<void> read_trace_header(
    CsvScanner& csv, std::string_view expected_header,
    std::initializer_list<std::pair<std::string_view, size_t*>> columns) {
  if (auto header = csv.read_header(); !header) {
    Error e = header.error();
    if (e.line == 0) e.message = fmt::format("empty file: expected the header '{}'", expected_header);
    return fail(std::move(e));
  }
  for (auto [name, index] : columns) {
    auto found = csv.column(name);
    if (!found) return fail(found.error());
    *index = *found;
  }
  return {};
}

// Calls parse_row(job) -> Result<void> for each data row; a parsed job is appended to w.jobs
// and then on_kept() runs (e.g. to record the row's name). A parse_row that returns
// Result<bool> may say false: a well-formed row that is not a job to replay (counted in
// w.rows_not_replayed). A row that fails is an error, or
// with options.skip_bad_rows is counted in w.rows_skipped (the first error kept). No rows at
// all is an error naming `file_name` and `expected_header`.
template <class ParseRow, class OnKept>
Result<void> read_trace_rows(CsvScanner& csv, const std::string& file_name, std::string_view expected_header,
                             const TraceReadOptions& options, Workload& w, ParseRow&& parse_row,
                             OnKept&& on_kept) {
  const auto reject = [&](const Error& e) -> bool {  // true: skip the row and go on
    if (!options.skip_bad_rows) return false;
    if (w.rows_skipped == 0) w.first_skipped = e.to_string();
    ++w.rows_skipped;
    return true;
  };
  while (true) {
    auto more = csv.next_row();
    if (!more) {
      if (!reject(more.error())) return fail(more.error());
      continue;
    }
    if (!*more) break;
    Job job;
    auto row = parse_row(job);
    if (!row) {
      if (!reject(row.error())) return fail(row.error());
      continue;
    }
    if constexpr (std::is_same_v<std::decay_t<decltype(row)>, Result<bool>>) {
      if (!*row) {
        ++w.rows_not_replayed;
        continue;
      }
    }
    if (w.jobs.size() >= options.max_jobs)
      return fail(file_name, csv.line(), 1, "",
                  fmt::format("more than {} job rows: a trace holds at most that many (50 M jobs take 2 GB; replay it in parts)",
                              options.max_jobs));
    w.jobs.push_back(job);
    on_kept();
  }
  if (w.jobs.empty()) {
    if (w.rows_skipped > 0)
      return fail(file_name, 0, 0, "",
                  fmt::format("no valid job rows: all {} rows are malformed; the first: {}", w.rows_skipped,
                              w.first_skipped));
    return fail(file_name, 0, 0, "", fmt::format("no job rows after the header '{}'", expected_header));
  }
  return {};
}

}  // namespace gpufleet
