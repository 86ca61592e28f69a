#include "risk/period_model.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <utility>

namespace gpufleet::risk {

namespace {

enum class Source : uint8_t { take_or_pay = 0, above_share = 1, on_demand = 2, spot = 3 };

// Capacity of one kind at one pool in one period, and its marginal price.
struct Resource {
  int pool = -1;
  Source source = Source::take_or_pay;
  int contract = -1;           // above_share only
  double gpus = 0;             // usable this period (physical)
  double usd_per_gpu_hour = 0; // marginal: 0 for take-or-pay, the price (and energy for markets)
  double used = 0;
};

}  // namespace

FutureOutcome evaluate_future(const Book& b, const FutureDraws& d) {
  const Scenario& sc = *b.scenario;
  const Calendar& cal = b.calendar;
  const size_t periods = static_cast<size_t>(cal.periods), nc = b.contracts.size(), np = b.pools.size(), ns = b.streams.size();
  const size_t nsites = sc.sites.size(), nprov = sc.providers.size();
  constexpr double kUnlimited = std::numeric_limits<double>::infinity();

  // Deliveries that slip: ramp steps (and starts) after the scenario start move by the delay.
  std::vector<Contract> shifted;
  shifted.reserve(nc);
  std::vector<const Contract*> contract(nc);
  for (size_t c = 0; c < nc; ++c) {
    const Contract& k = b.contracts[c];
    const double delay = k.provider >= 0 ? d.delivery_delay_s[static_cast<size_t>(k.provider)] : 0.0;
    if (!(delay > 0)) {
      contract[c] = &k;
      continue;
    }
    shifted.push_back(delivered_late(k, delay));
    contract[c] = &shifted.back();
  }

  FutureOutcome out;
  out.cost_by_year_usd.assign(static_cast<size_t>(cal.years), 0.0);
  out.cost_by_provider_usd.assign(nprov, 0.0);
  out.idle_by_provider_usd.assign(nprov, 0.0);
  out.shortfall_gpu_hours.assign(periods, 0.0);
  out.shortfall_by_stream_gpu_hours.assign(ns, 0.0);
  out.demand_ref_gpus.assign(periods, 0.0);
  out.delivered_ref_gpus.assign(periods, 0.0);
  out.spend_by_provider_period_usd.assign(nprov * periods, 0.0);

  std::vector<double> cap(nc), price(nc), remaining_mw(nsites), paid_weight(np);
  std::vector<Resource> res;
  std::vector<int> order;
  std::vector<std::pair<double, int>> by_price;  // (USD per reference GPU-hour, index in res)
  std::vector<int> paid_of_pool(np);
  for (size_t t = 0; t < periods; ++t) {
    const double hours = cal.hours[t], discount = cal.discount[t];
    // Delivered capacity, within each site's power.
    std::vector<double> site_mw(nsites, 0.0);
    for (size_t c = 0; c < nc; ++c) {
      cap[c] = contract[c]->average_gpus(cal.start_s[t], cal.end_s[t]);
      // The account's mean price over the GPUs held (ramp-step prices, the escalator).
      price[c] = contract_price_is_flat(*contract[c]) || !(cap[c] > 0)
                     ? contract[c]->usd_per_gpu_hour
                     : contract_capacity_usd(*contract[c], cal.start_s[t], cal.end_s[t], sc.start_unix_s) / (cap[c] * hours);
      const PoolInfo& p = b.pools[static_cast<size_t>(b.contract_pool[c])];
      site_mw[static_cast<size_t>(p.site)] += cap[c] * p.mw_per_gpu;
    }
    for (size_t s = 0; s < nsites; ++s) {
      remaining_mw[s] = kUnlimited;
      if (!(b.site_cap_mw[s] > 0)) continue;
      const double usable = b.site_cap_mw[s] * (1.0 - d.power_shortfall[s]);
      if (site_mw[s] > usable) {
        const double f = site_mw[s] > 0 ? usable / site_mw[s] : 0.0;
        for (size_t c = 0; c < nc; ++c)
          if (b.pools[static_cast<size_t>(b.contract_pool[c])].site == static_cast<int>(s)) cap[c] *= f;
        site_mw[s] = usable;
      }
      remaining_mw[s] = std::max(0.0, usable - site_mw[s]);
    }
    for (size_t c = 0; c < nc; ++c) out.delivered_ref_gpus[t] += cap[c] * b.pools[static_cast<size_t>(b.contract_pool[c])].speed;

    // What can be used this period, and at what marginal price.
    res.clear();
    std::fill(paid_weight.begin(), paid_weight.end(), 0.0);
    for (size_t pi = 0; pi < np; ++pi) {
      paid_of_pool[pi] = static_cast<int>(res.size());
      res.push_back({static_cast<int>(pi), Source::take_or_pay, -1, 0, 0, 0});
    }
    for (size_t c = 0; c < nc; ++c) {
      const Contract& k = *contract[c];
      const auto pi = static_cast<size_t>(b.contract_pool[c]);
      const double a = 1.0 - d.unavailable[static_cast<size_t>(b.pools[pi].site)][t];
      paid_weight[pi] += k.take_or_pay_share * cap[c] * a;
      if (k.take_or_pay_share < 1.0 && cap[c] > 0)
        res.push_back({static_cast<int>(pi), Source::above_share, static_cast<int>(c), (1.0 - k.take_or_pay_share) * cap[c] * a,
                       price[c], 0});
    }
    for (size_t pi = 0; pi < np; ++pi) {
      const PoolInfo& p = b.pools[pi];
      res[static_cast<size_t>(paid_of_pool[pi])].gpus = paid_weight[pi];
      const double a = 1.0 - d.unavailable[static_cast<size_t>(p.site)][t];
      const auto prov = static_cast<size_t>(p.provider);
      if (p.on_demand_gpus > 0)
        res.push_back({static_cast<int>(pi), Source::on_demand, -1, p.on_demand_gpus * a,
                       p.on_demand_usd * d.on_demand_price[prov][t] + p.market_energy_usd_per_gpu_hour(), 0});
      if (p.spot_gpus > 0)
        res.push_back({static_cast<int>(pi), Source::spot, -1, p.spot_gpus * a,
                       p.spot_usd * d.spot_price[prov][t] + p.market_energy_usd_per_gpu_hour(), 0});
    }
    // Cheapest per reference GPU-hour first, ties in the order above (what a stable sort by
    // price gives), with the prices computed once and no buffer allocated per period.
    by_price.resize(res.size());
    for (size_t i = 0; i < res.size(); ++i)
      by_price[i] = {res[i].usd_per_gpu_hour / b.pools[static_cast<size_t>(res[i].pool)].speed, static_cast<int>(i)};
    std::sort(by_price.begin(), by_price.end(), [](const std::pair<double, int>& x, const std::pair<double, int>& y) {
      return x.first < y.first || (!(y.first < x.first) && x.second < y.second);
    });
    order.resize(res.size());
    for (size_t i = 0; i < res.size(); ++i) order[i] = by_price[i].second;
    // Takes up to need_ref reference GPUs from r; returns what it took (reference GPUs).
    auto take = [&](Resource& r, double need_ref) {
      const PoolInfo& p = b.pools[static_cast<size_t>(r.pool)];
      double avail = r.gpus - r.used;
      const bool market = r.source == Source::on_demand || r.source == Source::spot;
      const auto site = static_cast<size_t>(p.site);
      if (market && p.mw_per_gpu > 0 && remaining_mw[site] < kUnlimited) avail = std::min(avail, remaining_mw[site] / p.mw_per_gpu);
      const double g = std::max(0.0, std::min(avail, need_ref / p.speed));
      r.used += g;
      if (market && remaining_mw[site] < kUnlimited) remaining_mw[site] = std::max(0.0, remaining_mw[site] - g * p.mw_per_gpu);
      return g * p.speed;
    };

    // Inference in its jurisdiction, then training anywhere (spot for its non-critical share).
    for (size_t step = 1; step <= ns; ++step) {
      const size_t k = step % ns;  // 1, 2, ..., ns - 1, then 0 (training)
      double need = b.demand_ref_gpus[k][t] * d.demand[k][t];
      out.demand_ref_gpus[t] += need;
      double spot_budget = k == 0 ? (1.0 - b.training_critical_share) * need : 0.0;
      for (int i : order) {
        if (!(need > 0)) break;
        Resource& r = res[static_cast<size_t>(i)];
        if (k > 0 && b.pools[static_cast<size_t>(r.pool)].stream != static_cast<int>(k)) continue;
        if (r.source == Source::spot) {
          if (k > 0 || !(spot_budget > 0)) continue;
          const double got = take(r, std::min(need, spot_budget));
          spot_budget -= got;
          need -= got;
        } else {
          need -= take(r, need);
        }
      }
      const double short_gpu_hours = std::max(0.0, need) * hours;
      out.shortfall_gpu_hours[t] += short_gpu_hours;
      out.shortfall_by_stream_gpu_hours[k] += short_gpu_hours;
    }

    // The bill. Take-or-pay use of a pool is spread over its contracts by their paid capacity.
    std::vector<double> used(nc, 0.0);
    for (const auto& r : res)
      if (r.source == Source::above_share) used[static_cast<size_t>(r.contract)] += r.used;
    const int year = cal.year_of_period[t];
    for (size_t c = 0; c < nc; ++c) {
      const Contract& k = *contract[c];
      const auto pi = static_cast<size_t>(b.contract_pool[c]);
      const PoolInfo& p = b.pools[pi];
      const double a = 1.0 - d.unavailable[static_cast<size_t>(p.site)][t];
      const Resource& paid = res[static_cast<size_t>(paid_of_pool[pi])];
      if (paid_weight[pi] > 0) used[c] += paid.used * (k.take_or_pay_share * cap[c] * a) / paid_weight[pi];
      // An exercised early termination bills its fee in the period of its date.
      const bool fee_due = k.termination && k.termination->exercised && k.termination->at_s >= cal.start_s[t] &&
                           k.termination->at_s < cal.end_s[t];
      const double usd = contract_usd_per_hour(price[c], k.take_or_pay_share, cap[c], used[c]) * hours +
                         (fee_due ? k.termination->fee_usd : 0.0);
      const double idle = price[c] * std::max(0.0, k.take_or_pay_share * cap[c] - used[c]) * hours;
      const double energy = (cap[c] * a * p.held_energy_usd_per_gpu_hour + used[c] * p.busy_energy_usd_per_gpu_hour) * hours;
      out.capacity_gpu_hours += cap[c] * a * hours;
      out.commitments_usd += usd * discount;
      out.energy_usd += energy * discount;
      out.idle_take_or_pay_usd += idle * discount;
      out.cost_by_provider_usd[static_cast<size_t>(p.provider)] += (usd + energy) * discount;
      out.idle_by_provider_usd[static_cast<size_t>(p.provider)] += idle * discount;
      out.cost_by_year_usd[static_cast<size_t>(year)] += usd + energy;
      out.spend_by_provider_period_usd[static_cast<size_t>(p.provider) * periods + t] += usd + energy;
    }
    for (const auto& r : res) {
      if (r.source == Source::on_demand || r.source == Source::spot) out.capacity_gpu_hours += r.gpus * hours;
      if (r.source != Source::on_demand && r.source != Source::spot) continue;
      const PoolInfo& p = b.pools[static_cast<size_t>(r.pool)];
      const double energy = r.used * p.market_energy_usd_per_gpu_hour() * hours;
      const double market = r.used * (r.usd_per_gpu_hour - p.market_energy_usd_per_gpu_hour()) * hours;
      (r.source == Source::on_demand ? out.on_demand_usd : out.spot_usd) += market * discount;
      out.energy_usd += energy * discount;
      out.cost_by_provider_usd[static_cast<size_t>(p.provider)] += (market + energy) * discount;
      out.cost_by_year_usd[static_cast<size_t>(year)] += market + energy;
      out.spend_by_provider_period_usd[static_cast<size_t>(p.provider) * periods + t] += market + energy;
    }
  }
  out.cost_usd = out.commitments_usd + out.on_demand_usd + out.spot_usd + out.energy_usd;

  record_draws(b, d, out);
  return out;
}

}  // namespace gpufleet::risk
