// Spend: contracts pay take-or-pay, price(t) x max(take_or_pay_share x capacity, busy GPUs),
// where capacity is the contract's ramp at that instant and price(t) its ramp-step price grown
// by its escalator (contract_price_at); an exercised early termination bills its fee at its
// date. On-demand and spot pay their price x allocated GPUs, except that on-demand GPUs of a
// provider with a spend commitment in force pay its discounted price and count as that
// commitment's (contract) spend, which at each commitment year's end bills its shortfall.
// Integrated up to the horizon, per provider, per contract (with the idle take-or-pay part:
// price x max(0, share x capacity - busy)), per spend commitment, per hour by source, and line
// by line per pool and UTC day (SimResults::charges). When the scenario bills energy, each
// pool's electricity too (PoolPower x the site's USD/MWh), per provider, hour and day.
#pragma once

#include <vector>

#include "sim/charge_ledger.h"
#include "sim/observer.h"
#include "sim/pool_power.h"

namespace gpufleet::sim {

class CostObserver final : public Observer {
 public:
  explicit CostObserver(const SimContext& ctx);
  void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) override;
  void on_finish(SimResults& results) override;

 private:
  // Columns of the hourly series per provider: the three CapacitySource values, then electricity.
  static constexpr size_t kColumns = 4, kElectricity = 3;
  // Books usd over [from_s, to_s) (spread over it in proportion to the time) to a provider and
  // column, in the totals and the hourly series.
  void book(int provider, size_t column, double usd, double from_s, double to_s);
  // book() to key's provider and source, and the same line to the ledger's slot, with the
  // GPU-hours priced and the amount at list price.
  void bill(size_t slot, const DailyCharge& key, double usd, double gpu_hours, double list_usd, double from_s,
            double to_s);
  // Pool p's electricity over [from_s, to_s) at its current levels, as the pool's line `key`
  // (provider, site, accelerator, source) of kind electricity in ledger slot `slot`.
  void bill_electricity(uint32_t p, const Pool& pool, DailyCharge key, size_t slot, double from_s, double to_s);
  // A contract pool's bill over [from_s, to_s) in the ledger: the busy part (billed - idle
  // GPUs) as `used` in slot, the idle take-or-pay part as `unused` in slot + 1.
  void ledger_contract(size_t slot, const DailyCharge& used, const DailyCharge& unused, double billed_gpus,
                       double idle_gpus, double usd_per_gpu, double from_s, double to_s);

  const SimContext& ctx_;
  size_t providers_;
  std::vector<double> hourly_usd_;     // [(hour * providers + provider) * kColumns + column]
  std::vector<ProviderTotals> totals_;
  std::vector<ContractTotals> contracts_;
  std::vector<bool> flat_price_;  // per contract: one price all through (no step prices, no escalator)
  // Per spend commitment: its years ([from, to) simulated seconds) and what was spent in each.
  std::vector<std::vector<std::pair<double, double>>> spend_years_;
  std::vector<std::vector<double>> spent_by_year_;
  // The bill line by line. Slots: per contract its fee, per spend commitment its shortfalls,
  // then per pool slots_per_pool_ (use, a contract's unused part, use under each commitment).
  ChargeLedger ledger_;
  size_t slots_per_pool_;
  PoolPower power_;
  std::vector<double> usd_per_joule_;  // per pool: its site's USD/MWh / kJoulesPerMwh; all 0 when energy is not billed
  size_t first_pool_slot_;
};

}  // namespace gpufleet::sim
