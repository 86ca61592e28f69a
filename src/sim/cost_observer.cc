#include "sim/cost_observer.h"

#include <algorithm>

namespace gpufleet::sim {

CostObserver::CostObserver(const SimContext& ctx)
    : ctx_(ctx),
      providers_(ctx.scenario.providers.size()),
      hourly_usd_(static_cast<size_t>(ctx.hours) * ctx.scenario.providers.size() * 3, 0.0),
      totals_(ctx.scenario.providers.size()),
      contracts_(ctx.scenario.contracts.size()) {}

void CostObserver::on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) {
  const PoolSpec& s = pool.spec;
  const double busy = static_cast<double>(pool.busy_gpus);
  const double usd_per_hour =
      s.source == CapacitySource::contract
          ? contract_usd_per_hour(s.usd_per_gpu_hour, s.take_or_pay_share, static_cast<double>(pool.nominal_gpus), busy)
          : busy * s.usd_per_gpu_hour;
  if (usd_per_hour <= 0 || s.provider < 0) return;
  const double usd_per_s = usd_per_hour / kSecondsPerHour;
  const double usd = usd_per_s * (to_s - from_s);
  ProviderTotals& t = totals_[static_cast<size_t>(s.provider)];
  if (s.source == CapacitySource::contract && s.contract >= 0) {
    ContractTotals& c = contracts_[static_cast<size_t>(s.contract)];
    c.cost_usd += usd;
    const double idle_gpus = std::max(0.0, s.take_or_pay_share * static_cast<double>(pool.nominal_gpus) - busy);
    c.idle_usd += idle_gpus * s.usd_per_gpu_hour / kSecondsPerHour * (to_s - from_s);
  }
  switch (s.source) {
    case CapacitySource::contract: t.contract_usd += usd; break;
    case CapacitySource::on_demand: t.on_demand_usd += usd; break;
    case CapacitySource::spot: t.spot_usd += usd; break;
  }
  double* hourly = hourly_usd_.data();
  const auto hours = ctx_.hours;
  const size_t column = static_cast<size_t>(s.provider) * 3 + static_cast<size_t>(s.source);
  split_by_hour(from_s, to_s, [&](int64_t h, double seconds) {
    if (h < hours) hourly[static_cast<size_t>(h) * providers_ * 3 + column] += usd_per_s * seconds;
  });
}

void CostObserver::on_finish(SimResults& results) {
  double total = 0;
  for (size_t i = 0; i < providers_; ++i) {
    ProviderTotals& out = results.by_provider[i];
    out.contract_usd = totals_[i].contract_usd;
    out.on_demand_usd = totals_[i].on_demand_usd;
    out.spot_usd = totals_[i].spot_usd;
    out.cost_usd = out.contract_usd + out.on_demand_usd + out.spot_usd;
    total += out.cost_usd;
  }
  results.summary.cost_usd = total;
  results.by_contract = contracts_;
  for (size_t h = 0; h < results.hours.size(); ++h) {
    HourRow& row = results.hours[h];
    const auto first = hourly_usd_.begin() + static_cast<std::ptrdiff_t>(h * providers_ * 3);
    row.spend_usd_by_provider_source.assign(first, first + static_cast<std::ptrdiff_t>(providers_ * 3));
    row.spend_usd_by_provider.assign(providers_, 0.0);
    for (size_t c = 0; c < providers_ * 3; ++c) row.spend_usd_by_provider[c / 3] += row.spend_usd_by_provider_source[c];
  }
}

}  // namespace gpufleet::sim
