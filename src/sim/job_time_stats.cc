#include "sim/job_time_stats.h"

#include <algorithm>
#include <cmath>

namespace gpufleet::sim {

size_t size_band(uint32_t gpus) {
  if (gpus <= 1) return 0;
  if (gpus <= 8) return 1;
  if (gpus <= 64) return 2;
  if (gpus <= 512) return 3;
  return 4;
}

std::string_view size_band_name(size_t band) {
  static constexpr std::string_view kNames[kSizeBands] = {"1", "2-8", "9-64", "65-512", "513+"};
  return band < kSizeBands ? kNames[band] : std::string_view("?");
}

GroupedTimes grouped_time_stats(std::vector<TimedJob>& samples) {
  GroupedTimes out{};
  std::sort(samples.begin(), samples.end(),
            [](const TimedJob& a, const TimedJob& b) { return a.value_s < b.value_s; });
  const auto groups_of = [](const TimedJob& s) {
    return std::array<size_t, 3>{0, 1 + s.band, 1 + kSizeBands + s.kind};
  };
  // First pass, in sorted order: counts, weights and sums. The second pass adds the weights
  // in the same order, so that its running total ends exactly at the first pass's total.
  std::array<double, kTimeGroups> sum{}, weighted_sum{};
  for (const TimedJob& s : samples)
    for (size_t g : groups_of(s)) {
      ++out[g].count;
      out[g].gpu_hours += s.gpu_hours;
      sum[g] += s.value_s;
      weighted_sum[g] += static_cast<double>(s.gpu_hours) * s.value_s;
    }
  std::array<int64_t, kTimeGroups> rank50{}, rank99{}, seen{};
  std::array<double, kTimeGroups> cumulative{};
  std::array<bool, kTimeGroups> got50{}, got99{};
  for (size_t g = 0; g < kTimeGroups; ++g) {
    GroupTimes& t = out[g];
    if (t.count == 0) continue;
    t.per_job.mean_s = sum[g] / static_cast<double>(t.count);
    t.by_gpu_hours.mean_s = t.gpu_hours > 0 ? weighted_sum[g] / t.gpu_hours : t.per_job.mean_s;
    rank50[g] = static_cast<int64_t>(0.50 * static_cast<double>(t.count - 1));
    rank99[g] = static_cast<int64_t>(0.99 * static_cast<double>(t.count - 1));
  }
  for (const TimedJob& s : samples)
    for (size_t g : groups_of(s)) {
      GroupTimes& t = out[g];
      if (seen[g] == rank50[g]) t.per_job.p50_s = s.value_s;
      if (seen[g] == rank99[g]) t.per_job.p99_s = s.value_s;
      ++seen[g];
      cumulative[g] += s.gpu_hours;
      if (!got50[g] && cumulative[g] >= 0.50 * t.gpu_hours && t.gpu_hours > 0) {
        t.by_gpu_hours.p50_s = s.value_s;
        got50[g] = true;
      }
      if (!got99[g] && cumulative[g] >= 0.99 * t.gpu_hours && t.gpu_hours > 0) {
        t.by_gpu_hours.p99_s = s.value_s;
        got99[g] = true;
      }
    }
  for (GroupTimes& t : out)
    if (t.count > 0 && !(t.gpu_hours > 0)) t.by_gpu_hours = t.per_job;
  return out;
}

}  // namespace gpufleet::sim
