// Numbers formatted for people: "$1.2B", "38,400", "3.4 h".
#pragma once

#include <string>

namespace gpufleet::cli {

std::string human_usd(double usd);            // "$1.23B", "$456.7M", "$12.3K", "$95"
std::string with_commas(double value);        // 38400 -> "38,400" (rounded to a whole number)
std::string human_duration(double seconds);   // "45 s", "12.5 min", "3.4 h", "2.1 d"

}  // namespace gpufleet::cli
