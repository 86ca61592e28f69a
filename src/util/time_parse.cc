#include "util/time_parse.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace gpufleet {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm: shift the year to start in March.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

bool digits(std::string_view s, size_t pos, size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  out = v;
  return true;
}

bool is_leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<int64_t> parse_iso_datetime(std::string_view s) {
  unsigned y, mo, d;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return std::nullopt;
  if (d > kDays[mo - 1] + (mo == 2 && is_leap(y) ? 1 : 0)) return std::nullopt;
  int64_t secs = days_from_civil(y, mo, d) * 86400;
  size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    unsigned hh, mm, ss = 0;
    if (!digits(s, pos + 1, 2, hh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, mm))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, ss)) return std::nullopt;
      pos += 3;
    }
    if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    secs += hh * 3600 + mm * 60 + ss;
    // Fractions of a second (Python writes microseconds): read, then dropped.
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      size_t end = pos + 1;
      while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
      if (end == pos + 1 || end - pos > 10) return std::nullopt;
      pos = end;
    }
    // A UTC offset: Z, +HH:MM, -HH:MM, +HHMM or +HH (what YAML, Python and ISO 8601 write).
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const int sign = s[pos] == '+' ? 1 : -1;
      unsigned oh = 0, om = 0;
      if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size()) {
        if (!digits(s, pos, 2, om)) return std::nullopt;
        pos += 2;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      secs -= sign * static_cast<int64_t>(oh * 3600 + om * 60);  // local time minus offset = UTC
    }
  }
  if (pos < s.size() && s[pos] == 'Z') ++pos;
  if (pos != s.size()) return std::nullopt;
  return secs;
}

std::optional<std::string> epoch_out_of_range(double unix_s) {
  if (unix_s >= kMinEpochS && unix_s <= kMaxEpochS) return std::nullopt;
  const double a = std::fabs(unix_s);
  const auto as = [&](double per_second, const char* unit) {
    return fmt::format("outside the years 1900 to 2200 as seconds; it looks like {} ({} as such)", unit,
                       format_iso_date(static_cast<int64_t>(unix_s / per_second)));
  };
  if (a >= 1e11 && a < 1e14) return as(1e3, "milliseconds");
  if (a >= 1e14 && a < 1e17) return as(1e6, "microseconds");
  if (a >= 1e17 && a < 1e20) return as(1e9, "nanoseconds");
  return std::string("outside the years 1900 to 2200; expected Unix seconds");
}

namespace {

struct CivilDate {
  int64_t year;
  unsigned month, day;
};

// Inverse of days_from_civil (Hinnant's civil_from_days).
CivilDate civil_from_days(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

int64_t floor_days(int64_t unix_s) { return (unix_s >= 0 ? unix_s : unix_s - 86399) / 86400; }

}  // namespace

int64_t add_calendar_years(int64_t unix_s, int years) {
  const int64_t days = floor_days(unix_s);
  const CivilDate c = civil_from_days(days);
  return days_from_civil(c.year + years, c.month, c.day) * 86400 + (unix_s - days * 86400);
}

int64_t month_start_unix_s(int64_t unix_s) {
  const CivilDate c = civil_from_days(floor_days(unix_s));
  return days_from_civil(c.year, c.month, 1) * 86400;
}

int64_t next_month_start_unix_s(int64_t unix_s) {
  const CivilDate c = civil_from_days(floor_days(unix_s));
  return c.month == 12 ? days_from_civil(c.year + 1, 1, 1) * 86400 : days_from_civil(c.year, c.month + 1, 1) * 86400;
}

std::string format_iso_date(int64_t unix_s) {
  const CivilDate c = civil_from_days(floor_days(unix_s));
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string format_iso_datetime(int64_t unix_s) {
  const int64_t s = unix_s - floor_days(unix_s) * 86400;
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format_iso_date(unix_s), s / 3600, s / 60 % 60, s % 60);
}

std::optional<double> parse_duration(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double unit = 1;
  size_t unit_chars = 1;
  if (s.ends_with("mo")) {  // months: a twelfth of the 365-day year; 'm' alone is minutes
    unit = 365 * 86400.0 / 12;
    unit_chars = 2;
  } else {
    switch (s.back()) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      case 'y': unit = 365 * 86400.0; break;
      default: unit = 1, unit_chars = 0;  // a bare number of seconds
    }
  }
  s.remove_suffix(unit_chars);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) || v < 0)
    return std::nullopt;
  return v * unit;
}

std::string nearest_word(std::string_view word,
                         const std::initializer_list<std::string_view>& candidates) {
  return nearest_word(word, std::span<const std::string_view>(candidates.begin(), candidates.size()));
}

std::string nearest_word(std::string_view word, std::span<const std::string_view> candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(3, word.size() / 2) + 1;
  std::vector<size_t> prev, cur;
  for (const auto cand : candidates) {
    prev.resize(cand.size() + 1);
    cur.resize(cand.size() + 1);
    for (size_t j = 0; j <= cand.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= cand.size(); ++j) {
        const size_t sub = prev[j - 1] + (word[i - 1] == cand[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    if (prev[cand.size()] < best_d) {
      best_d = prev[cand.size()];
      best = cand;
    }
  }
  return best;
}

}  // namespace gpufleet
