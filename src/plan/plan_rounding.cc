#include "plan/plan_rounding.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gpufleet::plan {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }

double min_blocks(const PlanInputs& in, const ContractVar& cv) {
  const auto& o = in.offers[u(cv.offer)];
  return o.min_gpus > o.block_gpus ? std::ceil(static_cast<double>(o.min_gpus) / static_cast<double>(o.block_gpus)) : 0.0;
}

// Sets contract c's block count to v (0 below the offer's minimum) and its taken flag.
void set_blocks(const PlanInputs& in, const PlanModel& m, std::vector<double>& x, const ContractVar& cv, double v) {
  if (v > 0 && v < min_blocks(in, cv)) v = 0;
  x[u(cv.column)] = v;
  if (cv.taken >= 0) x[u(cv.taken)] = v > 0 ? 1.0 : 0.0;
}

}  // namespace

std::vector<double> round_down(const PlanInputs& in, const PlanModel& m, const std::vector<double>& lp_x) {
  std::vector<double> x = lp_x;
  for (const auto& cv : m.contracts)
    if (!cv.in_tail) set_blocks(in, m, x, cv, std::floor(x[u(cv.column)] + 1e-6));
  return x;
}

std::vector<double> round_up_within_limits(const PlanInputs& in, const PlanModel& m, const std::vector<double>& lp_x) {
  const Scenario& sc = in.scenario;
  const int T = in.periods;
  std::vector<double> x = lp_x;
  for (const auto& cv : m.contracts) {
    if (cv.in_tail) continue;  // continuous
    const double v = std::ceil(x[u(cv.column)] - 1e-6);
    set_blocks(in, m, x, cv, std::min(v > 0 ? std::max(v, min_blocks(in, cv)) : 0.0, m.lp.columns()[u(cv.column)].upper));
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
  // Lowers contract c by `blocks` (to 0 below its minimum); returns the blocks it gave up.
  auto lower = [&](size_t c, double blocks) {
    const auto& cv = m.contracts[c];
    const double before = x[u(cv.column)];
    set_blocks(in, m, x, cv, std::max(0.0, before - blocks));
    return before - x[u(cv.column)];
  };

  // Ramp: GPUs of new contracts per offer and start period.
  std::vector<std::vector<size_t>> by_offer(in.offers.size());  // in lowering order
  for (size_t c : order) by_offer[u(m.contracts[c].offer)].push_back(c);
  for (size_t o = 0; o < in.offers.size(); ++o) {
    const auto& offer = in.offers[o];
    if (offer.ramp_gpus_per_period <= 0) continue;
    const double limit = static_cast<double>(offer.ramp_gpus_per_period) / static_cast<double>(offer.block_gpus);
    std::vector<double> total(u(T), 0.0);
    for (size_t c : by_offer[o]) total[u(m.contracts[c].start)] += x[u(m.contracts[c].column)];
    for (size_t c : by_offer[o]) {
      double& t = total[u(m.contracts[c].start)];
      if (t > limit + 1e-9 && x[u(m.contracts[c].column)] > 0) t -= lower(c, std::ceil(t - limit - 1e-9));
    }
  }

  // Power: the committed GPUs of every pool at a site, existing and new, within its cap.
  std::vector<double> mw_per_block(m.contracts.size(), 0.0);
  std::vector<std::vector<size_t>> by_site(sc.sites.size());  // in lowering order
  for (size_t c : order) {
    const auto& offer = in.offers[u(m.contracts[c].offer)];
    for (const auto& p : m.pools)
      if (p.site == offer.site && p.accelerator == offer.accelerator)
        mw_per_block[c] = static_cast<double>(offer.block_gpus) * p.mw_per_gpu;
    by_site[u(offer.site)].push_back(c);
  }
  for (size_t s = 0; s < sc.sites.size(); ++s) {
    const double cap = sc.sites[s].power_cap_mw;
    if (cap <= 0) continue;
    for (int t = 0; t < T; ++t) {
      auto in_force = [&](size_t c) { return t >= m.contracts[c].start && t < m.contracts[c].end_period; };
      double mw = 0;
      for (const auto& p : m.pools)
        if (p.site == static_cast<int>(s)) mw += p.existing_gpus[u(t)] * p.mw_per_gpu;
      for (size_t c : by_site[s])
        if (in_force(c)) mw += x[u(m.contracts[c].column)] * mw_per_block[c];
      for (size_t c : by_site[s]) {
        if (mw <= cap * (1 + 1e-9)) break;
        if (!in_force(c) || x[u(m.contracts[c].column)] <= 0 || mw_per_block[c] <= 0) continue;
        mw -= lower(c, std::ceil((mw - cap) / mw_per_block[c] - 1e-9)) * mw_per_block[c];
      }
    }
  }
  return x;
}

std::vector<SolveRequest::Rounding> model_roundings(const PlanInputs& inputs, const PlanModel& model) {
  return {
      {"round-up-within-limits", [&inputs, &model](const std::vector<double>& x) { return round_up_within_limits(inputs, model, x); }},
      {"round-down", [&inputs, &model](const std::vector<double>& x) { return round_down(inputs, model, x); }},
  };
}

}  // namespace gpufleet::plan
