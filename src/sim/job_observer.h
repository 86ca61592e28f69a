// Per-job results and their summary: queue time (first start - submit, started jobs), JCT
// (end - submit, completed jobs), per job and by GPU-hours, over all jobs, per size band and
// per kind (sim/job_time_stats.h), the longest waits, makespan (last completion - first submit).
// A job's cost_usd is its allocated GPUs (whole nodes for gang jobs) x hours run before the
// horizon x the price of its pool (split by the pools' sources) (contracts: their usd_per_gpu_hour, not the take-or-pay
// bill, which the CostObserver accounts per contract).
//
// Kept lean while the run lasts, since a job's end is a write to a random place among the
// jobs running: per job only its first start, its end and its last pool (16 + 4 bytes);
// the cost of its last run is derived at the end from those. Jobs stopped without
// completing (interrupted, or cut at the horizon) also keep the cost of their earlier runs,
// their restarts and their last run's start, in a map of those jobs only.
// The JobResult rows are built once, in id order, by on_finish(), which may be called once.
#pragma once

#include <unordered_map>
#include <vector>

#include "sim/observer.h"

namespace gpufleet::sim {

class JobObserver final : public Observer {
 public:
  // rows: whether on_finish() fills SimResults::jobs (the summary does not need them).
  JobObserver(const SimContext& ctx, bool rows);
  // A job dropped after it ran (interrupted, then no pool could ever hold it again) is not
  // counted: it started, and stays not completed.
  void on_job_unplaceable(double t_s, const Job& job) override {
    if (start_s_[job.id] >= 0) return;
    ++unplaceable_;
    unplaceable_bits_[job.id >> 6] |= uint64_t{1} << (job.id & 63);
  }
  void on_job_start(double t_s, const Job& job, const Allocation& a) override;
  void on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) override;
  void on_finish(SimResults& results) override;

 private:
  // A job that stopped without completing at least once.
  struct Stopped {
    double cost_usd[3] = {0, 0, 0};  // of its runs before the current (or last) one, by CapacitySource
    double gpu_seconds = 0;          // allocated GPUs x seconds of those runs
    double run_start_s = 0;  // start of its current (or last) run
    uint32_t restarts = 0;
  };
  bool stopped_before(uint32_t id) const { return (stopped_bits_[id >> 6] >> (id & 63)) & 1u; }
  bool unplaceable_before(uint32_t id) const { return (unplaceable_bits_[id >> 6] >> (id & 63)) & 1u; }

  const SimContext& ctx_;
  std::vector<double> start_s_;  // by id: first start, -1 if never started
  std::vector<double> end_s_;    // by id: completion, -1 if not completed
  std::vector<uint32_t> pool_;   // by id: pool of the last run, kNone if never started
  std::vector<uint64_t> stopped_bits_;            // by id, one bit: in stopped_
  std::vector<uint64_t> unplaceable_bits_;        // by id, one bit: rejected before it ever ran
  std::unordered_map<uint32_t, Stopped> stopped_;  // by id; few jobs (interrupted or cut)
  int64_t unplaceable_ = 0;
  bool rows_;
};

}  // namespace gpufleet::sim
