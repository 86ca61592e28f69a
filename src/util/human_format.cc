#include "util/human_format.h"

#include <cmath>

#include <fmt/format.h>

namespace gpufleet {

std::string human_usd(double usd) {
  if (!std::isfinite(usd)) return "n/a";
  const double a = std::fabs(usd);
  const char* sign = usd < 0 ? "-" : "";
  struct Scale {
    double size;
    const char* suffix;
  };
  for (const Scale s : {Scale{1e12, "T"}, Scale{1e9, "B"}, Scale{1e6, "M"}, Scale{1e3, "K"}}) {
    if (a < s.size * 0.9995) continue;  // 999,600 is "$1.00M", not "$1000K"
    const double v = a / s.size;
    const int decimals = v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2;
    return fmt::format("{}${:.{}f}{}", sign, v, decimals, s.suffix);
  }
  return fmt::format("{}${:.0f}", sign, a);
}

std::string with_commas(double value) {
  if (!std::isfinite(value)) return "n/a";
  const long long v = std::llround(value);
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string human_duration(double s) {
  if (!std::isfinite(s)) return "n/a";
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 2 * 3600) return fmt::format("{:.1f} min", s / 60);
  if (s < 2 * 86400) return fmt::format("{:.1f} h", s / 3600);
  if (s < 2 * 365 * 86400.0) return fmt::format("{:.1f} d", s / 86400);
  return fmt::format("{:.1f} y", s / (365 * 86400.0));
}

}  // namespace gpufleet
