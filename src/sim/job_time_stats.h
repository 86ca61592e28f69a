// Queue time and JCT over groups of jobs, per job and weighted by GPU-hours (the definitions
// are TimeStats's, in gpufleet/simulate.h): all jobs, each size band of GPUs asked for, each
// kind. One sort of the values other than 0, then one pass that serves every group.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "gpufleet/simulate.h"

namespace gpufleet::sim {

// Size bands of GPUs asked for: "1", "2-8", "9-64", "65-512", "513+".
inline constexpr size_t kSizeBands = 5;
inline constexpr size_t kJobKinds = 3;  // JobKind's values
size_t size_band(uint32_t gpus);
std::string_view size_band_name(size_t band);

// One job's time (queue time or JCT) with its weight and its groups.
struct TimedJob {
  double value_s = 0;
  float gpu_hours = 0;  // GPUs x reference run time / 3600; >= 0
  uint8_t band = 0;     // size_band(gpus)
  uint8_t kind = 0;     // static_cast<uint8_t>(JobKind), < kJobKinds
};
static_assert(sizeof(TimedJob) == 16, "TimedJob must stay 16 bytes (one per job)");

// A group's figures: how many jobs, their weight, the statistics per job and by GPU-hours.
// A group whose weight is 0 (every job of length 0) has its per-job figures as weighted ones.
struct GroupTimes {
  int64_t count = 0;
  double gpu_hours = 0;
  TimeStats per_job, by_gpu_hours;
};

// Index 0: all jobs; 1 + band; 1 + kSizeBands + kind.
inline constexpr size_t kTimeGroups = 1 + kSizeBands + kJobKinds;
using GroupedTimes = std::array<GroupTimes, kTimeGroups>;

// All jobs' distribution by GPU-hours: (value, share of the weight at or below it), at most
// kCdfPoints + 2 points at evenly spaced shares, rising to 1; empty without weight.
inline constexpr size_t kCdfPoints = 200;
using WeightedCdf = std::vector<std::pair<double, double>>;

// The samples of one figure. Times of 0 (most queue times) are counted per group, not kept:
// only the others are stored (16 bytes each) and sorted.
class TimeSamples {
 public:
  // Room for n samples of a time other than 0.
  void reserve(size_t n) { others_.reserve(n); }
  // REQUIRES: value_s >= 0, band < kSizeBands, kind < kJobKinds.
  void add(double value_s, float gpu_hours, size_t band, size_t kind);
  // Sorts the stored samples; call once. cdf, when given, receives all jobs' distribution.
  GroupedTimes stats(WeightedCdf* cdf = nullptr);

 private:
  std::vector<TimedJob> others_;
  std::array<int64_t, kTimeGroups> zero_count_{};
  std::array<double, kTimeGroups> zero_gpu_hours_{};
};

}  // namespace gpufleet::sim
