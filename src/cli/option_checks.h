// Range checks for numeric options, with messages that print the bounds as people write them
// ("from 1 to 256", "more than 0 and at most 2,592,000") rather than CLI11's to_string of a
// double (0.000000, or 309 digits for the largest double). NaN and infinities are refused.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace gpufleet::cli {

// A number x with lo <= x <= hi (lo < x when lo_open). `unit` names what it counts ("seconds").
CLI::Validator number_in(double lo, double hi, const std::string& unit, bool lo_open = false);

// A whole number (decimal digits, an optional leading minus) with lo <= x <= hi.
CLI::Validator whole_number_in(int64_t lo, int64_t hi, const std::string& unit);

// A bound as people write it: whole numbers with thousands separators (2,592,000), others in
// the shortest form that reads back the same (0.005, 1e-06).
std::string bound_text(double value);

}  // namespace gpufleet::cli
