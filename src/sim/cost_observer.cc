#include "sim/cost_observer.h"

#include <algorithm>
#include <cmath>

namespace gpufleet::sim {

CostObserver::CostObserver(const SimContext& ctx)
    : ctx_(ctx),
      providers_(ctx.scenario.providers.size()),
      hourly_usd_(static_cast<size_t>(ctx.hours) * ctx.scenario.providers.size() * kColumns, 0.0),
      totals_(ctx.scenario.providers.size()),
      contracts_(ctx.scenario.contracts.size()),
      ledger_(ctx.scenario.start_unix_s),
      slots_per_pool_(3 + ctx.scenario.spend_commitments.size()),
      first_pool_slot_(ctx.scenario.contracts.size() + ctx.scenario.spend_commitments.size()),
      power_(ctx) {
  for (uint32_t p = 0; p < ctx.fleet.pool_count(); ++p) {
    const auto site = static_cast<size_t>(ctx.fleet.pool(p).spec.site);
    usd_per_joule_.push_back(ctx.scenario.bill_energy ? ctx.scenario.sites[site].electricity_usd_per_mwh / kJoulesPerMwh : 0.0);
  }
  for (const Contract& c : ctx.scenario.contracts) flat_price_.push_back(contract_price_is_flat(c));
  for (const SpendCommitment& s : ctx.scenario.spend_commitments) {
    spend_years_.push_back(spend_commitment_years(s, ctx.scenario.start_unix_s));
    spent_by_year_.emplace_back(spend_years_.back().size(), 0.0);
  }
}

void CostObserver::book(int provider, size_t column, double usd, double from_s, double to_s) {
  if (usd <= 0 || provider < 0) return;
  ProviderTotals& t = totals_[static_cast<size_t>(provider)];
  switch (column) {
    case static_cast<size_t>(CapacitySource::contract): t.contract_usd += usd; break;
    case static_cast<size_t>(CapacitySource::on_demand): t.on_demand_usd += usd; break;
    case static_cast<size_t>(CapacitySource::spot): t.spot_usd += usd; break;
    default: t.electricity_usd += usd; break;
  }
  double* hourly = hourly_usd_.data();
  const auto hours = ctx_.hours;
  const size_t at = static_cast<size_t>(provider) * kColumns + column;
  const size_t stride = providers_ * kColumns;
  if (!(to_s > from_s)) {  // at an instant: the hour it falls in (the last one at the horizon)
    const auto h = std::min<int64_t>(hours - 1, static_cast<int64_t>(from_s / kSecondsPerHour));
    if (h >= 0) hourly[static_cast<size_t>(h) * stride + at] += usd;
    return;
  }
  const double usd_per_s = usd / (to_s - from_s);
  split_by_hour(from_s, to_s, [&](int64_t h, double seconds) {
    if (h < hours) hourly[static_cast<size_t>(h) * stride + at] += usd_per_s * seconds;
  });
}

void CostObserver::bill(size_t slot, const DailyCharge& key, double usd, double gpu_hours, double list_usd,
                        double from_s, double to_s) {
  book(key.provider, key.kind == ChargeKind::electricity ? kElectricity : static_cast<size_t>(key.source), usd, from_s,
       to_s);
  if (usd > 0) ledger_.book(slot, key, usd, gpu_hours, list_usd, from_s, to_s);
}

void CostObserver::bill_electricity(uint32_t p, const Pool& pool, DailyCharge key, size_t slot, double from_s, double to_s) {
  if (usd_per_joule_[p] <= 0) return;
  const double usd = power_.watts(p, pool) * (to_s - from_s) * usd_per_joule_[p];
  if (usd <= 0) return;
  key.kind = ChargeKind::electricity;
  bill(slot, key, usd, PoolPower::held_gpus(pool) * (to_s - from_s) / kSecondsPerHour, usd, from_s, to_s);
}

void CostObserver::on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) {
  const PoolSpec& s = pool.spec;
  const double busy = static_cast<double>(pool.busy_gpus);
  if (s.provider < 0) return;
  const int64_t epoch = ctx_.scenario.start_unix_s;
  DailyCharge key;
  key.provider = s.provider;
  key.site = s.site;
  key.accelerator = s.accelerator;
  key.source = s.source;
  const size_t slot = first_pool_slot_ + static_cast<size_t>(p) * slots_per_pool_;  // + 0 use, 1 unused, 2 power, 3 + i spend
  bill_electricity(p, pool, key, slot + 2, from_s, to_s);
  if (s.source == CapacitySource::contract && s.contract >= 0) {
    key.contract = s.contract;
    DailyCharge unused = key;
    unused.kind = ChargeKind::unused_commitment;
    const Contract& k = ctx_.scenario.contracts[static_cast<size_t>(s.contract)];
    const double capacity = static_cast<double>(pool.nominal_gpus);
    const double billed = contract_usd_per_hour(1.0, k.take_or_pay_share, capacity, busy);
    if (billed <= 0) return;
    ContractTotals& c = contracts_[static_cast<size_t>(s.contract)];
    const double idle_gpus = std::max(0.0, k.take_or_pay_share * capacity - busy);
    if (flat_price_[static_cast<size_t>(s.contract)]) {
      const double usd_per_gpu = k.usd_per_gpu_hour * (to_s - from_s) / kSecondsPerHour;
      c.cost_usd += billed * usd_per_gpu;
      c.idle_usd += idle_gpus * usd_per_gpu;
      book(s.provider, static_cast<size_t>(CapacitySource::contract), billed * usd_per_gpu, from_s, to_s);
      ledger_contract(slot, key, unused, billed, idle_gpus, usd_per_gpu, from_s, to_s);
      return;
    }
    // The price changes inside the interval (a priced step, an anniversary): book each hour at
    // its own price.
    split_by_hour(from_s, to_s, [&](int64_t h, double seconds) {
      const double at = std::max(from_s, static_cast<double>(h) * kSecondsPerHour);
      const double usd_per_gpu = contract_usd_per_gpu(k, at, at + seconds, epoch);
      c.cost_usd += billed * usd_per_gpu;
      c.idle_usd += idle_gpus * usd_per_gpu;
      book(s.provider, static_cast<size_t>(CapacitySource::contract), billed * usd_per_gpu, at, at + seconds);
      ledger_contract(slot, key, unused, billed, idle_gpus, usd_per_gpu, at, at + seconds);
    });
    return;
  }
  if (busy <= 0) return;
  // On-demand GPUs of a provider under a spend commitment: the commitment's price, its spend.
  double at = from_s;
  if (s.source == CapacitySource::on_demand)
    for (size_t i = 0; i < ctx_.scenario.spend_commitments.size(); ++i) {
      const SpendCommitment& sc = ctx_.scenario.spend_commitments[i];
      if (sc.provider != s.provider || sc.end_s <= at || sc.start_s >= to_s) continue;
      if (sc.start_s > at) {
        const double usd = busy * s.usd_per_gpu_hour * (sc.start_s - at) / kSecondsPerHour;
        bill(slot, key, usd, busy * (sc.start_s - at) / kSecondsPerHour, usd, at, sc.start_s);
        at = sc.start_s;
      }
      const double until = std::min(to_s, sc.end_s);
      const double usd_per_s = busy * spend_usd_per_gpu_hour(sc, s.usd_per_gpu_hour) / kSecondsPerHour;
      const auto& years = spend_years_[i];
      for (size_t y = 0; y < years.size(); ++y) {
        const double lo = std::max(at, years[y].first), hi = std::min(until, years[y].second);
        if (hi > lo) spent_by_year_[i][y] += usd_per_s * (hi - lo);
      }
      DailyCharge drawn = key;
      drawn.source = CapacitySource::contract;
      drawn.spend_commitment = static_cast<int>(i);
      bill(slot + 3 + i, drawn, usd_per_s * (until - at), busy * (until - at) / kSecondsPerHour,
           busy * s.usd_per_gpu_hour * (until - at) / kSecondsPerHour, at, until);
      at = until;
    }
  if (to_s > at) {
    const double usd = busy * s.usd_per_gpu_hour * (to_s - at) / kSecondsPerHour;
    bill(slot, key, usd, busy * (to_s - at) / kSecondsPerHour, usd, at, to_s);
  }
}

void CostObserver::ledger_contract(size_t slot, const DailyCharge& used, const DailyCharge& unused, double billed_gpus,
                                   double idle_gpus, double usd_per_gpu, double from_s, double to_s) {
  const double hours = (to_s - from_s) / kSecondsPerHour;
  ledger_.book(slot, used, (billed_gpus - idle_gpus) * usd_per_gpu, (billed_gpus - idle_gpus) * hours,
               (billed_gpus - idle_gpus) * usd_per_gpu, from_s, to_s);
  if (idle_gpus > 0)
    ledger_.book(slot + 1, unused, idle_gpus * usd_per_gpu, idle_gpus * hours, idle_gpus * usd_per_gpu, from_s, to_s);
}

void CostObserver::on_finish(SimResults& results) {
  const int64_t epoch = ctx_.scenario.start_unix_s;
  // Early terminations exercised inside the horizon bill their fee at their date.
  for (size_t c = 0; c < ctx_.scenario.contracts.size(); ++c) {
    const Contract& k = ctx_.scenario.contracts[c];
    if (!k.termination || !k.termination->exercised || k.termination->at_s >= ctx_.horizon_s) continue;
    contracts_[c].termination_fee_usd = k.termination->fee_usd;
    contracts_[c].cost_usd += k.termination->fee_usd;
    DailyCharge fee;
    fee.provider = k.provider;
    fee.site = k.site;
    fee.contract = static_cast<int>(c);
    fee.kind = ChargeKind::fee;
    bill(c, fee, k.termination->fee_usd, 0, k.termination->fee_usd, k.termination->at_s, k.termination->at_s);
  }
  // Spend commitments: each year that began inside the horizon commits its share up to the
  // horizon (pro rata when the horizon cuts it) and bills its shortfall at its end.
  results.by_spend_commitment.assign(ctx_.scenario.spend_commitments.size(), SpendTotals{});
  for (size_t i = 0; i < ctx_.scenario.spend_commitments.size(); ++i) {
    const SpendCommitment& s = ctx_.scenario.spend_commitments[i];
    SpendTotals& out = results.by_spend_commitment[i];
    for (size_t y = 0; y < spend_years_[i].size(); ++y) {
      if (spend_years_[i][y].first >= ctx_.horizon_s) break;
      const double spent = spent_by_year_[i][y];
      const double shortfall = spend_shortfall_usd(s, spend_committed_usd(s, epoch, y, ctx_.horizon_s), spent);
      out.spent_usd += spent;
      out.shortfall_usd += shortfall;
      const double due = std::min(spend_years_[i][y].second, ctx_.horizon_s);
      DailyCharge unspent;
      unspent.provider = s.provider;
      unspent.spend_commitment = static_cast<int>(i);
      unspent.kind = ChargeKind::unused_commitment;
      // On the bill, the shortfall falls in the last day of the year (or of the horizon) it is for.
      const double last_instant = std::nextafter(due, 0.0);
      bill(ctx_.scenario.contracts.size() + i, unspent, shortfall, 0, shortfall, last_instant, last_instant);
    }
  }
  double total = 0, electricity = 0;
  for (size_t i = 0; i < providers_; ++i) {
    ProviderTotals& out = results.by_provider[i];
    out.contract_usd = totals_[i].contract_usd;
    out.on_demand_usd = totals_[i].on_demand_usd;
    out.spot_usd = totals_[i].spot_usd;
    out.electricity_usd = totals_[i].electricity_usd;
    out.cost_usd = out.contract_usd + out.on_demand_usd + out.spot_usd + out.electricity_usd;
    total += out.cost_usd;
    electricity += out.electricity_usd;
  }
  results.summary.cost_usd = total;
  results.summary.electricity_usd = electricity;
  results.by_contract = contracts_;
  results.charges = ledger_.take();
  for (size_t h = 0; h < results.hours.size(); ++h) {
    HourRow& row = results.hours[h];
    const double* first = hourly_usd_.data() + h * providers_ * kColumns;
    row.spend_usd_by_provider_source.assign(providers_ * 3, 0.0);
    row.electricity_usd_by_provider.assign(providers_, 0.0);
    row.spend_usd_by_provider.assign(providers_, 0.0);
    for (size_t prov = 0; prov < providers_; ++prov) {
      for (size_t c = 0; c < 3; ++c) row.spend_usd_by_provider_source[prov * 3 + c] = first[prov * kColumns + c];
      row.electricity_usd_by_provider[prov] = first[prov * kColumns + kElectricity];
      for (size_t c = 0; c < kColumns; ++c) row.spend_usd_by_provider[prov] += first[prov * kColumns + c];
    }
  }
}

}  // namespace gpufleet::sim
