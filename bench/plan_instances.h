// Planning instances of any size for the benchmarks, grown from the built-in plan: more sites
// (copies of the built-in ones, with their offers and markets), more accelerators (later
// generations of the built-in four, faster and dearer, offered two years later), more periods
// (demand held at its last level), months instead of quarters. Demand grows with the number of
// sites so that every site matters. Header-only, benchmarks only.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gpufleet/plan.h"

namespace gpufleet::bench {

inline PlanInputs builtin_plan_inputs() {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  if (!in) {
    std::fprintf(stderr, "the built-in plan does not load: %s\n", in.error().to_string().c_str());
    std::abort();
  }
  return *in;
}

// REQUIRES: sites >= 1, accelerators >= 1, quarters >= 1, period_months 1 or 3.
inline PlanInputs scaled_plan_inputs(int sites, int quarters, int accelerators, int period_months = 3) {
  PlanInputs base = builtin_plan_inputs();
  PlanInputs calendar = base;
  (void)prepare_plan_inputs(calendar);
  Scenario& sc = base.scenario;
  const int base_sites = static_cast<int>(sc.sites.size());
  const int base_acc = static_cast<int>(sc.accelerators.size());
  const std::vector<ContractOffer> base_offers = base.offers;
  const std::vector<Market> base_markets = sc.markets;

  // Accelerators: generation g of accelerator a is 30% faster per generation, 20% more power,
  // 25% dearer, and offered 8 quarters later.
  std::vector<ContractOffer> offers;
  std::vector<Market> markets;
  for (int a = 0; a < accelerators; ++a) {
    const int src = a % base_acc, gen = a / base_acc;
    if (a >= base_acc) {
      Accelerator acc = sc.accelerators[static_cast<size_t>(src)];
      acc.name += "-g" + std::to_string(gen + 1);
      acc.speed_factor *= 1.0 + 0.3 * gen;
      acc.board_power_w *= 1.0 + 0.2 * gen;
      sc.accelerators.push_back(acc);
    }
    for (auto o : base_offers) {
      if (o.accelerator != src) continue;
      o.accelerator = a;
      o.name += gen ? "-g" + std::to_string(gen + 1) : "";
      o.earliest_period += 8 * gen;
      for (auto& t : o.terms) t.usd_per_gpu_hour *= 1.0 + 0.25 * gen;
      offers.push_back(o);
    }
    for (auto m : base_markets) {
      if (m.accelerator != src) continue;
      m.accelerator = a;
      m.on_demand_usd_per_gpu_hour *= 1.0 + 0.25 * gen;
      m.spot_usd_per_gpu_hour *= 1.0 + 0.25 * gen;
      markets.push_back(m);
    }
  }
  // Sites: copy k of site s, with the site's offers and markets.
  const size_t first_offers = offers.size(), first_markets = markets.size();
  for (int s = base_sites; s < sites; ++s) {
    const int src = s % base_sites;
    Site site = sc.sites[static_cast<size_t>(src)];
    site.name += "-" + std::to_string(s / base_sites + 1);
    sc.sites.push_back(site);
    for (size_t i = 0; i < first_offers; ++i) {
      if (offers[i].site != src) continue;
      ContractOffer o = offers[i];
      o.site = s;
      o.name += "-" + std::to_string(s / base_sites + 1);
      offers.push_back(o);
    }
    for (size_t i = 0; i < first_markets; ++i) {
      if (markets[i].site != src) continue;
      Market m = markets[i];
      m.site = s;
      markets.push_back(m);
    }
  }
  if (sites < base_sites) {
    sc.sites.resize(static_cast<size_t>(sites));
    std::erase_if(offers, [&](const ContractOffer& o) { return o.site >= sites; });
    std::erase_if(markets, [&](const Market& m) { return m.site >= sites; });
    std::erase_if(sc.contracts, [&](const Contract& c) { return c.site >= sites; });
  }
  base.offers = offers;
  sc.markets = markets;
  std::erase_if(base.inference, [&](const InferenceDemand& d) {
    for (const auto& s : sc.sites)
      if (s.jurisdiction == d.jurisdiction) return false;
    return true;
  });

  // Demand per quarter (reference GPUs), held after the built-in horizon, scaled by sites.
  const double grow = static_cast<double>(sites) / base_sites;
  const int base_periods = base.periods;
  auto quarter_gpus = [&](const std::vector<double>& per_period, int q, bool hours) {
    const int t = q < base_periods ? q : base_periods - 1;
    const double h = static_cast<double>(calendar.period_start_unix_s[static_cast<size_t>(t) + 1] -
                                         calendar.period_start_unix_s[static_cast<size_t>(t)]) / 3600.0;
    return per_period[static_cast<size_t>(t)] / (hours ? h : 1.0) * grow;
  };
  const int per_quarter = 3 / period_months;
  const int periods = quarters * per_quarter;
  std::vector<double> training;
  std::vector<std::vector<double>> inference(base.inference.size());
  for (int q = 0; q < quarters; ++q)
    for (int k = 0; k < per_quarter; ++k) {
      training.push_back(quarter_gpus(base.training_ref_gpu_hours, q, true));
      for (size_t j = 0; j < base.inference.size(); ++j)
        inference[j].push_back(quarter_gpus(base.inference[j].ref_gpus, q, false));
    }
  base.period_months = period_months;
  base.periods = periods;
  base.budget_usd_per_year.clear();
  for (size_t j = 0; j < base.inference.size(); ++j) base.inference[j].ref_gpus = inference[j];
  for (auto& o : base.offers) {
    o.earliest_period *= per_quarter;
    // A month's deliveries: a third of a quarter's, in whole blocks (so that whole blocks can
    // still reach a quarter's worth).
    o.ramp_gpus_per_period = (o.ramp_gpus_per_period / per_quarter + o.block_gpus - 1) / o.block_gpus * o.block_gpus;
  }
  PlanInputs hours = base;
  hours.training_ref_gpu_hours.assign(static_cast<size_t>(periods), 0.0);
  (void)prepare_plan_inputs(hours);
  base.training_ref_gpu_hours.clear();
  for (int t = 0; t < periods; ++t)
    base.training_ref_gpu_hours.push_back(
        training[static_cast<size_t>(t)] *
        static_cast<double>(hours.period_start_unix_s[static_cast<size_t>(t) + 1] - hours.period_start_unix_s[static_cast<size_t>(t)]) /
        3600.0);
  return base;
}

}  // namespace gpufleet::bench
