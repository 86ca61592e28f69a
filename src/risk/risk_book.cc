#include "risk/risk_book.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "plan/plan_model_builder.h"

namespace gpufleet::risk {

Result<Book> make_book(const PlanInputs& in, const std::vector<Contract>& commitments) {
  const Scenario& sc = in.scenario;
  Book b;
  b.scenario = &sc;
  Calendar& cal = b.calendar;
  cal.periods = in.periods;
  cal.years = (in.periods * in.period_months + 11) / 12;
  cal.period_years = in.period_months / 12.0;
  const int per_year = 12 / in.period_months;
  if (static_cast<int>(in.period_start_unix_s.size()) < in.periods + 1)
    return fail(sc.source_file, 0, 0, "plan", "the plan's calendar is not prepared");
  if (!sc.spend_commitments.empty())
    return fail(sc.source_file, 0, 0, "spend_commitments",
                fmt::format("risk does not bill spend commitments yet ('{}'); `gpufleet simulate` and `gpufleet plan` do",
                            sc.spend_commitments.front().name));
  for (int t = 0; t < in.periods; ++t) {
    const auto ti = static_cast<size_t>(t);
    cal.start_s.push_back(static_cast<double>(in.period_start_unix_s[ti] - sc.start_unix_s));
    cal.end_s.push_back(static_cast<double>(in.period_start_unix_s[ti + 1] - sc.start_unix_s));
    cal.hours.push_back(plan::period_hours(in, t));
    cal.discount.push_back(plan::period_discount(in, t));
    cal.year_of_period.push_back(t / per_year);
  }

  b.streams.push_back("training");
  b.stream_jurisdiction.push_back("");
  std::vector<double> training;
  for (int t = 0; t < in.periods; ++t)
    training.push_back(in.training_ref_gpu_hours[static_cast<size_t>(t)] / cal.hours[static_cast<size_t>(t)]);
  b.demand_ref_gpus.push_back(std::move(training));
  for (const auto& d : in.inference) {
    b.streams.push_back("inference " + d.jurisdiction);
    b.stream_jurisdiction.push_back(d.jurisdiction);
    b.demand_ref_gpus.push_back(d.ref_gpus);
  }
  b.training_critical_share = in.training_critical_share;
  for (const auto& s : sc.sites) b.site_cap_mw.push_back(s.power_cap_mw);

  // Pools: every (site, accelerator) a contract or a market with GPUs names.
  std::map<std::pair<int, int>, int> pool_of;
  auto pool_index = [&](int site, int acc) {
    auto [it, added] = pool_of.emplace(std::make_pair(site, acc), static_cast<int>(b.pools.size()));
    if (added) {
      PoolInfo p;
      const Site& s = sc.sites[static_cast<size_t>(site)];
      const Accelerator& a = sc.accelerators[static_cast<size_t>(acc)];
      p.site = site;
      p.accelerator = acc;
      p.provider = s.provider;
      p.speed = a.speed_factor;
      p.mw_per_gpu = a.board_power_w * s.pue * 1e-6;
      if (in.bill_energy) {
        const GpuEnergyUsdPerHour e = gpu_energy_usd_per_hour(a, s);
        p.held_energy_usd_per_gpu_hour = e.held;
        p.busy_energy_usd_per_gpu_hour = e.busy_extra;
      }
      for (size_t k = 1; k < b.stream_jurisdiction.size(); ++k)
        if (b.stream_jurisdiction[k] == s.jurisdiction) p.stream = static_cast<int>(k);
      b.pools.push_back(p);
    }
    return it->second;
  };
  b.contracts = sc.contracts;
  b.contracts.insert(b.contracts.end(), commitments.begin(), commitments.end());
  for (const auto& c : b.contracts) {
    if (c.site < 0 || c.site >= static_cast<int>(sc.sites.size()) || c.accelerator < 0 ||
        c.accelerator >= static_cast<int>(sc.accelerators.size()))
      return fail(sc.source_file, 0, 0, "contracts", fmt::format("contract '{}' names no site or accelerator of the scenario", c.name));
    b.contract_pool.push_back(pool_index(c.site, c.accelerator));
  }
  for (const auto& mk : sc.markets) {
    if (mk.on_demand_gpus <= 0 && mk.spot_gpus <= 0) continue;
    PoolInfo& p = b.pools[static_cast<size_t>(pool_index(mk.site, mk.accelerator))];
    p.on_demand_usd = mk.on_demand_usd_per_gpu_hour;
    p.on_demand_gpus = static_cast<double>(mk.on_demand_gpus);
    p.spot_usd = mk.spot_usd_per_gpu_hour;
    p.spot_gpus = static_cast<double>(mk.spot_gpus);
  }
  return b;
}

}  // namespace gpufleet::risk
