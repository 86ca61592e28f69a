// The empirical distribution of a sample as a short list of points, for a CDF chart.
#pragma once

#include <cstddef>
#include <vector>

namespace gpufleet::report {

struct CdfPoint {
  double x = 0;  // a sample value
  double p = 0;  // share of the sample <= x, in (0, 1]
};

// At most max_points points (>= 2) at evenly spaced ranks, always including the smallest and
// largest values; x increases, and p increases to 1. Empty for an empty sample.
std::vector<CdfPoint> cdf_points(std::vector<double> sample, size_t max_points);

}  // namespace gpufleet::report
