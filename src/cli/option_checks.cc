#include "cli/option_checks.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "util/human_format.h"

namespace gpufleet::cli {

std::string bound_text(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 1e15)
    return (value < 0 ? "-" : "") + with_commas(std::abs(value));
  return fmt::format("{}", value);
}

CLI::Validator number_in(double lo, double hi, const std::string& unit, bool lo_open) {
  const std::string range = lo_open ? fmt::format("more than {} and at most {}", bound_text(lo), bound_text(hi))
                                    : fmt::format("from {} to {}", bound_text(lo), bound_text(hi));
  return CLI::Validator(
      [=](std::string& text) {
        double x = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, x);
        const bool ok = !text.empty() && ec == std::errc() && ptr == end && std::isfinite(x) &&
                        (lo_open ? x > lo : x >= lo) && x <= hi;
        return ok ? std::string() : fmt::format("expected {} {}, found '{}'", unit, range, text);
      },
      "NUMBER");
}

CLI::Validator whole_number_in(int64_t lo, int64_t hi, const std::string& unit) {
  return CLI::Validator(
      [=](std::string& text) {
        int64_t x = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, x);
        const bool ok = !text.empty() && ec == std::errc() && ptr == end && x >= lo && x <= hi;
        return ok ? std::string()
                  : fmt::format("expected a whole number of {} from {} to {}, found '{}'", unit,
                                bound_text(static_cast<double>(lo)), bound_text(static_cast<double>(hi)), text);
      },
      "INTEGER");
}

}  // namespace gpufleet::cli
