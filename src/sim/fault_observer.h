// Reliability accounting: interruptions by cause, work lost (GPU-seconds since the last
// checkpoint of each interrupted job), restart and checkpoint overhead, per-provider
// availability (in-service / nominal GPU-seconds, capped at 1 per pool interval) and, per
// outage, the jobs it hit, their lost work and their on-demand spend after the hit.
#pragma once

#include <vector>

#include "sim/observer.h"

namespace gpufleet::sim {

class FaultObserver final : public Observer {
 public:
  // outages: how many outage windows the run has (indices of StopInfo::outage).
  FaultObserver(const SimContext& ctx, size_t outages);
  void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) override;
  void on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) override;
  void on_finish(SimResults& results) override;

 private:
  const SimContext& ctx_;
  std::vector<double> nominal_s_, available_s_;  // per provider, GPU-seconds
  std::vector<int32_t> hit_by_;                  // per job: last outage that hit it (-1 none)
  std::vector<OutageResult> outages_;
  int64_t by_cause_[6] = {};
  double lost_gpu_s_ = 0, overhead_gpu_s_ = 0;
};

}  // namespace gpufleet::sim
