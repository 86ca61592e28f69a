#include "sched/carbon_placement.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gpufleet::sched {

void CarbonPlacement::prepare(const fleet::FleetState& fleet) {
  cost_order_ = cost_order(fleet);
  rank_in_cost_order_.assign(fleet.pool_count(), 0);
  for (uint32_t i = 0; i < cost_order_.size(); ++i) rank_in_cost_order_[cost_order_[i]] = i;
  watts_per_work_.assign(fleet.pool_count(), 0);
  site_.assign(fleet.pool_count(), -1);
  for (uint32_t p = 0; p < fleet.pool_count(); ++p) {
    const fleet::PoolSpec& s = fleet.pool(p).spec;
    const Site& site = scenario_.sites[static_cast<size_t>(s.site)];
    const double board = scenario_.accelerators[static_cast<size_t>(s.accelerator)].board_power_w;
    watts_per_work_[p] = board * site.pue / s.speed_factor;
    site_[p] = s.site;
  }
  order_ = cost_order_;
  hour_ = -1;
  advance_to(0);
}

double CarbonPlacement::grams(uint32_t p, int64_t hour) const {
  return scenario_.sites[static_cast<size_t>(site_[p])].carbon_at_hour(hour) * watts_per_work_[p] / 1000.0;
}

void CarbonPlacement::advance_to(double now_s) {
  const auto hour = static_cast<int64_t>(std::floor(now_s / kSecondsPerHour));
  if (hour == hour_) return;
  hour_ = hour;
  std::stable_sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    const double ga = grams(a, hour), gb = grams(b, hour);
    if (ga != gb) return ga < gb;
    return rank_in_cost_order_[a] < rank_in_cost_order_[b];
  });
}

uint32_t CarbonPlacement::choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const {
  for (uint32_t p : order_) {
    if (p == exclude) continue;
    if (pool_allows(fleet.pool(p).spec, job) && fleet.fits(p, job.gpus)) return p;
  }
  return fleet::kNone;
}

double CarbonPlacement::flexible_delay(const Job& job, const fleet::FleetState& fleet, double now_s,
                                       double slack_s) const {
  const auto now_hour = static_cast<int64_t>(std::floor(now_s / kSecondsPerHour));
  const auto last_hour = static_cast<int64_t>(std::floor((now_s + slack_s) / kSecondsPerHour));
  auto cleanest = [&](int64_t h) {
    double best = std::numeric_limits<double>::infinity();
    for (uint32_t p = 0; p < fleet.pool_count(); ++p)
      if (pool_allows(fleet.pool(p).spec, job) && fleet.pool(p).nominal_gpus > 0) best = std::min(best, grams(p, h));
    return best;
  };
  const double now_g = cleanest(now_hour);
  double best_g = now_g;
  int64_t best_h = now_hour;
  for (int64_t h = now_hour + 1; h <= last_hour && h - now_hour <= 24 * 366; ++h) {
    const double g = cleanest(h);
    if (g < best_g) {
      best_g = g;
      best_h = h;
    }
  }
  if (best_h == now_hour) return 0;
  return static_cast<double>(best_h) * kSecondsPerHour - now_s;
}

}  // namespace gpufleet::sched
