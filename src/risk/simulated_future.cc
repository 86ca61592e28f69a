#include "risk/simulated_future.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gpufleet/simulate.h"

namespace gpufleet::risk {

namespace {
constexpr double kHour = 3600.0;
}  // namespace

Result<SimulatedFutures> SimulatedFutures::prepare(const PlanInputs& in, const Book& book) {
  const Scenario& sc = in.scenario;
  if (!sc.workload.from_plan_demand)
    return fail(sc.source_file, 0, 0, "workload",
                "--simulate replays each future's demand through the simulator: expected a workload made from the plan's "
                "demand (workload: {from_plan_demand: true, classes: [...]}, docs/scenario-format.md)");
  SimulatedFutures f;
  f.inputs_ = &in;
  f.book_ = &book;
  f.base_ = sc;
  f.base_.contracts = book.contracts;
  const Calendar& cal = book.calendar;
  if (cal.periods < 1) return fail(sc.source_file, 0, 0, "plan", "the plan has no period");
  f.base_.horizon_s = cal.end_s.back();
  const auto hours = static_cast<size_t>(std::ceil(f.base_.horizon_s / kHour));
  f.period_of_hour_.resize(hours);
  int t = 0;
  for (size_t h = 0; h < hours; ++h) {
    const double at = static_cast<double>(h) * kHour;
    while (t + 1 < cal.periods && at >= cal.end_s[static_cast<size_t>(t)]) ++t;
    f.period_of_hour_[h] = t;
  }
  // The forecast future must be simulatable: its workload builds (sizes, counts) now, not on a thread.
  auto w = build_plan_demand_workload(in);
  if (!w) return fail(w.error());
  return f;
}

Result<FutureOutcome> SimulatedFutures::evaluate(const FutureDraws& d) const {
  const Book& b = *book_;
  const Calendar& cal = b.calendar;
  const Scenario& sc0 = *b.scenario;
  const size_t periods = static_cast<size_t>(cal.periods), ns = b.streams.size(), nprov = sc0.providers.size(),
               nsites = sc0.sites.size(), nc = b.contracts.size();
  Scenario sc = base_;

  // Deliveries late, then cut to a shortened site power.
  for (size_t c = 0; c < nc; ++c) {
    const Contract& k = b.contracts[c];
    const double delay = k.provider >= 0 ? d.delivery_delay_s[static_cast<size_t>(k.provider)] : 0.0;
    if (delay > 0) sc.contracts[c] = delivered_late(k, delay);
  }
  for (size_t s = 0; s < nsites; ++s) {
    if (!(d.power_shortfall[s] > 0) || !(sc.sites[s].power_cap_mw > 0)) continue;
    const double usable = sc.sites[s].power_cap_mw * (1.0 - d.power_shortfall[s]);
    // The contracts' draw at the site changes only where one of them steps up or starts.
    std::vector<double> instants;
    for (const Contract& k : sc.contracts)
      if (k.site == static_cast<int>(s))
        for (const RampStep& step : k.ramp) instants.push_back(std::max(step.at_s, k.start_s));
    double peak = 0;
    for (double at : instants) {
      double mw = 0;
      for (size_t c = 0; c < nc; ++c)
        if (sc.contracts[c].site == static_cast<int>(s))
          mw += static_cast<double>(sc.contracts[c].gpus_at(at)) * b.pools[static_cast<size_t>(b.contract_pool[c])].mw_per_gpu;
      peak = std::max(peak, mw);
    }
    sc.sites[s].power_cap_mw = usable;
    if (!(peak > usable)) continue;
    const double f = usable / peak;
    for (Contract& k : sc.contracts)
      if (k.site == static_cast<int>(s))
        for (RampStep& step : k.ramp) step.gpus = static_cast<int64_t>(std::floor(static_cast<double>(step.gpus) * f));
  }
  // Disruptions: whole sites down.
  for (size_t s = 0; s < nsites; ++s)
    for (size_t i = 0; i < d.down[s].size(); ++i) {
      const auto [from, to] = d.down[s][i];
      if (!(from < sc.horizon_s)) continue;
      OutageSpec o;
      o.name = fmt::format("disruption {} of {}", i + 1, sc.sites[s].name);
      o.target = static_cast<int>(s);
      o.start_s = std::max(0.0, from);
      o.duration_s = to - *o.start_s;
      sc.faults.outages.push_back(std::move(o));
    }

  sc.bill_energy = inputs_->bill_energy;  // the simulator bills electricity as the plan does

  auto workload = build_plan_demand_workload(*inputs_, d.demand);
  if (!workload) return fail(workload.error());
  SimOptions options;
  options.compare_with_cost_placement = false;
  auto sim = simulate(sc, *workload, options);
  if (!sim) return fail(sim.error());
  const SimResults& r = *sim;

  FutureOutcome out;
  out.cost_by_year_usd.assign(static_cast<size_t>(cal.years), 0.0);
  out.cost_by_provider_usd.assign(nprov, 0.0);
  out.idle_by_provider_usd.assign(nprov, 0.0);
  out.shortfall_gpu_hours.assign(periods, 0.0);
  out.shortfall_by_stream_gpu_hours.assign(ns, 0.0);
  out.spend_by_provider_period_usd.assign(nprov * periods, 0.0);
  // The report's per-period series, as the period model has them: the future's demand, and
  // the contracts as delivered (late; the site power cut the scenario carries is not in it).
  out.demand_ref_gpus.assign(periods, 0.0);
  out.delivered_ref_gpus.assign(periods, 0.0);
  for (size_t t = 0; t < periods; ++t) {
    for (size_t k = 0; k < ns; ++k) out.demand_ref_gpus[t] += b.demand_ref_gpus[k][t] * d.demand[k][t];
    for (size_t c = 0; c < b.contracts.size(); ++c) {
      const Contract& k = b.contracts[c];
      const double delay = k.provider >= 0 ? d.delivery_delay_s[static_cast<size_t>(k.provider)] : 0.0;
      out.delivered_ref_gpus[t] += delivered_late(k, delay).average_gpus(cal.start_s[t], cal.end_s[t]) *
                                   b.pools[static_cast<size_t>(b.contract_pool[c])].speed;
    }
  }

  // Spend by the hour, at the future's market prices, discounted by the hour's period.
  std::vector<double> contract_nominal(nprov, 0.0), contract_discounted(nprov, 0.0);
  const size_t hours = std::min(r.hours.size(), period_of_hour_.size());
  for (size_t h = 0; h < hours; ++h) {
    const HourRow& row = r.hours[h];
    const auto t = static_cast<size_t>(period_of_hour_[h]);
    const double disc = cal.discount[t];
    const auto year = static_cast<size_t>(cal.year_of_period[t]);
    out.capacity_gpu_hours += row.capacity_gpus;
    for (size_t p = 0; p < nprov && 3 * p + 2 < row.spend_usd_by_provider_source.size(); ++p) {
      const double contract = row.spend_usd_by_provider_source[3 * p];
      const double on_demand = row.spend_usd_by_provider_source[3 * p + 1] * d.on_demand_price[p][t];
      const double spot = row.spend_usd_by_provider_source[3 * p + 2] * d.spot_price[p][t];
      out.commitments_usd += contract * disc;
      out.on_demand_usd += on_demand * disc;
      out.spot_usd += spot * disc;
      out.cost_by_provider_usd[p] += (contract + on_demand + spot) * disc;
      out.cost_by_year_usd[year] += contract + on_demand + spot;
      out.spend_by_provider_period_usd[p * periods + t] += contract + on_demand + spot;
      contract_nominal[p] += contract;
      contract_discounted[p] += contract * disc;
    }
    // Energy: what the simulator billed (held GPUs, busy and idle; none when not billed).
    for (size_t p = 0; p < nprov && p < row.electricity_usd_by_provider.size(); ++p) {
      const double usd = row.electricity_usd_by_provider[p];
      out.energy_usd += usd * disc;
      out.cost_by_provider_usd[p] += usd * disc;
      out.cost_by_year_usd[year] += usd;
      out.spend_by_provider_period_usd[p * periods + t] += usd;
    }
  }
  for (size_t c = 0; c < nc && c < r.by_contract.size(); ++c) {
    const auto p = static_cast<size_t>(sc.contracts[c].provider);
    const double ratio = contract_nominal[p] > 0 ? contract_discounted[p] / contract_nominal[p] : 0.0;
    out.idle_by_provider_usd[p] += r.by_contract[c].idle_usd * ratio;
    out.idle_take_or_pay_usd += r.by_contract[c].idle_usd * ratio;
  }
  out.cost_usd = out.commitments_usd + out.on_demand_usd + out.spot_usd + out.energy_usd;

  // Shortfall: growth of the queued demand over each period, per stream.
  const Workload& w = *workload;
  std::vector<size_t> stream_of_jurisdiction(w.jurisdictions.size(), 0);
  for (size_t j = 1; j < w.jurisdictions.size(); ++j)
    for (size_t k = 1; k < ns; ++k)
      if (b.stream_jurisdiction[k] == w.jurisdictions[j]) stream_of_jurisdiction[j] = k;
  // queued[k][t]: reference GPU-hours queued at the end of period t (a difference array first).
  std::vector<std::vector<double>> queued(ns, std::vector<double>(periods + 1, 0.0));
  auto period_after = [&](double at_s) {  // the first period whose end lies after at_s
    return static_cast<size_t>(std::upper_bound(cal.end_s.begin(), cal.end_s.end(), at_s) - cal.end_s.begin());
  };
  for (size_t i = 0; i < w.jobs.size() && i < r.jobs.size(); ++i) {
    const Job& job = w.jobs[i];
    const JobResult& jr = r.jobs[i];
    const size_t k = job.kind == JobKind::inference ? stream_of_jurisdiction[job.jurisdiction] : 0;
    const size_t first = period_after(job.submit_s);
    const size_t last = jr.start_s < 0 ? periods : period_after(jr.start_s);  // queued at the ends of [first, last)
    if (first >= last) continue;
    const double work = job.gpus * job.duration_s / kHour;
    queued[k][first] += work;
    queued[k][last] -= work;
  }
  for (size_t k = 0; k < ns; ++k) {
    double level = 0, before = 0;
    for (size_t t = 0; t < periods; ++t) {
      level += queued[k][t];
      const double grew = std::max(0.0, level - before);
      before = level;
      out.shortfall_gpu_hours[t] += grew;
      out.shortfall_by_stream_gpu_hours[k] += grew;
    }
  }

  record_draws(b, d, out);
  return out;
}

}  // namespace gpufleet::risk
