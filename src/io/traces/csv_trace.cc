// A generic CSV job trace: any column layout, named by a CsvTraceMap, so that traces of other
// clusters load without code changes. Times are seconds, Unix seconds or ISO 8601.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "gpufleet/workload.h"
#include "io/csv_scanner.h"
#include "io/traces/trace_rows.h"
#include "util/atomic_file.h"
#include "util/key_value_list.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

constexpr size_t kAbsent = ~size_t{0};

std::string_view format_name(TimeFormat f) {
  switch (f) {
    case TimeFormat::seconds: return "seconds";
    case TimeFormat::epoch: return "epoch";
    case TimeFormat::iso8601: return "iso8601";
  }
  return "?";
}

// Seconds (any origin, Unix for epoch and ISO 8601) of a time field.
std::optional<double> parse_time(std::string_view text, TimeFormat f) {
  text = trimmed(text);
  if (f == TimeFormat::iso8601) {
    const auto t = parse_iso_datetime(text);
    if (!t) return std::nullopt;
    return static_cast<double>(*t);
  }
  return parse_csv_double(text);
}

struct Columns {
  size_t submit = kAbsent, duration = kAbsent, end = kAbsent, start = kAbsent, gpus = kAbsent,
         tenant = kAbsent, kind = kAbsent, accelerator = kAbsent;
};

std::string describe(const CsvTraceMap& m) {
  std::string out = "submit=" + m.submit + (m.duration.empty() ? "" : ",duration=" + m.duration) +
                    (m.end.empty() ? "" : ",end=" + m.end) + ",gpus=" + m.gpus;
  return out;
}

struct Reader {
  const CsvScanner& csv;
  const CsvTraceMap& map;
  const Columns& col;
  TimeFormat format;
  Workload& w;
  std::unordered_map<std::string, uint16_t> tenants;

  Error error(size_t i, std::string message) const {
    return csv.error_at(i, i < csv.header().size() ? csv.header()[i] : "", std::move(message));
  }

  Result<double> time_at(size_t i) const {
    if (i >= csv.size()) return fail(error(i, "missing field"));
    const auto t = parse_time(csv.field(i), format);
    if (!t)
      return fail(error(i, fmt::format("found {}; expected a time in the {} format{}", quote_for_error(csv.field(i)),
                                       format_name(format),
                                       format == TimeFormat::iso8601 ? " ('2024-03-30T08:00:00Z')"
                                                                      : " (a number of seconds)")));
    if (format == TimeFormat::epoch)
      if (const auto why = epoch_out_of_range(*t))
        return fail(error(i, fmt::format("found {}: {}", quote_for_error(csv.field(i)), *why)));
    return *t;
  }

  // False: a well-formed row that requests no GPU (a CPU-only job), counted and skipped.
  Result<bool> row(Job& job) {
    const size_t width = csv.header().size();
    if (csv.size() != width)
      return fail(error(std::min(csv.size(), width),
                        fmt::format("the row has {} fields; expected {} as in the header", csv.size(), width)));
    auto submit = time_at(col.submit);
    if (!submit) return fail(submit.error());
    double duration = 0;
    if (col.duration != kAbsent) {
      const auto d = parse_csv_double(csv.field(col.duration));
      if (!d || *d <= 0)
        return fail(error(col.duration, fmt::format("found {}; expected a run time in seconds > 0",
                                                    quote_for_error(csv.field(col.duration)))));
      duration = *d;
    } else {
      auto end = time_at(col.end);
      if (!end) return fail(end.error());
      double from = *submit;
      if (col.start != kAbsent) {
        auto start = time_at(col.start);
        if (!start) return fail(start.error());
        from = *start;
      }
      duration = *end - from;
      if (!(duration > 0))
        return fail(error(col.end, fmt::format("the end {} is not after the {} ({}): expected a run time > 0",
                                               quote_for_error(csv.field(col.end)),
                                               col.start != kAbsent ? "start" : "submit", from)));
    }
    const auto g = parse_csv_double(csv.field(col.gpus));
    if (!g || *g < 0 || *g > std::numeric_limits<uint32_t>::max())
      return fail(error(col.gpus, fmt::format("found {}; expected a number of GPUs >= 0 (0: a CPU job, skipped)",
                                              quote_for_error(csv.field(col.gpus)))));
    if (*g == 0) {
      ++w.rows_without_gpus;
      return false;
    }
    const double gpus = std::ceil(*g);
    if (gpus != *g) ++w.fractional_gpus_rounded;  // counted per kept row (undone if skipped: rare)
    job.submit_s = *submit;
    job.duration_s = duration;
    job.gpus = static_cast<uint32_t>(gpus);
    job.kind = JobKind::research;
    if (col.kind != kAbsent) {
      const auto k = job_kind_from_string(trimmed(csv.field(col.kind)));
      if (!k)
        return fail(error(col.kind, fmt::format("found {}; expected training, research or inference",
                                                quote_for_error(csv.field(col.kind)))));
      job.kind = *k;
    }
    if (col.tenant != kAbsent) {
      const std::string name(trimmed(csv.field(col.tenant)));
      auto it = tenants.find(name);
      if (it == tenants.end()) {
        if (w.tenants.size() > std::numeric_limits<uint16_t>::max())
          return fail(error(col.tenant, "too many distinct tenants: at most 65,535"));
        it = tenants.emplace(name, w.intern_tenant(name)).first;
      }
      job.tenant = it->second;
    }
    if (col.accelerator != kAbsent) {
      const std::string name(trimmed(csv.field(col.accelerator)));
      if (!name.empty()) {
        auto& names = w.trace_accelerators;
        auto at = std::find(names.begin(), names.end(), name);
        if (at == names.end()) {
          if (names.size() >= 64) return fail(error(col.accelerator, "more than 64 distinct accelerator names"));
          names.push_back(name);
          at = names.end() - 1;
        }
        job.accelerator_mask = uint64_t{1} << (at - names.begin());
      }
    }
    return true;
  }
};

}  // namespace

Result<CsvTraceMap> parse_csv_trace_map(std::string_view text, const std::string& where) {
  CsvTraceMap m;
  const auto bad = [&](std::string message) {
    return fail(Error{"<command line>", 0, 0, where, std::move(message)});
  };
  for (const KeyValueItem& kv : key_value_items(text)) {
    if (!kv.has_equals || kv.key.empty() || kv.value.empty())
      return bad(fmt::format("found '{}'; expected FIELD=COLUMN", kv.item));
    const std::string_view field = kv.key;
    const std::string column(kv.value);
    std::string* dst = nullptr;
    if (field == "submit") dst = &m.submit;
    else if (field == "duration") dst = &m.duration;
    else if (field == "end") dst = &m.end;
    else if (field == "start") dst = &m.start;
    else if (field == "gpus") dst = &m.gpus;
    else if (field == "tenant") dst = &m.tenant;
    else if (field == "kind") dst = &m.kind;
    else if (field == "accelerator") dst = &m.accelerator;
    if (!dst) {
      const std::string near = nearest_word(field, {"submit", "duration", "end", "start", "gpus", "tenant", "kind",
                                                    "accelerator"});
      return bad(fmt::format("unknown field '{}'{}; expected submit, duration, end, start, gpus, tenant, kind or "
                             "accelerator",
                             field, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    }
    if (!dst->empty()) return bad(fmt::format("field '{}' mapped twice", field));
    *dst = column;
  }
  if (m.submit.empty()) return bad("missing submit=COLUMN");
  if (m.gpus.empty()) return bad("missing gpus=COLUMN");
  if (m.duration.empty() == m.end.empty()) return bad("expected exactly one of duration=COLUMN or end=COLUMN");
  if (!m.start.empty() && m.end.empty()) return bad("start=COLUMN needs end=COLUMN");
  return m;
}

Result<TimeFormat> parse_time_format(std::string_view text, const std::string& where) {
  if (text == "seconds") return TimeFormat::seconds;
  if (text == "epoch") return TimeFormat::epoch;
  if (text == "iso8601") return TimeFormat::iso8601;
  return fail(Error{"<command line>", 0, 0, where,
                    fmt::format("unknown time format '{}'; expected epoch, iso8601 or seconds", text)});
}

Result<Workload> read_csv_trace_text(const std::string& text, const std::string& file_name, const CsvTraceMap& map,
                                     TimeFormat time_format, const TraceReadOptions& options) {
  if (map.submit.empty() || map.gpus.empty() || map.duration.empty() == map.end.empty())
    return fail(file_name, 0, 0, "map", "expected columns for submit, gpus and one of duration or end");
  CsvScanner csv(text, file_name);
  const std::string expected = describe(map);
  if (auto header = csv.read_header(); !header) {
    Error e = header.error();
    if (e.line == 0) e.message = fmt::format("empty file: expected a header with the columns {}", expected);
    return fail(std::move(e));
  }
  Columns col;
  for (auto [name, index] : {std::pair{&map.submit, &col.submit}, std::pair{&map.duration, &col.duration},
                             std::pair{&map.end, &col.end}, std::pair{&map.start, &col.start},
                             std::pair{&map.gpus, &col.gpus}, std::pair{&map.tenant, &col.tenant},
                             std::pair{&map.kind, &col.kind}, std::pair{&map.accelerator, &col.accelerator}}) {
    if (name->empty()) continue;
    auto found = csv.column(*name);
    if (!found) return fail(found.error());
    *index = *found;
  }
  Workload w;
  w.tenants.emplace_back();
  w.jurisdictions.emplace_back();
  Reader reader{csv, map, col, time_format, w, {}};
  double first = std::numeric_limits<double>::infinity();
  auto rows = read_trace_rows(
      csv, file_name, expected, options, w, [&](Job& job) { return reader.row(job); },
      [&] { first = std::min(first, w.jobs.back().submit_s); });
  if (!rows) return fail(rows.error());
  for (auto& job : w.jobs) job.submit_s -= first;
  if (time_format != TimeFormat::seconds) w.origin_unix_s = static_cast<int64_t>(std::floor(first));
  w.finalize();
  return w;
}

Result<Workload> read_csv_trace(const std::string& path, const CsvTraceMap& map, TimeFormat time_format,
                                const TraceReadOptions& options) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return read_csv_trace_text(*text, path, map, time_format, options);
}

}  // namespace gpufleet
