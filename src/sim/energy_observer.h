// Energy and carbon per site: what its pools draw (PoolPower: held GPUs, busy at board power,
// idle at its idle share, x PUE) over time, and that energy times the site's grid intensity
// of each hour it falls in (Site::carbon_at_hour). Electricity at the site's USD/MWh (billed
// or not: the cost observer bills it per provider when the scenario bills energy). Also busy
// GPU-seconds per site and per provider.
#pragma once

#include <vector>

#include "sim/observer.h"
#include "sim/pool_power.h"

namespace gpufleet::sim {

class EnergyObserver final : public Observer {
 public:
  explicit EnergyObserver(const SimContext& ctx);
  void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) override;
  void on_finish(SimResults& results) override;

 private:
  const SimContext& ctx_;
  PoolPower power_;
  std::vector<SiteTotals> sites_;
  std::vector<double> provider_busy_s_;
  std::vector<double> site_grams_;      // per site, g CO2e
  double allocated_s_ = 0;              // allocated GPU-seconds, all pools
};

}  // namespace gpufleet::sim
