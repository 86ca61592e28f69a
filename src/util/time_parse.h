// Parsing of the time notations used in scenarios and traces.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gpufleet {

// Days since 1970-01-01 of a proleptic Gregorian date. REQUIRES: 1 <= month <= 12, 1 <= day <= 31.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

// "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS]" and an optional 'Z'.
// Returns Unix seconds (UTC), or nullopt if malformed or out of range.
std::optional<int64_t> parse_iso_datetime(std::string_view text);

// "YYYY-MM-DD" of Unix seconds (UTC).
std::string format_iso_date(int64_t unix_s);

// A duration with a unit: "90d", "6h", "30m" (minutes), "45s", "2w", "1.5y" (365 days),
// "36mo" (months of 365/12 days), or a bare
// number of seconds. Returns seconds, or nullopt if malformed or negative.
std::optional<double> parse_duration(std::string_view text);

// Closest of `candidates` to `word` by edit distance, or "" when nothing is near.
std::string nearest_word(std::string_view word, const std::initializer_list<std::string_view>& candidates);
std::string nearest_word(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace gpufleet
