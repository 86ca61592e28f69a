#include "sim/timeseries_observer.h"

#include <algorithm>

namespace gpufleet::sim {

TimeseriesObserver::TimeseriesObserver(const SimContext& ctx)
    : ctx_(ctx),
      busy_s_(static_cast<size_t>(ctx.hours), 0.0),
      capacity_s_(static_cast<size_t>(ctx.hours), 0.0),
      work_s_(static_cast<size_t>(ctx.hours), 0.0),
      providers_(ctx.scenario.providers.size()),
      busy_by_source_s_(static_cast<size_t>(ctx.hours) * providers_ * 3, 0.0),
      queued_(static_cast<size_t>(ctx.hours), 0) {
  for (uint32_t p = 0; p < ctx.fleet.pool_count(); ++p)
    speed_.push_back(ctx.scenario.accelerators[static_cast<size_t>(ctx.fleet.pool(p).spec.accelerator)].speed_factor);
}

void TimeseriesObserver::on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) {
  const auto busy = static_cast<double>(pool.busy_gpus);
  const auto capacity = static_cast<double>(pool.in_service_gpus);
  if (busy == 0 && capacity == 0) return;
  const double work = static_cast<double>(pool.used_gpus) * speed_[p];
  const int64_t hours = ctx_.hours;
  const int provider = pool.spec.provider;
  const size_t column = provider >= 0 ? static_cast<size_t>(provider) * 3 + static_cast<size_t>(pool.spec.source) : 0;
  split_by_hour(from_s, to_s, [&](int64_t h, double seconds) {
    if (h >= hours) return;
    busy_s_[static_cast<size_t>(h)] += busy * seconds;
    capacity_s_[static_cast<size_t>(h)] += capacity * seconds;
    work_s_[static_cast<size_t>(h)] += work * seconds;
    if (provider >= 0) busy_by_source_s_[static_cast<size_t>(h) * providers_ * 3 + column] += busy * seconds;
  });
}

void TimeseriesObserver::on_job_submit(double t_s, const Job&) {
  sample_until(t_s);
  ++queued_now_;
}

void TimeseriesObserver::on_job_unplaceable(double t_s, const Job&) {
  sample_until(t_s);
  --queued_now_;
}

void TimeseriesObserver::on_job_start(double t_s, const Job&, const Allocation&) {
  sample_until(t_s);
  --queued_now_;
}

void TimeseriesObserver::on_job_stop(double t_s, const Job&, const Allocation&, const StopInfo& info) {
  if (!info.interrupted()) return;
  sample_until(t_s);
  ++queued_now_;  // waits again
}

void TimeseriesObserver::on_finish(SimResults& results) {
  sample_until(ctx_.horizon_s);
  // The last hour ends at the horizon when the horizon is not a whole number of hours.
  while (sampled_hours_ < ctx_.hours) queued_[static_cast<size_t>(sampled_hours_++)] = queued_now_;
  for (size_t h = 0; h < results.hours.size(); ++h) {
    const double start = static_cast<double>(h) * kSecondsPerHour;
    const double span = std::min(kSecondsPerHour, ctx_.horizon_s - start);
    HourRow& row = results.hours[h];
    row.busy_gpus = span > 0 ? busy_s_[h] / span : 0;
    row.capacity_gpus = span > 0 ? capacity_s_[h] / span : 0;
    row.work_ref_gpus = span > 0 ? work_s_[h] / span : 0;
    row.queued_jobs = queued_[h];
    row.busy_gpus_by_provider_source.resize(providers_ * 3);
    for (size_t c = 0; c < providers_ * 3; ++c)
      row.busy_gpus_by_provider_source[c] = span > 0 ? busy_by_source_s_[h * providers_ * 3 + c] / span : 0;
  }
}

}  // namespace gpufleet::sim
