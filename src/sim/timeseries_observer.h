// The hourly series: busy (in all and by provider and source) and in-service GPUs, and the work
// done in reference GPUs, averaged over each hour (the last, partial
// hour over its part before the horizon), and the number of queued jobs at each hour's end
// (events exactly at the boundary belong to the next hour).
#pragma once

#include <vector>

#include "sim/observer.h"

namespace gpufleet::sim {

class TimeseriesObserver final : public Observer {
 public:
  explicit TimeseriesObserver(const SimContext& ctx);
  void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) override;
  void on_job_submit(double t_s, const Job& job) override;
  void on_job_unplaceable(double t_s, const Job& job) override;
  void on_job_start(double t_s, const Job& job, const Allocation& a) override;
  void on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) override;
  void on_finish(SimResults& results) override;

 private:
  // Records the queue length for every hour that ended at or before t_s.
  void sample_until(double t_s) {
    while (sampled_hours_ < ctx_.hours &&
           static_cast<double>(sampled_hours_ + 1) * kSecondsPerHour <= t_s)
      queued_[static_cast<size_t>(sampled_hours_++)] = queued_now_;
  }

  const SimContext& ctx_;
  std::vector<double> busy_s_, capacity_s_;  // GPU-seconds per hour
  std::vector<double> work_s_;               // reference GPU-seconds per hour
  std::vector<double> speed_;                // per pool: its accelerator's speed factor
  size_t providers_;
  std::vector<double> busy_by_source_s_;     // GPU-seconds per [hour][provider][source]
  std::vector<int64_t> queued_;
  int64_t queued_now_ = 0;
  int64_t sampled_hours_ = 0;
};

}  // namespace gpufleet::sim
