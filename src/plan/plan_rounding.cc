#include "plan/plan_rounding.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gpufleet::plan {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }

}  // namespace

std::vector<double> round_up_within_limits(const PlanInputs& in, const PlanModel& m, const std::vector<double>& lp_x) {
  const Scenario& sc = in.scenario;
  const int T = in.periods;
  std::vector<double> x = lp_x;
  auto pool_of = [&](const ContractOffer& o) {
    for (size_t p = 0; p < m.pools.size(); ++p)
      if (m.pools[p].site == o.site && m.pools[p].accelerator == o.accelerator) return p;
    return m.pools.size();
  };
  auto min_blocks = [&](const ContractVar& cv) {
    const auto& o = in.offers[u(cv.offer)];
    return o.min_gpus > o.block_gpus ? std::ceil(static_cast<double>(o.min_gpus) / static_cast<double>(o.block_gpus)) : 0.0;
  };
  for (const auto& cv : m.contracts) {
    if (cv.in_tail) continue;  // continuous
    double& v = x[u(cv.column)];
    v = std::ceil(v - 1e-6);
    if (v > 0) v = std::max(v, min_blocks(cv));
    v = std::min(v, m.lp.columns()[u(cv.column)].upper);
    if (cv.taken >= 0) x[u(cv.taken)] = v > 0 ? 1.0 : 0.0;
  }
  // Contracts lowered first: the latest start, then the shortest term.
  std::vector<size_t> order(m.contracts.size());
  std::iota(order.begin(), order.end(), 0);
  std::erase_if(order, [&](size_t c) { return m.contracts[c].in_tail; });
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto& ca = m.contracts[a];
    const auto& cb = m.contracts[b];
    return std::tie(cb.start, ca.term_periods) < std::tie(ca.start, cb.term_periods);
  });
  auto lower = [&](size_t c, double blocks) {
    const auto& cv = m.contracts[c];
    double& v = x[u(cv.column)];
    v = std::max(0.0, v - blocks);
    if (v > 0 && v < min_blocks(cv)) v = 0;
    if (cv.taken >= 0) x[u(cv.taken)] = v > 0 ? 1.0 : 0.0;
  };

  // Ramp: GPUs of new contracts per offer and start period.
  for (size_t o = 0; o < in.offers.size(); ++o) {
    const auto& offer = in.offers[o];
    if (offer.ramp_gpus_per_period <= 0) continue;
    const double limit = static_cast<double>(offer.ramp_gpus_per_period) / static_cast<double>(offer.block_gpus);
    for (int s = 0; s < T; ++s) {
      double total = 0;
      for (const auto& cv : m.contracts)
        if (cv.offer == static_cast<int>(o) && cv.start == s) total += x[u(cv.column)];
      for (size_t c : order) {
        if (total <= limit + 1e-9) break;
        const auto& cv = m.contracts[c];
        if (cv.offer != static_cast<int>(o) || cv.start != s || x[u(cv.column)] <= 0) continue;
        const double before = x[u(cv.column)];
        lower(c, std::ceil(total - limit - 1e-9));
        total -= before - x[u(cv.column)];
      }
    }
  }

  // Power: the committed GPUs of every pool at a site, existing and new, within its cap.
  for (size_t s = 0; s < sc.sites.size(); ++s) {
    const double cap = sc.sites[s].power_cap_mw;
    if (cap <= 0) continue;
    for (int t = 0; t < T; ++t) {
      auto draw = [&] {
        double mw = 0;
        for (const auto& p : m.pools)
          if (p.site == static_cast<int>(s)) mw += p.existing_gpus[u(t)] * p.mw_per_gpu;
        for (const auto& cv : m.contracts) {
          const auto& offer = in.offers[u(cv.offer)];
          if (offer.site != static_cast<int>(s) || t < cv.start || t >= cv.start + cv.term_periods) continue;
          mw += x[u(cv.column)] * static_cast<double>(offer.block_gpus) * m.pools[pool_of(offer)].mw_per_gpu;
        }
        return mw;
      };
      double mw = draw();
      for (size_t c : order) {
        if (mw <= cap * (1 + 1e-9)) break;
        const auto& cv = m.contracts[c];
        const auto& offer = in.offers[u(cv.offer)];
        if (offer.site != static_cast<int>(s) || t < cv.start || t >= cv.start + cv.term_periods || x[u(cv.column)] <= 0) continue;
        const double per_block = static_cast<double>(offer.block_gpus) * m.pools[pool_of(offer)].mw_per_gpu;
        lower(c, per_block > 0 ? std::ceil((mw - cap) / per_block - 1e-9) : 0.0);
        mw = draw();
      }
    }
  }
  return x;
}

}  // namespace gpufleet::plan
