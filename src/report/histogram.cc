#include "report/histogram.h"

#include <algorithm>

namespace gpufleet::report {

std::vector<HistogramBin> histogram(const std::vector<double>& sample, size_t bins) {
  if (sample.empty()) return {};
  const auto [lo_it, hi_it] = std::minmax_element(sample.begin(), sample.end());
  const double lo = *lo_it, hi = *hi_it;
  if (!(hi > lo)) return {{lo, hi, static_cast<int64_t>(sample.size())}};
  bins = std::max<size_t>(bins, 1);
  const double width = (hi - lo) / static_cast<double>(bins);
  std::vector<HistogramBin> out(bins);
  for (size_t i = 0; i < bins; ++i) {
    out[i].from = lo + width * static_cast<double>(i);
    out[i].to = i + 1 == bins ? hi : lo + width * static_cast<double>(i + 1);
  }
  for (double x : sample) {
    auto i = static_cast<size_t>((x - lo) / width);
    i = std::min(i, bins - 1);
    // Rounding may put a value at a bin's edge one bin off; the edges decide.
    while (i > 0 && x < out[i].from) --i;
    while (i + 1 < bins && x >= out[i + 1].from) ++i;
    ++out[i].count;
  }
  return out;
}

}  // namespace gpufleet::report
