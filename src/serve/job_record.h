// A job as the service keeps it: what was asked, who asked, and where it is in its life. The
// row that storage engines persist whole (store.h). Times are service seconds (the clock:
// seconds since the scenario's start for a real clock, or the virtual clock's reading).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "serve/job_request.h"

namespace gpufleet::serve {

enum class JobState : uint8_t {
  queued = 0,       // waiting for a placement (or parked by its tenant's quota)
  running = 1,      // placed: holds GPUs in `pool`
  finished = 2,     // ended by its runner's "finished" event
  cancelled = 3,    // by its tenant
  unplaceable = 4,  // no pool it may use can ever hold it
  failed = 5,       // its backend reported its runs failed as many times as the site allows
};
inline constexpr size_t kJobStates = 6;
std::string_view to_string(JobState state);
bool job_state_from_string(std::string_view text, JobState& out);
inline bool is_final(JobState s) {
  return s == JobState::finished || s == JobState::cancelled || s == JobState::unplaceable || s == JobState::failed;
}

struct JobRecord {
  int64_t id = 0;  // > 0, assigned in submission order, never reused
  std::string tenant;
  JobRequest request;
  JobState state = JobState::queued;
  double submit_s = 0;
  double start_s = -1;         // of the current (or last) run; -1 before any
  double end_s = -1;           // when it reached a final state; -1 before
  int32_t pool = -1;           // the pool of the current (or last) run, or -1
  double remaining_s = 0;      // reference seconds of estimated work left as of start_s
  int32_t restarts = 0;        // runs stopped by a failure, preemption or outage
  double gpu_seconds = 0;      // GPUs x seconds held in earlier runs (the current one aside)
  double spend_usd = 0;        // what those runs cost at their pools' prices
  int64_t backend_job_id = 0;  // the current run's id in its site's backend (a Slurm job id); 0 = none
  // Runs its backend reported failed since this service started (not stored: a restart counts
  // afresh); at the site's max_failures the job is failed.
  int32_t failures = 0;
};

}  // namespace gpufleet::serve
