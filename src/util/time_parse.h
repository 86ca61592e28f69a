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

// "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS[.fraction]]" and a UTC offset
// ('Z', "+HH:MM", "-HHMM", "+HH"), as ISO 8601, YAML and Python's isoformat write them
// ("2026-10-19 06:48:00+00:00"). Fractions of a second are dropped.
// Returns Unix seconds (UTC), or nullopt if malformed or out of range.
std::optional<int64_t> parse_iso_datetime(std::string_view text);

// Unix seconds of 1900-01-01 and of 2200-01-01: the range an epoch in seconds is taken from.
inline constexpr double kMinEpochS = -2208988800.0;
inline constexpr double kMaxEpochS = 7258118400.0;

// nullopt when unix_s is a plausible epoch in seconds (kMinEpochS to kMaxEpochS); else why not,
// naming the unit it looks like ("milliseconds (2025-10-09 as such)").
std::optional<std::string> epoch_out_of_range(double unix_s);

// The same day and time `years` calendar years later (29 February becomes 1 March), in Unix
// seconds (UTC): a contract's anniversary.
int64_t add_calendar_years(int64_t unix_s, int years);

// The first Unix second of the UTC calendar month holding unix_s, and of the month after it.
int64_t month_start_unix_s(int64_t unix_s);
int64_t next_month_start_unix_s(int64_t unix_s);

// "YYYY-MM-DD" of Unix seconds (UTC).
std::string format_iso_date(int64_t unix_s);
// "YYYY-MM-DDTHH:MM:SSZ" of Unix seconds (UTC); parse_iso_datetime reads it back.
std::string format_iso_datetime(int64_t unix_s);

// A duration with a unit: "90d", "6h", "30m" (minutes), "45s", "2w", "1.5y" (365 days),
// "36mo" (months of 365/12 days), or a bare
// number of seconds. Returns seconds, or nullopt if malformed or negative.
std::optional<double> parse_duration(std::string_view text);

// Closest of `candidates` to `word` by edit distance, or "" when nothing is near.
std::string nearest_word(std::string_view word, const std::initializer_list<std::string_view>& candidates);
std::string nearest_word(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace gpufleet
