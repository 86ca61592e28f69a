#include "report/time_buckets.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "util/time_parse.h"

namespace gpufleet::report {

namespace {

constexpr double kDay = 86400;

std::tm utc(int64_t unix_s) {
  const auto t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string day_label(int64_t unix_s) {
  const std::tm tm = utc(unix_s);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

}  // namespace

TimeBuckets::TimeBuckets(int64_t start_unix_s, double horizon_s, BucketWidth width) {
  edges_.push_back(0);
  double at = 0;
  while (at < horizon_s) {
    const auto unix_s = start_unix_s + static_cast<int64_t>(at);
    double next = 0;
    if (width == BucketWidth::month) {
      const std::tm tm = utc(unix_s);
      labels_.push_back(fmt::format("{:04}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1));
      next = static_cast<double>(next_month_start_unix_s(unix_s) - start_unix_s);
    } else {
      labels_.push_back(day_label(unix_s));
      next = at + (width == BucketWidth::week ? 7 * kDay : kDay);
    }
    at = std::min(next, horizon_s);
    edges_.push_back(at);
  }
}

void TimeBuckets::spread(std::vector<double>& acc, double from_s, double to_s, double rate) const {
  from_s = std::max(from_s, edges_.front());
  to_s = std::min(to_s, edges_.back());
  if (!(to_s > from_s)) return;
  size_t i = index_of(from_s);
  for (; i < size() && edges_[i] < to_s; ++i) {
    const double overlap = std::min(to_s, edges_[i + 1]) - std::max(from_s, edges_[i]);
    if (overlap > 0) acc[i] += rate * overlap;
  }
}

size_t TimeBuckets::index_of(double t_s) const {
  if (!(t_s >= edges_.front()) || !(t_s < edges_.back())) return size();
  const auto it = std::upper_bound(edges_.begin(), edges_.end(), t_s);
  return static_cast<size_t>(it - edges_.begin()) - 1;
}

BucketWidth width_for_horizon(double horizon_s) {
  return horizon_s <= 1100 * kDay ? BucketWidth::day : BucketWidth::week;
}

}  // namespace gpufleet::report
