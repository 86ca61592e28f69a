#include "risk/risk_stats.h"

#include <algorithm>

namespace gpufleet::risk {

Distribution summarise(std::vector<double> values) {
  Distribution d;
  double sum = 0;
  for (double x : values) sum += x;
  d.mean = sum / static_cast<double>(values.size());
  std::sort(values.begin(), values.end());
  d.p5 = quantile_of_sorted(values, 0.05);
  d.p50 = quantile_of_sorted(values, 0.50);
  d.p95 = quantile_of_sorted(values, 0.95);
  d.cvar95 = cvar_of_sorted(values, 0.95);
  return d;
}

}  // namespace gpufleet::risk
