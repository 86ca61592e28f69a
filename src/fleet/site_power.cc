#include "fleet/site_power.h"

#include <algorithm>
#include <cmath>

namespace gpufleet::fleet {

namespace {

// GPUs of a pool's schedule at time t (0 before its first point).
int64_t gpus_at(const PoolSpec& pool, double t) {
  int64_t g = 0;
  for (const CapacityPoint& p : pool.schedule) {
    if (p.time_s > t) break;
    g = p.gpus;
  }
  return g;
}

}  // namespace

std::vector<MarketPowerLimit> cap_markets_by_site_power(const Scenario& scenario, std::vector<PoolSpec>& pools) {
  std::vector<MarketPowerLimit> limits;
  for (size_t s = 0; s < scenario.sites.size(); ++s) {
    const Site& site = scenario.sites[s];
    if (!(site.power_cap_mw > 0)) continue;
    std::vector<size_t> contracts, markets;
    for (size_t p = 0; p < pools.size(); ++p) {
      if (pools[p].site != static_cast<int>(s)) continue;
      (pools[p].source == CapacitySource::contract ? contracts : markets).push_back(p);
    }
    if (markets.empty()) continue;
    // MW per GPU of each pool: board power x PUE.
    auto mw_per_gpu = [&](size_t p) {
      return scenario.accelerators[static_cast<size_t>(pools[p].accelerator)].board_power_w * site.pue / 1e6;
    };
    // The draw changes only where some schedule at the site does.
    std::vector<double> times{0.0};
    for (size_t p : contracts)
      for (const CapacityPoint& point : pools[p].schedule) times.push_back(point.time_s);
    for (size_t p : markets)
      for (const CapacityPoint& point : pools[p].schedule) times.push_back(point.time_s);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    std::vector<std::vector<CapacityPoint>> capped(markets.size());
    bool was_limited = false;
    for (double t : times) {
      double contracts_mw = 0;
      for (size_t p : contracts) contracts_mw += static_cast<double>(gpus_at(pools[p], t)) * mw_per_gpu(p);
      double markets_mw = 0;
      int64_t offered = 0;
      for (size_t p : markets) {
        const int64_t g = gpus_at(pools[p], t);
        markets_mw += static_cast<double>(g) * mw_per_gpu(p);
        offered += g;
      }
      const double left_mw = std::max(0.0, site.power_cap_mw - contracts_mw);
      const double share = markets_mw > left_mw ? left_mw / markets_mw : 1.0;
      int64_t usable = 0;
      for (size_t k = 0; k < markets.size(); ++k) {
        const int64_t want = gpus_at(pools[markets[k]], t);
        // Rounded down, so that the sum stays within the cap; a millionth of a GPU of slack
        // for the floating point of cap - draw (1.0 - 0.9 is 0.0999...).
        const int64_t g = share >= 1.0 ? want : static_cast<int64_t>(std::floor(static_cast<double>(want) * share + 1e-6));
        usable += g;
        auto& schedule = capped[k];
        if (schedule.empty() || schedule.back().gpus != g) schedule.push_back({t, g});
      }
      const bool limited = usable < offered;
      if (limited && (!was_limited || limits.empty() || limits.back().usable_gpus != usable ||
                      limits.back().site != static_cast<int>(s)))
        limits.push_back({static_cast<int>(s), t, offered, usable, contracts_mw});
      was_limited = limited;
    }
    for (size_t k = 0; k < markets.size(); ++k) pools[markets[k]].schedule = std::move(capped[k]);
  }
  return limits;
}

}  // namespace gpufleet::fleet
