#include "util/empirical_stats.h"

#include <algorithm>
#include <cmath>

namespace gpufleet {

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  // 1-based rank ceil(q n); the small slack keeps 0.95 x 20 = 19 from reading as 19.000000000000004.
  const double rank = std::ceil(q * n - 1e-9);
  const auto i = static_cast<size_t>(std::clamp(rank, 1.0, n)) - 1;
  return sorted[i];
}

double cvar_of_sorted(const std::vector<double>& sorted, double alpha) {
  const double var = quantile_of_sorted(sorted, alpha);
  double excess = 0;
  for (double x : sorted) excess += std::max(0.0, x - var);
  // n - alpha n rather than (1 - alpha) n: 1 - 0.95 is not 0.05 in binary, 20 - 0.95 x 20 is 1.
  const auto n = static_cast<double>(sorted.size());
  return var + excess / (n - alpha * n);
}

}  // namespace gpufleet
