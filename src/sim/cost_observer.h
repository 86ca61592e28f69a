// Spend: contracts pay take-or-pay, usd_per_gpu_hour x max(take_or_pay_share x capacity,
// busy GPUs), where capacity is the contract's ramp at that instant; on-demand and spot pay
// their price x allocated GPUs. Integrated up to the horizon, per provider, per contract (with
// the idle take-or-pay part: price x max(0, share x capacity - busy)) and per hour by source.
#pragma once

#include <vector>

#include "sim/observer.h"

namespace gpufleet::sim {

class CostObserver final : public Observer {
 public:
  explicit CostObserver(const SimContext& ctx);
  void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) override;
  void on_finish(SimResults& results) override;

 private:
  const SimContext& ctx_;
  size_t providers_;
  std::vector<double> hourly_usd_;     // [(hour * providers + provider) * 3 + source]
  std::vector<ProviderTotals> totals_;
  std::vector<ContractTotals> contracts_;
};

}  // namespace gpufleet::sim
