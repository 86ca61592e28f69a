// offered_load: the workload's reference GPU-hours against the fleet's over the same span.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gpufleet/simulate.h"

namespace gpufleet {

double OfferedLoad::ratio() const {
  if (capacity_ref_gpu_hours > 0) return demand_ref_gpu_hours / capacity_ref_gpu_hours;
  return demand_ref_gpu_hours > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

OfferedLoad offered_load(const Scenario& scenario, const Workload& workload) {
  OfferedLoad load;
  double span_s = scenario.horizon_s;
  const bool open = !std::isfinite(span_s);
  if (open) {
    span_s = 0;
    for (const Job& j : workload.jobs) span_s = std::max(span_s, j.submit_s);
  }
  if (!(span_s > 0)) return load;
  load.span_s = span_s;
  double demand_gpu_s = 0;
  for (const Job& j : workload.jobs)
    if (open || j.submit_s < span_s) demand_gpu_s += static_cast<double>(j.gpus) * j.duration_s;
  const auto speed = [&](int accelerator) {
    return accelerator >= 0 && accelerator < static_cast<int>(scenario.accelerators.size())
               ? scenario.accelerators[static_cast<size_t>(accelerator)].speed_factor
               : 1.0;
  };
  double capacity_gpu_s = 0;
  for (const Contract& c : scenario.contracts) capacity_gpu_s += c.average_gpus(0, span_s) * span_s * speed(c.accelerator);
  for (const Market& m : scenario.markets)
    capacity_gpu_s += static_cast<double>(m.on_demand_gpus + m.spot_gpus) * span_s * speed(m.accelerator);
  load.demand_ref_gpu_hours = demand_gpu_s / kSecondsPerHour;
  load.capacity_ref_gpu_hours = capacity_gpu_s / kSecondsPerHour;
  return load;
}

}  // namespace gpufleet
