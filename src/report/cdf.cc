#include "report/cdf.h"

#include <algorithm>

namespace gpufleet::report {

std::vector<CdfPoint> cdf_points(std::vector<double> sample, size_t max_points) {
  std::vector<CdfPoint> out;
  if (sample.empty()) return out;
  std::sort(sample.begin(), sample.end());
  const size_t n = sample.size();
  max_points = std::max<size_t>(max_points, 2);
  const size_t steps = std::min(n, max_points);
  // Ranks k = round((n - 1) i / (steps - 1)); for a run of equal values keep the last rank,
  // where the CDF reaches its level.
  for (size_t i = 0; i < steps; ++i) {
    size_t k = steps == 1 ? n - 1 : (n - 1) * i / (steps - 1);
    while (k + 1 < n && sample[k + 1] == sample[k]) ++k;
    const CdfPoint point{sample[k], static_cast<double>(k + 1) / static_cast<double>(n)};
    if (!out.empty() && out.back().x == point.x) {
      out.back() = point;
      continue;
    }
    out.push_back(point);
  }
  return out;
}

}  // namespace gpufleet::report
