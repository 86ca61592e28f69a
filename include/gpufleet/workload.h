// Jobs: one compact record for every source (Philly trace, Sia workload, generator).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/scenario.h"

namespace gpufleet {

inline constexpr uint64_t kAnyAccelerator = ~uint64_t{0};

// 40 bytes; ten million of them fit comfortably in memory. Times in simulated seconds.
struct Job {
  double submit_s = 0;
  double duration_s = 0;     // run time on the reference accelerator (speed factor 1.0); > 0
  uint64_t accelerator_mask = kAnyAccelerator;  // bit i: Scenario::accelerators[i] allowed
  uint32_t id = 0;           // index of the job in Workload::jobs
  uint32_t gpus = 1;         // >= 1; all in one site (whole nodes when >= gpus_per_node)
  uint16_t tenant = 0;       // index into Workload::tenants
  uint16_t jurisdiction = 0; // 0 = any; else index into Workload::jurisdictions
  JobKind kind = JobKind::research;
  uint8_t priority = 0;      // higher first, where a policy honours it
  uint8_t profile = 0;       // index into Workload::profiles (checkpointing, flexibility)
};
static_assert(sizeof(Job) == 40, "Job must stay 40 bytes");

// What jobs share by class: how they checkpoint and how long they may be delayed.
struct JobProfile {
  double checkpoint_interval_s = 0;  // 0 = never checkpoints
  double checkpoint_cost_s = 0;
  double flexible_slack_s = 0;       // > 0: carbon placement may delay the start this long

  bool operator==(const JobProfile&) const = default;  // field by field
};

struct Workload {
  std::vector<Job> jobs;                  // sorted by (submit_s, id); id == index
  std::vector<std::string> tenants;       // tenants[0] is "" (none)
  std::vector<std::string> jurisdictions; // jurisdictions[0] is "" (any)
  std::vector<std::string> names;         // per job, or empty when the source has no names
  std::vector<JobProfile> profiles;       // profiles[0]: the scenario's checkpoint defaults
  int64_t fractional_gpus_rounded = 0;    // trace rows whose GPU count was rounded up
  // Accelerator names of a csv trace's accelerator column: until build_workload() resolves
  // them against the scenario, a job's accelerator_mask bit i means trace_accelerators[i].
  std::vector<std::string> trace_accelerators;
  int64_t origin_unix_s = 0;              // Unix time of a trace's first submit (simulated 0), 0 if unknown
  int64_t rows_skipped = 0;               // malformed rows skipped (with skip_bad_rows)
  // Well-formed rows that are no job to replay: a Slurm export's job steps, jobs that never
  // started or are still running, jobs that used no GPU.
  int64_t rows_not_replayed = 0;
  int64_t rows_without_gpus = 0;          // of those, rows of jobs that requested no GPU (CPU only)
  std::string first_skipped;              // the error of the first skipped row, for the summary

  uint16_t intern_tenant(const std::string& name);
  uint16_t intern_jurisdiction(const std::string& name);
  // Sorts by submit time (stable on insertion order) and renumbers ids.
  void finalize();
};

struct TraceReadOptions {
  bool skip_bad_rows = false;  // count and skip malformed rows instead of failing
  // At most this many job rows (the generator's guard too): a trace with more is an error at
  // the row that passes it, before its jobs fill memory.
  size_t max_jobs = 50'000'000;
};

// Philly job trace, as in philly.csv: timestamp,duration,num_gpus,gpu_time,cluster.
// The first submit becomes simulated time 0 (before TraceSource scaling).
Result<Workload> read_philly_trace(const std::string& path, const TraceReadOptions& options = {});
// Sia / Pollux workload: name,time,application,num_replicas,batch_size.
Result<Workload> read_sia_workload(const std::string& path, const TraceReadOptions& options = {});
// The same readers over text already in memory; `file_name` labels errors only.
Result<Workload> read_philly_trace_text(const std::string& text, const std::string& file_name,
                                        const TraceReadOptions& options = {});
Result<Workload> read_sia_workload_text(const std::string& text, const std::string& file_name,
                                        const TraceReadOptions& options = {});

// A Slurm accounting export, as `sacct --allusers --parsable2 --format=...` writes it: '|'
// between fields, a header naming them. Needs JobID, Submit, Start, Elapsed (or End), State
// and AllocTRES or ReqTRES; reads Account (the tenant) when present. Times are the
// controller's local time read as UTC; Elapsed is [D-]HH:MM:SS. GPUs come from the TRES
// "gres/gpu=N" (or the sum of typed "gres/gpu:TYPE=N"), AllocTRES first. Job steps
// ("123.batch"), jobs that never started or still run, and jobs without GPUs are not
// replayed (Workload::rows_not_replayed). The first submit becomes time 0.
Result<Workload> read_slurm_sacct_trace(const std::string& path, const TraceReadOptions& options = {});
Result<Workload> read_slurm_sacct_trace_text(const std::string& text, const std::string& file_name,
                                             const TraceReadOptions& options = {});

// A generic CSV trace: columns named by `map`, times in `time_format`. Fractional GPU counts
// are rounded up (and counted in fractional_gpus_rounded); the first submit becomes time 0.
// A kind column holds training | research | inference; rows without a kind column get
// research. Errors name the file, line, column and the mapped column's name.
Result<Workload> read_csv_trace(const std::string& path, const CsvTraceMap& map, TimeFormat time_format,
                                const TraceReadOptions& options = {});
Result<Workload> read_csv_trace_text(const std::string& text, const std::string& file_name, const CsvTraceMap& map,
                                     TimeFormat time_format, const TraceReadOptions& options = {});
// "submit=COL,duration=COL,gpus=COL[,end=COL][,start=COL][,tenant=COL][,kind=COL][,accelerator=COL]"
// (the --map argument); errors are located at `where` (e.g. "--map").
Result<CsvTraceMap> parse_csv_trace_map(std::string_view text, const std::string& where);
// "seconds" | "epoch" | "iso8601".
Result<TimeFormat> parse_time_format(std::string_view text, const std::string& where);

// Builds a scenario's whole workload: its traces (scaled), generated classes and fixed jobs,
// with `seed` driving every random draw. Accelerator names resolve against the scenario.
Result<Workload> build_workload(const Scenario& scenario, const TraceReadOptions& options = {});

// The job each of the scenario's workload classes makes, checked as build_workload checks
// them, without submit time, size and duration (accelerator mask, tenant, jurisdiction, kind,
// priority, checkpoint profile); tenants, jurisdictions and profiles are interned into `into`.
Result<std::vector<Job>> job_class_templates(const Scenario& scenario, Workload& into);

}  // namespace gpufleet
