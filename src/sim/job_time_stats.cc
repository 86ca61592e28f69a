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

namespace {
std::array<size_t, 3> groups_of(size_t band, size_t kind) { return {0, 1 + band, 1 + kSizeBands + kind}; }
}  // namespace

void TimeSamples::add(double value_s, float gpu_hours, size_t band, size_t kind) {
  if (value_s > 0) {
    others_.push_back(TimedJob{value_s, gpu_hours, static_cast<uint8_t>(band), static_cast<uint8_t>(kind)});
    return;
  }
  for (size_t g : groups_of(band, kind)) {
    ++zero_count_[g];
    zero_gpu_hours_[g] += gpu_hours;
  }
}

GroupedTimes TimeSamples::stats(WeightedCdf* cdf) {
  GroupedTimes out{};
  std::vector<TimedJob>& samples = others_;
  std::sort(samples.begin(), samples.end(),
            [](const TimedJob& a, const TimedJob& b) { return a.value_s < b.value_s; });
  // First pass: counts, weights and sums, the zeros first, then in sorted order. The second
  // pass adds the weights in the same order, so that its running total ends exactly at the
  // first pass's total.
  std::array<double, kTimeGroups> sum{}, weighted_sum{};
  for (size_t g = 0; g < kTimeGroups; ++g) {
    out[g].count = zero_count_[g];
    out[g].gpu_hours = zero_gpu_hours_[g];
  }
  for (const TimedJob& s : samples)
    for (size_t g : groups_of(s.band, s.kind)) {
      ++out[g].count;
      out[g].gpu_hours += s.gpu_hours;
      sum[g] += s.value_s;
      weighted_sum[g] += static_cast<double>(s.gpu_hours) * s.value_s;
    }
  std::array<int64_t, kTimeGroups> rank50{}, rank99{}, seen{};
  std::array<double, kTimeGroups> cumulative{};
  // Whether each figure is found: a rank or a share of the weight reached among the zeros
  // (which come first) leaves the figure at 0.
  std::array<bool, kTimeGroups> rank50_done{}, rank99_done{}, got50{}, got99{};
  for (size_t g = 0; g < kTimeGroups; ++g) {
    GroupTimes& t = out[g];
    if (t.count == 0) continue;
    t.per_job.mean_s = sum[g] / static_cast<double>(t.count);
    t.by_gpu_hours.mean_s = t.gpu_hours > 0 ? weighted_sum[g] / t.gpu_hours : t.per_job.mean_s;
    rank50[g] = static_cast<int64_t>(0.50 * static_cast<double>(t.count - 1));
    rank99[g] = static_cast<int64_t>(0.99 * static_cast<double>(t.count - 1));
    seen[g] = zero_count_[g];
    cumulative[g] = zero_gpu_hours_[g];
    rank50_done[g] = rank50[g] < seen[g];
    rank99_done[g] = rank99[g] < seen[g];
    got50[g] = t.gpu_hours > 0 && zero_count_[g] > 0 && cumulative[g] >= 0.50 * t.gpu_hours;
    got99[g] = t.gpu_hours > 0 && zero_count_[g] > 0 && cumulative[g] >= 0.99 * t.gpu_hours;
  }
  for (const TimedJob& s : samples)
    for (size_t g : groups_of(s.band, s.kind)) {
      GroupTimes& t = out[g];
      if (!rank50_done[g] && seen[g] == rank50[g]) t.per_job.p50_s = s.value_s;
      if (!rank99_done[g] && seen[g] == rank99[g]) t.per_job.p99_s = s.value_s;
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
  if (cdf) {
    // The point where the running weight first reaches each next share i / kCdfPoints, the
    // zeros' share first; the last sample at share 1.
    cdf->clear();
    const double total = out[0].gpu_hours;
    if (total > 0) {
      double running = zero_gpu_hours_[0];
      if (running > 0) cdf->emplace_back(0.0, running / total);
      size_t next = static_cast<size_t>(running / total * kCdfPoints) + 1;
      for (size_t k = 0; k < samples.size(); ++k) {
        running += samples[k].gpu_hours;
        const bool last = k + 1 == samples.size();
        if (!last && running < static_cast<double>(next) / kCdfPoints * total) continue;
        if (!last && samples[k + 1].value_s == samples[k].value_s) continue;  // a run of equal values: its end
        cdf->emplace_back(samples[k].value_s, last ? 1.0 : running / total);
        next = static_cast<size_t>(running / total * kCdfPoints) + 1;
      }
    }
  }
  return out;
}

}  // namespace gpufleet::sim
