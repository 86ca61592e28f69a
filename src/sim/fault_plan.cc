#include "sim/fault_plan.h"

#include <algorithm>

#include "util/rng.h"

namespace gpufleet::sim {

namespace {
constexpr double kSecondsPerYear = 365 * kSecondsPerDay;
}  // namespace

FaultPlan make_fault_plan(const Scenario& scenario, const std::vector<PoolSpec>& pools, double horizon_s,
                          const FaultTrace* trace) {
  const FaultSpec& f = scenario.faults;
  FaultPlan plan;
  plan.failures_per_gpu_hour = f.node_failures_per_gpu_hour;
  plan.repair_median_s = f.repair_median_s;
  plan.repair_sigma = f.repair_sigma;
  plan.spot = f.spot_preemptions;
  plan.spot_return_s = f.spot_return_s;
  plan.trace = trace;
  plan.restart_overhead_s = scenario.checkpoint.restart_overhead_s;
  plan.spot_per_node_hour.assign(pools.size(), 0.0);
  if (plan.spot) {
    for (size_t p = 0; p < pools.size(); ++p) {
      if (pools[p].source != CapacitySource::spot) continue;
      for (const Market& m : scenario.markets)
        if (m.site == pools[p].site && m.accelerator == pools[p].accelerator)
          plan.spot_per_node_hour[p] = m.spot_preemptions_per_node_hour;
    }
  }
  for (size_t i = 0; i < f.outages.size(); ++i) {
    const OutageSpec& o = f.outages[i];
    OutageWindow base;
    base.name = o.name;
    for (uint32_t p = 0; p < pools.size(); ++p) {
      const bool hit = o.provider_wide ? pools[p].provider == o.target : pools[p].site == o.target;
      if (hit) base.pools.push_back(p);
    }
    if (o.start_s) {
      base.start_s = *o.start_s;
      base.end_s = *o.start_s + o.duration_s;
      if (base.end_s > 0 && base.start_s < horizon_s) plan.outages.push_back(base);
      continue;
    }
    if (!(o.per_year > 0) || !(o.mean_duration_s > 0)) continue;
    // Poisson starts over [0, horizon); each lasts an exponential time. An outage of the same
    // target starting while one lasts extends nothing: the pools are down either way.
    Rng rng = Rng::derived(scenario.seed, kStreamOutage + i);
    const double rate_per_s = o.per_year / kSecondsPerYear;
    double t = 0;
    int k = 0;
    for (;;) {
      t += rng.exponential(rate_per_s);
      const double duration = rng.exponential(1.0 / o.mean_duration_s);
      if (!(t < horizon_s)) break;
      OutageWindow w = base;
      w.name = base.name + " #" + std::to_string(++k);
      w.start_s = t;
      w.end_s = t + duration;
      plan.outages.push_back(std::move(w));
    }
  }
  std::stable_sort(plan.outages.begin(), plan.outages.end(),
                   [](const OutageWindow& a, const OutageWindow& b) { return a.start_s < b.start_s; });
  return plan;
}

}  // namespace gpufleet::sim
