// Reader of the Microsoft Philly job trace as re-exported by the Sia artifact (philly.csv):
//   timestamp,duration,num_gpus,gpu_time,cluster
//   2017-10-09 07:01:55,66.0,1,66.0,11cb48
// timestamp: submit time (UTC, unsorted); duration: run time in seconds; num_gpus: GPUs of the
// job; gpu_time: duration x num_gpus (not used); cluster: virtual cluster id (the tenant).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "gpufleet/workload.h"
#include "io/csv_scanner.h"
#include "io/traces/trace_rows.h"
#include "util/atomic_file.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

constexpr std::string_view kPhillyHeader = "timestamp,duration,num_gpus,gpu_time,cluster";

// Heterogeneous lookup so that a row's cluster id needs no std::string to be found.
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TenantIndex = std::unordered_map<std::string, uint16_t, ViewHash, std::equal_to<>>;

struct PhillyColumns {
  size_t timestamp, duration, gpus, cluster, count;
};

// Parses the current row into job (submit_s holds Unix seconds until rebased). False: a row
// of a job that requested no GPU, counted and skipped.
Result<bool> parse_row(const CsvScanner& csv, const PhillyColumns& col, TenantIndex& tenants,
                       Workload& w, Job& job) {
  const auto& header = csv.header();
  if (csv.size() < col.count)
    return fail(csv.error_at(csv.size(), header[csv.size()],
                             fmt::format("missing field: the row has {} fields; expected {} ({})",
                                         csv.size(), col.count, kPhillyHeader)));
  if (csv.size() > col.count)
    return fail(csv.error_at(col.count, "",
                             fmt::format("unexpected field: the row has {} fields; expected {} ({})",
                                         csv.size(), col.count, kPhillyHeader)));

  const std::string_view ts_text = csv.field(col.timestamp);
  std::string_view ts = ts_text;
  while (!ts.empty() && ts.front() == ' ') ts.remove_prefix(1);
  while (!ts.empty() && ts.back() == ' ') ts.remove_suffix(1);
  const auto ts_unix = parse_iso_datetime(ts);
  if (!ts_unix)
    return fail(csv.error_at(col.timestamp, header[col.timestamp],
                             fmt::format("found {}; expected a submit time like "
                                         "'2017-10-09 07:01:55' (UTC)",
                                         quote_for_error(ts_text))));

  const auto duration = parse_csv_double(csv.field(col.duration));
  if (!duration || *duration <= 0)
    return fail(csv.error_at(col.duration, header[col.duration],
                             fmt::format("found {}; expected a run time in seconds > 0",
                                         quote_for_error(csv.field(col.duration)))));

  const auto gpus = parse_csv_int(csv.field(col.gpus));
  if (!gpus || *gpus < 0 || *gpus > std::numeric_limits<uint32_t>::max())
    return fail(csv.error_at(col.gpus, header[col.gpus],
                             fmt::format("found {}; expected a whole number of GPUs >= 0 (0: a CPU job, skipped)",
                                         quote_for_error(csv.field(col.gpus)))));
  if (*gpus == 0) {
    ++w.rows_without_gpus;
    return false;
  }

  std::string_view cluster = csv.field(col.cluster);
  while (!cluster.empty() && cluster.front() == ' ') cluster.remove_prefix(1);
  while (!cluster.empty() && cluster.back() == ' ') cluster.remove_suffix(1);
  if (cluster.empty())
    return fail(csv.error_at(col.cluster, header[col.cluster],
                             "found an empty field; expected a virtual cluster id"));
  uint16_t tenant = 0;
  if (const auto it = tenants.find(cluster); it != tenants.end()) {
    tenant = it->second;
  } else {
    if (w.tenants.size() > std::numeric_limits<uint16_t>::max())
      return fail(csv.error_at(col.cluster, header[col.cluster],
                               "too many distinct virtual clusters: at most 65,535"));
    std::string name(cluster);
    tenant = w.intern_tenant(name);
    tenants.emplace(std::move(name), tenant);
  }

  job.submit_s = static_cast<double>(*ts_unix);
  job.duration_s = *duration;
  job.gpus = static_cast<uint32_t>(*gpus);
  job.tenant = tenant;
  job.kind = JobKind::research;
  return true;
}

}  // namespace

Result<Workload> read_philly_trace_text(const std::string& text, const std::string& file_name,
                                        const TraceReadOptions& options) {
  CsvScanner csv(text, file_name);
  PhillyColumns col{};
  if (auto h = read_trace_header(csv, kPhillyHeader,
                                 {{"timestamp", &col.timestamp},
                                  {"duration", &col.duration},
                                  {"num_gpus", &col.gpus},
                                  {"cluster", &col.cluster}});
      !h)
    return fail(h.error());
  col.count = csv.header().size();

  Workload w;
  w.tenants.emplace_back();
  w.jurisdictions.emplace_back();
  w.jobs.reserve(text.size() / 40 + 1);  // philly.csv rows are about 42 bytes
  TenantIndex tenants;
  int64_t first_submit = std::numeric_limits<int64_t>::max();
  auto rows = read_trace_rows(
      csv, file_name, kPhillyHeader, options, w,
      [&](Job& job) { return parse_row(csv, col, tenants, w, job); },
      [&] { first_submit = std::min(first_submit, static_cast<int64_t>(w.jobs.back().submit_s)); });
  if (!rows) return fail(rows.error());
  const auto origin = static_cast<double>(first_submit);
  for (auto& job : w.jobs) job.submit_s -= origin;
  w.origin_unix_s = first_submit;
  w.finalize();
  return w;
}

Result<Workload> read_philly_trace(const std::string& path, const TraceReadOptions& options) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return read_philly_trace_text(*text, path, options);
}

}  // namespace gpufleet
