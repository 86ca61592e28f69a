#include "report/regret.h"

#include <algorithm>

#include "util/empirical_stats.h"

namespace gpufleet::report {

std::vector<RegretSummary> regret(const std::vector<std::vector<double>>& costs) {
  std::vector<RegretSummary> out(costs.size());
  if (costs.empty()) return out;
  const size_t n = costs.front().size();
  std::vector<double> best(n);
  for (size_t k = 0; k < n; ++k) {
    best[k] = costs[0][k];
    for (const auto& c : costs) best[k] = std::min(best[k], c[k]);
  }
  for (size_t i = 0; i < costs.size(); ++i) {
    std::vector<double> r(n);
    double sum = 0;
    size_t wins = 0;
    for (size_t k = 0; k < n; ++k) {
      r[k] = costs[i][k] - best[k];
      sum += r[k];
      wins += r[k] == 0 ? 1 : 0;
    }
    std::sort(r.begin(), r.end());
    out[i].mean_usd = sum / static_cast<double>(n);
    out[i].p95_usd = quantile_of_sorted(r, 0.95);
    out[i].max_usd = r.back();
    out[i].best_share = static_cast<double>(wins) / static_cast<double>(n);
  }
  return out;
}

}  // namespace gpufleet::report
