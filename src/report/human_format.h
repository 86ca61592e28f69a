// Numbers for people who read reports: "$1.23B", "38,400", "3.4 h", "2026-01-01".
#pragma once

#include <cstdint>
#include <string>

namespace gpufleet::report {

std::string human_usd(double usd);          // three significant digits: "$9.98B", "$456M", "$12.3K", "$95"
std::string with_commas(double value);      // rounded to a whole number: 38400 -> "38,400"
std::string human_duration(double seconds); // "45 s", "12.5 min", "3.4 h", "2.1 d", "1.9 y"
std::string iso_date(int64_t unix_s);       // "2026-01-01" (UTC)

}  // namespace gpufleet::report
