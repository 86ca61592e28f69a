#include "sim/energy_observer.h"

namespace gpufleet::sim {

namespace {
constexpr double kJoulesPerKwh = 3.6e6;
}  // namespace

EnergyObserver::EnergyObserver(const SimContext& ctx)
    : ctx_(ctx),
      power_(ctx),
      sites_(ctx.scenario.sites.size()),
      provider_busy_s_(ctx.scenario.providers.size(), 0.0),
      site_grams_(ctx.scenario.sites.size(), 0.0) {}

void EnergyObserver::on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) {
  // Work counts the GPUs jobs asked for; energy every held GPU (PoolPower).
  const double watts = power_.watts(p, pool);
  if (watts <= 0 && pool.used_gpus == 0) return;
  const auto busy = static_cast<double>(pool.used_gpus);
  allocated_s_ += static_cast<double>(pool.busy_gpus) * (to_s - from_s);
  const double gpu_s = busy * (to_s - from_s);
  const auto site_index = static_cast<size_t>(pool.spec.site);
  SiteTotals& site = sites_[site_index];
  site.gpu_seconds_busy += gpu_s;
  if (pool.spec.provider >= 0) provider_busy_s_[static_cast<size_t>(pool.spec.provider)] += gpu_s;
  site.energy_mwh += watts * (to_s - from_s) / kJoulesPerMwh;
  const Site& s = ctx_.scenario.sites[site_index];
  double& grams = site_grams_[site_index];
  if (s.carbon_hourly.empty()) {
    grams += watts * (to_s - from_s) / kJoulesPerKwh * s.carbon_g_per_kwh;
  } else {
    split_by_hour(from_s, to_s, [&](int64_t h, double seconds) {
      grams += watts * seconds / kJoulesPerKwh * s.carbon_at_hour(h);
    });
  }
}

void EnergyObserver::on_finish(SimResults& results) {
  double busy = 0, energy = 0, carbon = 0;
  for (size_t i = 0; i < sites_.size(); ++i) {
    SiteTotals& out = results.by_site[i];
    out.gpu_seconds_busy = sites_[i].gpu_seconds_busy;
    out.energy_mwh = sites_[i].energy_mwh;
    out.carbon_t = site_grams_[i] / 1e6;
    out.electricity_usd = out.energy_mwh * ctx_.scenario.sites[i].electricity_usd_per_mwh;
    busy += out.gpu_seconds_busy;
    energy += out.energy_mwh;
    carbon += out.carbon_t;
  }
  for (size_t i = 0; i < provider_busy_s_.size(); ++i)
    results.by_provider[i].gpu_seconds_busy = provider_busy_s_[i];
  results.summary.gpu_seconds_busy = busy;
  results.summary.gpu_seconds_allocated = allocated_s_;
  results.summary.energy_mwh = energy;
  results.summary.carbon_t = carbon;
}

}  // namespace gpufleet::sim
