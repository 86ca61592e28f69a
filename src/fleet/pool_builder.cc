#include "fleet/pool_builder.h"

#include <algorithm>

namespace gpufleet::fleet {

namespace {

int jurisdiction_code(const Workload& workload, const std::string& jurisdiction) {
  for (size_t i = 1; i < workload.jurisdictions.size(); ++i)
    if (workload.jurisdictions[i] == jurisdiction) return static_cast<int>(i);
  return -1;
}

PoolSpec base_spec(const Scenario& scenario, const Workload& workload, int site, int accelerator) {
  PoolSpec spec;
  const Site& s = scenario.sites[static_cast<size_t>(site)];
  spec.site = site;
  spec.provider = s.provider;
  spec.accelerator = accelerator;
  spec.gpus_per_node = std::clamp(s.gpus_per_node, 1, 65535);
  spec.speed_factor = scenario.accelerators[static_cast<size_t>(accelerator)].speed_factor;
  spec.jurisdiction_code = jurisdiction_code(workload, s.jurisdiction);
  return spec;
}

}  // namespace

std::vector<PoolSpec> build_pools(const Scenario& scenario, const Workload& workload,
                                  std::vector<MarketPowerLimit>* limits) {
  std::vector<PoolSpec> pools;
  for (size_t c = 0; c < scenario.contracts.size(); ++c) {
    const Contract& contract = scenario.contracts[c];
    PoolSpec spec = base_spec(scenario, workload, contract.site, contract.accelerator);
    spec.source = CapacitySource::contract;
    spec.contract = static_cast<int>(c);
    spec.usd_per_gpu_hour = contract.usd_per_gpu_hour;
    spec.take_or_pay_share = contract.take_or_pay_share;
    std::vector<double> times{0.0};
    auto add_time = [&](double t) { if (t > 0) times.push_back(t); };
    add_time(contract.start_s);
    add_time(contract.in_force_until_s());
    for (const auto& step : contract.ramp) add_time(step.at_s);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (double t : times) {
      const int64_t g = contract.gpus_at(t);
      if (spec.schedule.empty() || spec.schedule.back().gpus != g) spec.schedule.push_back({t, g});
    }
    pools.push_back(std::move(spec));
  }
  // A market gives an on-demand and a spot pool, each of constant size, when it offers GPUs.
  const auto add_market_pool = [&](const Market& market, CapacitySource source, double usd_per_gpu_hour,
                                   int64_t gpus) {
    if (gpus <= 0) return;
    PoolSpec spec = base_spec(scenario, workload, market.site, market.accelerator);
    spec.source = source;
    spec.usd_per_gpu_hour = usd_per_gpu_hour;
    spec.schedule.push_back({0.0, gpus});
    pools.push_back(std::move(spec));
  };
  for (const Market& market : scenario.markets) {
    add_market_pool(market, CapacitySource::on_demand, market.on_demand_usd_per_gpu_hour, market.on_demand_gpus);
    add_market_pool(market, CapacitySource::spot, market.spot_usd_per_gpu_hour, market.spot_gpus);
  }
  auto limited = cap_markets_by_site_power(scenario, pools);
  if (limits) *limits = std::move(limited);
  return pools;
}

}  // namespace gpufleet::fleet
