// Numbers for people: "$1.23B", "38,400", "3.4 h". Used by the terminal tables and the report.
#pragma once

#include <string>

namespace gpufleet {

std::string human_usd(double usd);          // three significant digits: "$9.98B", "$456M", "$12.3K", "$95"
std::string with_commas(double value);      // rounded to a whole number: 38400 -> "38,400"
std::string human_duration(double seconds); // "45 s", "12.5 min", "3.4 h", "2.1 d", "1.9 y"

}  // namespace gpufleet
