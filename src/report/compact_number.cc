#include <cmath>

#include "report/report_section.h"

namespace gpufleet::report {

double compact(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return std::isfinite(v) ? 0.0 : v;
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  const double scale = std::pow(10.0, digits - 1 - magnitude);
  return std::round(v * scale) / scale;
}

}  // namespace gpufleet::report
