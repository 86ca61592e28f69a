// Energy and carbon per site: board_power_w x busy GPU-seconds x PUE, and that energy times
// the site's grid intensity of each hour it falls in (Site::carbon_at_hour). Electricity cost
// at the site's USD/MWh. Also busy GPU-seconds per site and per provider.
#pragma once

#include <vector>

#include "sim/observer.h"

namespace gpufleet::sim {

class EnergyObserver final : public Observer {
 public:
  explicit EnergyObserver(const SimContext& ctx);
  void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) override;
  void on_finish(SimResults& results) override;

 private:
  const SimContext& ctx_;
  std::vector<double> watts_per_gpu_;   // per pool: board power x PUE, W
  std::vector<SiteTotals> sites_;
  std::vector<double> provider_busy_s_;
  std::vector<double> site_grams_;      // per site, g CO2e
  double allocated_s_ = 0;              // allocated GPU-seconds, all pools
};

}  // namespace gpufleet::sim
