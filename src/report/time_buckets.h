// Calendar buckets (days, weeks or months) over a run, for downsampling hourly series and
// spreading job intervals: a two-year run has 17,520 hours but 730 days or 24 months.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpufleet::report {

enum class BucketWidth { day, week, month };

class TimeBuckets {
 public:
  // Buckets covering [0, horizon_s) seconds after start_unix_s (UTC). Months follow the
  // calendar; the first and last buckets may be partial. REQUIRES: horizon_s > 0 and finite.
  TimeBuckets(int64_t start_unix_s, double horizon_s, BucketWidth width);

  size_t size() const { return labels_.size(); }
  // "2026-01-05" for days and weeks (the bucket's first day), "2026-01" for months.
  const std::vector<std::string>& labels() const { return labels_; }
  // Seconds of bucket i that lie inside the run.
  double seconds(size_t i) const { return edges_[i + 1] - edges_[i]; }

  // Adds rate x (seconds of [from_s, to_s) inside bucket i) to acc[i] for every bucket.
  // acc has size() elements; the interval is clipped to the run.
  void spread(std::vector<double>& acc, double from_s, double to_s, double rate) const;
  // The bucket holding time t_s, or size() when t_s is outside the run.
  size_t index_of(double t_s) const;

 private:
  std::vector<double> edges_;  // size() + 1 increasing offsets from the start, last = horizon
  std::vector<std::string> labels_;
};

// Days for runs up to about three years, weeks beyond: at most ~1,100 points per series.
BucketWidth width_for_horizon(double horizon_s);

}  // namespace gpufleet::report
