// Equal-width bins of a sample, for a distribution chart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gpufleet::report {

struct HistogramBin {
  double from = 0, to = 0;  // the bin holds values in [from, to); the last bin [from, to]
  int64_t count = 0;
};

// `bins` (>= 1) equal bins from the smallest to the largest value; a sample of one value
// (or all equal) gives one bin of width 0. Empty for an empty sample. The counts sum to the
// sample's size.
std::vector<HistogramBin> histogram(const std::vector<double>& sample, size_t bins);

}  // namespace gpufleet::report
