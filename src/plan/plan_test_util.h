// Small planning instances built directly in C++ for the tests (header-only, tests only).
#pragma once

#include <string>
#include <vector>

#include "gpufleet/plan.h"
#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"
#include "util/time_parse.h"

namespace gpufleet::plan_test {

inline constexpr double kQ1Hours = 90 * 24;     // 2026Q1
inline constexpr double kYearHours = 365 * 24;  // 2026, 2027

// One accelerator (H100-SXM, 700 W, speed 1), no sites yet; quarters from 2026-01-01.
inline PlanInputs base_inputs(int periods) {
  PlanInputs in;
  in.scenario.name = "test";
  in.scenario.start_unix_s = *parse_iso_datetime("2026-01-01");
  in.scenario.accelerators.push_back({"H100-SXM", 989.4, 80, 700, 1.0});
  in.period_months = 3;
  in.periods = periods;
  in.training_ref_gpu_hours.assign(static_cast<size_t>(periods), 0.0);
  in.bill_energy = false;
  return in;
}

inline int add_provider(PlanInputs& in, const std::string& name) {
  in.scenario.providers.push_back({name});
  return static_cast<int>(in.scenario.providers.size()) - 1;
}

inline int add_site(PlanInputs& in, const std::string& name, int provider, const std::string& jurisdiction,
                    double cap_mw = 0, double pue = 1.0) {
  Site s;
  s.name = name;
  s.provider = provider;
  s.region = name;
  s.jurisdiction = jurisdiction;
  s.power_cap_mw = cap_mw;
  s.pue = pue;
  in.scenario.sites.push_back(s);
  return static_cast<int>(in.scenario.sites.size()) - 1;
}

inline int add_offer(PlanInputs& in, const std::string& name, int site, std::vector<TermPrice> terms, int64_t block,
                     int64_t ramp = 0, int64_t min_gpus = 0) {
  ContractOffer o;
  o.name = name;
  o.site = site;
  o.accelerator = 0;
  o.terms = std::move(terms);
  o.block_gpus = block;
  o.ramp_gpus_per_period = ramp;
  o.min_gpus = min_gpus;
  in.offers.push_back(o);
  return static_cast<int>(in.offers.size()) - 1;
}

// An existing contract at `site` of `gpus` GPUs, over the whole of 2026 by default (the tests'
// horizons start on 2026-01-01; times in seconds from then).
inline void add_contract(PlanInputs& in, int site, int64_t gpus, double usd, double take_or_pay_share = 1.0,
                         double start_s = 0, double end_s = 365 * 86400.0) {
  Contract c;
  c.name = "old-" + std::to_string(in.scenario.contracts.size());
  c.site = site;
  c.provider = in.scenario.sites[static_cast<size_t>(site)].provider;
  c.accelerator = 0;
  c.ramp.push_back({start_s, gpus});
  c.usd_per_gpu_hour = usd;
  c.start_s = start_s;
  c.end_s = end_s;
  c.take_or_pay_share = take_or_pay_share;
  in.scenario.contracts.push_back(c);
}

inline void add_market(PlanInputs& in, int site, double od_usd, int64_t od_gpus, double spot_usd = 0, int64_t spot_gpus = 0) {
  Market m;
  m.site = site;
  m.accelerator = 0;
  m.on_demand_usd_per_gpu_hour = od_usd;
  m.on_demand_gpus = od_gpus;
  m.spot_usd_per_gpu_hour = spot_usd;
  m.spot_gpus = spot_gpus;
  in.scenario.markets.push_back(m);
}

// Training demand of `gpus` reference GPUs held through each period.
inline void set_training(PlanInputs& in, const std::vector<double>& gpus) {
  PlanInputs copy = in;
  (void)prepare_plan_inputs(copy);
  for (size_t t = 0; t < gpus.size(); ++t) {
    const double hours = static_cast<double>(copy.period_start_unix_s[t + 1] - copy.period_start_unix_s[t]) / 3600.0;
    in.training_ref_gpu_hours[t] = gpus[t] * hours;
  }
}

// A spend offer: commit usd_per_year to `provider` for `years`, drawn at `discount` off its
// on-demand list prices, billing shortfall_share of what is not spent.
inline int add_spend_offer(PlanInputs& in, const std::string& name, int provider, int years, double usd_per_year,
                           double discount, double shortfall_share = 1.0) {
  SpendOffer o;
  o.name = name;
  o.deal.provider = provider;
  o.deal.usd_per_year = usd_per_year;
  o.deal.discount = discount;
  o.deal.shortfall_share = shortfall_share;
  o.years = years;
  in.spend_offers.push_back(o);
  return static_cast<int>(in.spend_offers.size()) - 1;
}

// Jobs of 8 GPUs submitted at 0 that run for duration_s: `count` of them bound to each named
// jurisdiction ("" = anywhere), in order. Enough of them keep a plan's allocation busy.
inline Workload busy_jobs(const std::vector<std::pair<std::string, size_t>>& per_jurisdiction, double duration_s) {
  size_t n = 0;
  for (const auto& [name, count] : per_jurisdiction) n += count;
  Workload w = testing::make_workload(std::vector<testing::JobSpec>(n, testing::JobSpec{0, 8, duration_s}));
  size_t i = 0;
  for (const auto& [name, count] : per_jurisdiction) {
    int code = 0;
    if (!name.empty()) {
      w.jurisdictions.push_back(name);
      code = static_cast<int>(w.jurisdictions.size()) - 1;
    }
    for (size_t k = 0; k < count; ++k) w.jobs[i++].jurisdiction = code;
  }
  return w;
}

// The plan written out as a scenario (plan --emit-scenario), loaded back and simulated over
// horizon_s with `workload`, without faults or checkpoints.
inline Result<SimResults> replay_in_simulator(const PlanResult& r, PlanInputs in, const Workload& workload, double horizon_s) {
  if (auto ok = prepare_plan_inputs(in); !ok) return fail(ok.error());  // the calendar the emitter writes dates from
  auto scenario = load_scenario_text(plan_scenario_yaml(r, in), "<planned>");
  if (!scenario) return fail(scenario.error());
  scenario->horizon_s = horizon_s;
  scenario->faults = {};
  scenario->checkpoint = {};
  return simulate(*scenario, workload);
}

inline PlanOptions exact_options() {
  PlanOptions o;
  o.relative_gap = 1e-9;
  o.time_limit_s = 60;
  return o;
}

}  // namespace gpufleet::plan_test
