#include "cli/format_numbers.h"

#include <cmath>

#include <fmt/format.h>

namespace gpufleet::cli {

std::string human_usd(double usd) {
  const double a = std::fabs(usd);
  const char* sign = usd < 0 ? "-" : "";
  if (a >= 1e9) return fmt::format("{}${:.2f}B", sign, a / 1e9);
  if (a >= 1e6) return fmt::format("{}${:.1f}M", sign, a / 1e6);
  if (a >= 1e4) return fmt::format("{}${:.1f}K", sign, a / 1e3);
  return fmt::format("{}${:.0f}", sign, a);
}

std::string with_commas(double value) {
  const long long v = std::llround(value);
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string human_duration(double s) {
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 2 * 3600) return fmt::format("{:.1f} min", s / 60);
  if (s < 2 * 86400) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} d", s / 86400);
}

}  // namespace gpufleet::cli
