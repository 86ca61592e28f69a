// Per-job results and their summary: queue time (first start - submit, started jobs), JCT
// (end - submit, completed jobs), percentiles by nearest rank on the sorted values
// (index floor(q x (n - 1))), makespan (last completion - first submit).
// A job's cost_usd is its allocated GPUs (whole nodes for gang jobs) x hours run before the
// horizon x the price of its pool (contracts: their usd_per_gpu_hour, not the take-or-pay
// bill, which the CostObserver accounts per contract).
#pragma once

#include <vector>

#include "sim/observer.h"

namespace gpufleet::sim {

class JobObserver final : public Observer {
 public:
  explicit JobObserver(const SimContext& ctx);
  // A job dropped after it ran (interrupted, then no pool could ever hold it again) is not
  // counted: it started, and stays not completed.
  void on_job_unplaceable(double t_s, const Job& job) override {
    if (jobs_[job.id].start_s < 0) ++unplaceable_;
  }
  void on_job_start(double t_s, const Job& job, const Allocation& a) override;
  void on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) override;
  void on_finish(SimResults& results) override;

 private:
  const SimContext& ctx_;
  std::vector<JobResult> jobs_;  // by id; moved into results.jobs at the end
  int64_t unplaceable_ = 0;
};

}  // namespace gpufleet::sim
