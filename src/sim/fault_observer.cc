#include "sim/fault_observer.h"

#include <algorithm>

namespace gpufleet::sim {

FaultObserver::FaultObserver(const SimContext& ctx, size_t outages)
    : ctx_(ctx),
      nominal_s_(ctx.scenario.providers.size(), 0.0),
      available_s_(ctx.scenario.providers.size(), 0.0),
      outages_(outages) {
  if (outages > 0) hit_by_.assign(ctx.workload.jobs.size(), -1);
}

void FaultObserver::on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) {
  const int provider = pool.spec.provider;
  if (provider < 0 || static_cast<size_t>(provider) >= nominal_s_.size()) return;
  const auto nominal = static_cast<double>(pool.nominal_gpus);
  const double dt = to_s - from_s;
  nominal_s_[static_cast<size_t>(provider)] += nominal * dt;
  available_s_[static_cast<size_t>(provider)] += std::min(nominal, static_cast<double>(pool.in_service_gpus)) * dt;
}

void FaultObserver::on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) {
  lost_gpu_s_ += info.lost_gpu_s;
  overhead_gpu_s_ += info.overhead_gpu_s;
  ++by_cause_[static_cast<size_t>(info.cause)];
  if (hit_by_.empty()) return;
  int32_t& hit = hit_by_[job.id];
  if (hit >= 0) {
    const PoolSpec& s = ctx_.fleet.pool(a.pool).spec;
    if (s.source == CapacitySource::on_demand)
      outages_[static_cast<size_t>(hit)].extra_on_demand_usd +=
          static_cast<double>(a.gpus) * (t_s - a.start_s) / kSecondsPerHour * s.usd_per_gpu_hour;
  }
  if (info.cause == StopCause::outage && info.outage >= 0) {
    hit = info.outage;
    OutageResult& o = outages_[static_cast<size_t>(info.outage)];
    ++o.jobs_hit;
    o.gpu_seconds_lost += info.lost_gpu_s;
  }
}

void FaultObserver::on_finish(SimResults& results) {
  SimSummary& s = results.summary;
  s.interruptions_by_failure = by_cause_[static_cast<size_t>(StopCause::node_failure)];
  s.interruptions_by_spot = by_cause_[static_cast<size_t>(StopCause::spot)];
  s.interruptions_by_outage = by_cause_[static_cast<size_t>(StopCause::outage)];
  s.preemptions = by_cause_[static_cast<size_t>(StopCause::preempted)];
  s.interruptions = s.interruptions_by_failure + s.interruptions_by_spot + s.interruptions_by_outage + s.preemptions;
  s.gpu_seconds_lost = lost_gpu_s_;
  s.gpu_seconds_overhead = overhead_gpu_s_;
  for (size_t i = 0; i < nominal_s_.size() && i < results.by_provider.size(); ++i)
    results.by_provider[i].availability = nominal_s_[i] > 0 ? available_s_[i] / nominal_s_[i] : 1.0;
  for (size_t i = 0; i < outages_.size() && i < results.outages.size(); ++i) {
    results.outages[i].jobs_hit = outages_[i].jobs_hit;
    results.outages[i].gpu_seconds_lost = outages_[i].gpu_seconds_lost;
    results.outages[i].extra_on_demand_usd = outages_[i].extra_on_demand_usd;
  }
}

}  // namespace gpufleet::sim
