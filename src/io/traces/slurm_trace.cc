// Reader of Slurm accounting exports (sacct --parsable2): one row per job or job step.
//   JobID|JobName|Account|Partition|Submit|Start|End|Elapsed|AllocTRES|ReqTRES|State
//   4242|pretrain|research|gpu|2024-03-01T12:00:00|2024-03-01T12:05:00|2024-03-01T14:05:00|02:00:00|billing=64,cpu=64,gres/gpu=8,node=1|cpu=64,gres/gpu=8|COMPLETED
#include <algorithm>
#include <cstdint>
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
#include "util/time_parse.h"

namespace gpufleet {

namespace {

constexpr std::string_view kSlurmHeader = "JobID|Submit|Start|Elapsed|AllocTRES|State (sacct --parsable2)";
constexpr size_t kAbsent = std::numeric_limits<size_t>::max();

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "[D-]HH:MM:SS", "MM:SS" or "MM:SS.mmm" -> seconds.
std::optional<double> parse_elapsed(std::string_view s) {
  s = trim(s);
  double days = 0;
  if (const size_t dash = s.find('-'); dash != std::string_view::npos) {
    const auto d = parse_csv_int(s.substr(0, dash));
    if (!d || *d < 0) return std::nullopt;
    days = static_cast<double>(*d);
    s.remove_prefix(dash + 1);
  }
  double parts[3] = {0, 0, 0};
  int n = 0;
  while (!s.empty()) {
    if (n == 3) return std::nullopt;
    const size_t colon = s.find(':');
    const auto v = parse_csv_double(s.substr(0, colon));
    if (!v || *v < 0) return std::nullopt;
    parts[n++] = *v;
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
    if (s.empty()) return std::nullopt;
  }
  if (n < 2) return std::nullopt;
  const double h = n == 3 ? parts[0] : 0, m = n == 3 ? parts[1] : parts[0], sec = n == 3 ? parts[2] : parts[1];
  if (m >= 60 || sec >= 60) return std::nullopt;
  return days * kSecondsPerDay + h * 3600 + m * 60 + sec;
}

// GPUs of a TRES list "billing=8,cpu=8,gres/gpu=2,gres/gpu:a100=2,mem=64G,node=1": the
// untyped count, else the sum of the typed ones; nullopt if a GPU count is malformed.
std::optional<int64_t> tres_gpus(std::string_view tres) {
  int64_t untyped = -1, typed = 0;
  while (!tres.empty()) {
    const size_t comma = tres.find(',');
    const std::string_view item = tres.substr(0, comma);
    tres.remove_prefix(comma == std::string_view::npos ? tres.size() : comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = trim(item.substr(0, eq));
    if (key != "gres/gpu" && key.rfind("gres/gpu:", 0) != 0) continue;
    const auto n = parse_csv_int(item.substr(eq + 1));
    if (!n || *n < 0) return std::nullopt;
    if (key == "gres/gpu") untyped = *n;
    else typed += *n;
  }
  return untyped >= 0 ? untyped : typed;
}

struct SlurmColumns {
  size_t id, submit, start, end = kAbsent, elapsed = kAbsent, alloc = kAbsent, req = kAbsent, state, account = kAbsent;
};

using TenantIndex = std::unordered_map<std::string, uint16_t>;

// Parses the current row into job (submit_s holds Unix seconds until rebased); false when the
// row is no job to replay.
Result<bool> parse_row(const CsvScanner& csv, const SlurmColumns& col, TenantIndex& tenants, Workload& w, Job& job) {
  const auto& header = csv.header();
  if (csv.size() != header.size())
    return fail(csv.error_at(std::min(csv.size(), header.size()), "",
                             fmt::format("the row has {} fields; expected {} as in the header", csv.size(), header.size())));
  const std::string_view id = trim(csv.field(col.id));
  if (id.find('.') != std::string_view::npos) return false;  // a job step, not a job
  const std::string_view state = trim(csv.field(col.state));
  const std::string_view start_text = trim(csv.field(col.start));
  if (start_text == "Unknown" || start_text == "None" || start_text.empty() || state == "PENDING" ||
      state == "RUNNING" || state == "REQUEUED" || state == "SUSPENDED")
    return false;  // never started, or has no end yet
  const auto submit = parse_iso_datetime(trim(csv.field(col.submit)));
  if (!submit)
    return fail(csv.error_at(col.submit, header[col.submit],
                             fmt::format("found {}; expected a time like '2024-03-01T12:00:00'", quote_for_error(csv.field(col.submit)))));
  const auto start = parse_iso_datetime(start_text);
  if (!start || *start < *submit)
    return fail(csv.error_at(col.start, header[col.start],
                             fmt::format("found {}; expected a time like '2024-03-01T12:05:00', not before Submit",
                                         quote_for_error(csv.field(col.start)))));
  double duration = 0;
  if (col.elapsed != kAbsent) {
    const auto e = parse_elapsed(csv.field(col.elapsed));
    if (!e || *e > kMaxHorizonS)
      return fail(csv.error_at(col.elapsed, header[col.elapsed],
                               fmt::format("found {}; expected a run time [D-]HH:MM:SS of at most 100 years",
                                           quote_for_error(csv.field(col.elapsed)))));
    duration = *e;
  } else {
    const auto end = parse_iso_datetime(trim(csv.field(col.end)));
    if (!end || *end < *start)
      return fail(csv.error_at(col.end, header[col.end],
                               fmt::format("found {}; expected a time not before Start", quote_for_error(csv.field(col.end)))));
    duration = static_cast<double>(*end - *start);
  }
  if (duration <= 0) return false;  // ended as it started: nothing ran
  std::optional<int64_t> gpus;
  size_t gpu_col = col.alloc != kAbsent ? col.alloc : col.req;
  gpus = tres_gpus(csv.field(gpu_col));
  if (gpus && *gpus == 0 && col.alloc != kAbsent && col.req != kAbsent && trim(csv.field(col.alloc)).empty()) {
    gpu_col = col.req;
    gpus = tres_gpus(csv.field(col.req));
  }
  if (!gpus || *gpus > std::numeric_limits<uint32_t>::max())
    return fail(csv.error_at(gpu_col, header[gpu_col],
                             fmt::format("found {}; expected a TRES list such as 'cpu=8,gres/gpu=2,node=1'",
                                         quote_for_error(csv.field(gpu_col)))));
  if (*gpus == 0) {  // a CPU job
    ++w.rows_without_gpus;
    return false;
  }
  uint16_t tenant = 0;
  if (col.account != kAbsent) {
    const std::string account(trim(csv.field(col.account)));
    if (!account.empty()) {
      if (const auto it = tenants.find(account); it != tenants.end()) {
        tenant = it->second;
      } else {
        if (w.tenants.size() > std::numeric_limits<uint16_t>::max())
          return fail(csv.error_at(col.account, header[col.account], "too many distinct accounts: at most 65,535"));
        tenant = w.intern_tenant(account);
        tenants.emplace(account, tenant);
      }
    }
  }
  job.submit_s = static_cast<double>(*submit);
  job.duration_s = duration;
  job.gpus = static_cast<uint32_t>(*gpus);
  job.tenant = tenant;
  job.kind = JobKind::research;
  return true;
}

}  // namespace

Result<Workload> read_slurm_sacct_trace_text(const std::string& text, const std::string& file_name,
                                             const TraceReadOptions& options) {
  CsvScanner csv(text, file_name, '|');
  SlurmColumns col{};
  if (auto h = read_trace_header(csv, kSlurmHeader, {{"JobID", &col.id}, {"Submit", &col.submit}, {"Start", &col.start}, {"State", &col.state}});
      !h)
    return fail(h.error());
  auto optional = [&](std::string_view name, size_t& out) {
    for (size_t i = 0; i < csv.header().size(); ++i)
      if (csv.header()[i] == name) out = i;
  };
  optional("End", col.end);
  optional("Elapsed", col.elapsed);
  optional("AllocTRES", col.alloc);
  optional("ReqTRES", col.req);
  optional("Account", col.account);
  if (col.elapsed == kAbsent && col.end == kAbsent)
    return fail(file_name, 1, 1, "Elapsed", "the header has neither Elapsed nor End; expected one of them (sacct --format=...,Elapsed)");
  if (col.alloc == kAbsent && col.req == kAbsent)
    return fail(file_name, 1, 1, "AllocTRES", "the header has neither AllocTRES nor ReqTRES; expected one (the GPUs are read from gres/gpu)");

  Workload w;
  w.tenants.emplace_back();
  w.jurisdictions.emplace_back();
  TenantIndex tenants;
  int64_t first_submit = std::numeric_limits<int64_t>::max();
  auto rows = read_trace_rows(
      csv, file_name, kSlurmHeader, options, w, [&](Job& job) { return parse_row(csv, col, tenants, w, job); },
      [&] { first_submit = std::min(first_submit, static_cast<int64_t>(w.jobs.back().submit_s)); });
  if (!rows) {
    if (w.rows_not_replayed > 0 && w.jobs.empty() && rows.error().line == 0)
      return fail(file_name, 0, 0, "",
                  fmt::format("no GPU job that ran: all {} rows are job steps, jobs that never started or still run, or CPU jobs",
                              w.rows_not_replayed));
    return fail(rows.error());
  }
  for (auto& job : w.jobs) job.submit_s -= static_cast<double>(first_submit);
  w.origin_unix_s = first_submit;
  w.finalize();
  return w;
}

Result<Workload> read_slurm_sacct_trace(const std::string& path, const TraceReadOptions& options) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return read_slurm_sacct_trace_text(*text, path, options);
}

}  // namespace gpufleet
