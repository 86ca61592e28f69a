// Queue time and JCT weighted by GPU-hours, by size band and by kind, and the longest waits:
// figures worked out by hand, on the statistics alone and through a whole simulation.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpufleet/simulate.h"
#include "sim/job_time_stats.h"
#include "sim/sim_test_fixtures.h"

namespace gpufleet::sim {
namespace {

struct Sample {
  double value_s;
  float gpu_hours;
  uint32_t gpus;
  JobKind kind;
};
Sample sample(double value_s, float gpu_hours, uint32_t gpus, JobKind kind) { return {value_s, gpu_hours, gpus, kind}; }

GroupedTimes grouped_time_stats(const std::vector<Sample>& list) {
  TimeSamples s;
  for (const Sample& x : list) s.add(x.value_s, x.gpu_hours, size_band(x.gpus), static_cast<size_t>(x.kind));
  return s.stats();
}

TEST(JobTimeStats, SizeBands) {
  EXPECT_EQ(size_band(1), 0u);
  EXPECT_EQ(size_band(2), 1u);
  EXPECT_EQ(size_band(8), 1u);
  EXPECT_EQ(size_band(9), 2u);
  EXPECT_EQ(size_band(64), 2u);
  EXPECT_EQ(size_band(65), 3u);
  EXPECT_EQ(size_band(512), 3u);
  EXPECT_EQ(size_band(513), 4u);
  EXPECT_EQ(size_band(8192), 4u);
  EXPECT_EQ(size_band_name(4), "513+");
}

// Nine one-GPU jobs of an hour that did not wait, and one 100-GPU job of an hour that waited
// ten days: per job the median and p99 wait are 0; by GPU-hours (100 of the 109) both are
// ten days.
TEST(JobTimeStats, OneLargeJobThatWaitedDominatesByGpuHours) {
  std::vector<Sample> s;
  for (int i = 0; i < 9; ++i) s.push_back(sample(0, 1, 1, JobKind::research));
  s.push_back(sample(864000, 100, 100, JobKind::training));
  const GroupedTimes g = grouped_time_stats(s);
  EXPECT_EQ(g[0].count, 10);
  EXPECT_DOUBLE_EQ(g[0].gpu_hours, 109);
  EXPECT_DOUBLE_EQ(g[0].per_job.mean_s, 86400);
  EXPECT_DOUBLE_EQ(g[0].per_job.p50_s, 0);
  EXPECT_DOUBLE_EQ(g[0].per_job.p99_s, 0);  // rank floor(0.99 x 9) = 8: still a zero
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.mean_s, 100 * 864000.0 / 109);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.p50_s, 864000);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.p99_s, 864000);
  // Bands: "1" holds the nine, "65-512" the large one; kinds likewise.
  EXPECT_EQ(g[1 + 0].count, 9);
  EXPECT_DOUBLE_EQ(g[1 + 0].by_gpu_hours.p99_s, 0);
  EXPECT_EQ(g[1 + 3].count, 1);
  EXPECT_DOUBLE_EQ(g[1 + 3].per_job.p50_s, 864000);
  EXPECT_EQ(g[1 + 1].count, 0);
  EXPECT_EQ(g[1 + kSizeBands + static_cast<size_t>(JobKind::training)].count, 1);
  EXPECT_EQ(g[1 + kSizeBands + static_cast<size_t>(JobKind::research)].count, 9);
  EXPECT_EQ(g[1 + kSizeBands + static_cast<size_t>(JobKind::inference)].count, 0);
}

// The weighted median is the smallest value at or below which lies at least half the weight:
// weights 4, 1, 1, 1, 1 (of 8) put it on the first value exactly (4 >= 4); p99 needs 7.92.
TEST(JobTimeStats, WeightedPercentileIsTheSmallestValueReachingTheShare) {
  std::vector<Sample> s = {sample(50, 1, 1, JobKind::research), sample(20, 1, 1, JobKind::research),
                             sample(10, 4, 1, JobKind::research), sample(40, 1, 1, JobKind::research),
                             sample(30, 1, 1, JobKind::research)};
  const GroupedTimes g = grouped_time_stats(s);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.p50_s, 10);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.p99_s, 50);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.mean_s, (40 + 20 + 30 + 40 + 50) / 8.0);
  EXPECT_DOUBLE_EQ(g[0].per_job.p50_s, 30);  // rank floor(0.5 x 4) = 2 of 10, 20, 30, 40, 50
  EXPECT_DOUBLE_EQ(g[0].per_job.mean_s, 30);
}

// Many values: at most kCdfPoints + 2 points, x rising, shares rising to 1.
TEST(JobTimeStats, WeightedCdfIsShortAndRises) {
  TimeSamples s;
  for (int i = 0; i < 100000; ++i) s.add(i % 977, static_cast<float>(1 + i % 7), 0, 0);
  WeightedCdf cdf;
  s.stats(&cdf);
  ASSERT_GE(cdf.size(), 100u);
  ASSERT_LE(cdf.size(), kCdfPoints + 2);
  for (size_t k = 1; k < cdf.size(); ++k) {
    EXPECT_GT(cdf[k].first, cdf[k - 1].first) << k;
    EXPECT_GT(cdf[k].second, cdf[k - 1].second) << k;
  }
  EXPECT_EQ(cdf.back().first, 976);
  EXPECT_EQ(cdf.back().second, 1.0);
}

TEST(JobTimeStats, JobsOfNoLengthFallBackToPerJobFigures) {
  std::vector<Sample> s = {sample(5, 0, 1, JobKind::inference), sample(7, 0, 1, JobKind::inference)};
  const GroupedTimes g = grouped_time_stats(s);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.mean_s, 6);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.p50_s, 5);
  EXPECT_DOUBLE_EQ(g[0].by_gpu_hours.p99_s, 5);
}

// Eight GPUs, strict FIFO, a 12.5 h horizon:
//   0: 8 GPUs x 10 h at 0       -> runs 0-10 h
//   1: 1 GPU x 1 h at 0         -> waits 10 h, runs 10-11 h
//   2: 4 GPUs x 2 h at 0        -> waits 10 h, runs 10-12 h
//   3: 8 GPUs x 1 h at 0        -> waits 12 h (needs all eight), cut at the horizon
//   4: 16 GPUs at 100 s         -> larger than the fleet: rejected, no wait
//   5: 2 GPUs x 1 h at 200 s    -> behind 3 until the end: still waiting, 12.5 h - 200 s
TEST(JobTimeStats, ASimulationReportsWeightedFiguresBandsAndLongestWaits) {
  const Scenario s = testing::one_site_scenario(8, 45000);
  Workload w = testing::make_workload({{0, 8, 36000}, {0, 1, 3600}, {0, 4, 7200}, {0, 8, 3600}, {100, 16, 3600}, {200, 2, 3600}});
  w.names = {"pretrain-8", "probe", "eval-4", "finetune-8", "too-big", "small-late"};
  w.jobs[0].kind = JobKind::training;
  auto r = simulate(s, w);
  ASSERT_TRUE(r) << r.error().to_string();
  const SimSummary& m = r->summary;
  ASSERT_EQ(r->jobs[3].start_s, 43200);
  ASSERT_EQ(r->jobs[5].start_s, -1);
  // Queue (started jobs 0-3): 0 (80 GPU-h), 10 h (1), 10 h (8), 12 h (8); 97 GPU-hours.
  EXPECT_DOUBLE_EQ(m.mean_queue_s, 28800);
  EXPECT_DOUBLE_EQ(m.p50_queue_s, 36000);
  EXPECT_DOUBLE_EQ(m.p99_queue_s, 36000);
  EXPECT_NEAR(m.queue_by_gpu_hours.mean_s, (9 * 36000.0 + 8 * 43200.0) / 97, 1e-6);
  EXPECT_DOUBLE_EQ(m.queue_by_gpu_hours.p50_s, 0);      // 80 of 97 GPU-hours did not wait
  EXPECT_DOUBLE_EQ(m.queue_by_gpu_hours.p99_s, 43200);  // 96.03 GPU-hours reached only with job 3
  // Its distribution by GPU-hours: 80 of 97 at 0, 89 of 97 by 10 h, all by 12 h.
  ASSERT_EQ(m.queue_cdf_by_gpu_hours.size(), 3u);
  EXPECT_EQ(m.queue_cdf_by_gpu_hours[0].first, 0);
  EXPECT_DOUBLE_EQ(m.queue_cdf_by_gpu_hours[0].second, 80.0 / 97);
  EXPECT_EQ(m.queue_cdf_by_gpu_hours[1].first, 36000);
  EXPECT_DOUBLE_EQ(m.queue_cdf_by_gpu_hours[1].second, 89.0 / 97);
  EXPECT_EQ(m.queue_cdf_by_gpu_hours[2].first, 43200);
  EXPECT_DOUBLE_EQ(m.queue_cdf_by_gpu_hours[2].second, 1.0);
  // JCT (completed 0-2): 10 h (80), 11 h (1), 12 h (8).
  EXPECT_DOUBLE_EQ(m.mean_jct_s, 39600);
  EXPECT_NEAR(m.jct_by_gpu_hours.mean_s, (80 * 36000.0 + 39600 + 8 * 43200.0) / 89, 1e-6);
  EXPECT_DOUBLE_EQ(m.jct_by_gpu_hours.p50_s, 36000);
  EXPECT_DOUBLE_EQ(m.jct_by_gpu_hours.p99_s, 43200);
  // Bands present: "1" (job 1), "2-8" (0, 2, 3, 5), "9-64" (4); kinds: training, research.
  ASSERT_EQ(m.by_size_band.size(), 3u);
  EXPECT_EQ(m.by_size_band[0].group, "1");
  EXPECT_EQ(m.by_size_band[1].group, "2-8");
  EXPECT_EQ(m.by_size_band[1].jobs, 4);
  EXPECT_EQ(m.by_size_band[1].started, 3);
  EXPECT_EQ(m.by_size_band[1].completed, 2);
  EXPECT_DOUBLE_EQ(m.by_size_band[1].gpu_hours, 80 + 8 + 8 + 2);
  EXPECT_DOUBLE_EQ(m.by_size_band[1].queue_by_gpu_hours.p99_s, 43200);
  EXPECT_EQ(m.by_size_band[2].group, "9-64");
  EXPECT_EQ(m.by_size_band[2].started, 0);
  ASSERT_EQ(m.by_kind.size(), 2u);
  EXPECT_EQ(m.by_kind[0].group, "training");
  EXPECT_DOUBLE_EQ(m.by_kind[0].jct.mean_s, 36000);
  EXPECT_EQ(m.by_kind[1].group, "research");
  EXPECT_EQ(m.by_kind[1].jobs, 5);
  // Longest first: 5 (still waiting), 3, then 1 and 2 (a tie, by id), then 0; 4 was rejected.
  ASSERT_EQ(m.longest_waits.size(), 5u);
  const uint32_t order[] = {5, 3, 1, 2, 0};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(m.longest_waits[i].id, order[i]) << i;
  EXPECT_DOUBLE_EQ(m.longest_waits[0].wait_s, 45000 - 200);
  EXPECT_FALSE(m.longest_waits[0].started);
  EXPECT_DOUBLE_EQ(m.longest_waits[1].wait_s, 43200);
  EXPECT_TRUE(m.longest_waits[1].started);

  // summary.json names them.
  const auto dir = std::filesystem::temp_directory_path() / ("gpufleet-job-times-" + std::to_string(::getpid()));
  ASSERT_TRUE(write_sim_results(*r, s, w, dir.string()));
  std::ifstream in(dir / "summary.json");
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove_all(dir);
  const auto j = nlohmann::json::parse(text.str());
  ASSERT_EQ(j["longest_waits"].size(), 5u);
  EXPECT_EQ(j["longest_waits"][0]["name"], "small-late");
  EXPECT_EQ(j["longest_waits"][0]["started"], false);
  EXPECT_EQ(j["longest_waits"][1]["name"], "finetune-8");
  EXPECT_EQ(j["longest_waits"][1]["gpus"], 8);
  EXPECT_DOUBLE_EQ(j["queue_by_gpu_hours"]["p99_s"].get<double>(), 43200);
  EXPECT_EQ(j["job_times_by_size_band"][1]["gpus"], "2-8");
  EXPECT_EQ(j["job_times_by_kind"][0]["kind"], "training");
}

// At most ten, from many.
TEST(JobTimeStats, LongestWaitsKeepTheTenLongest) {
  const Scenario s = testing::one_site_scenario(1, 1e6);
  std::vector<testing::JobSpec> specs;
  for (int i = 0; i < 30; ++i) specs.push_back({0, 1, 100});  // one at a time: job i waits 100 i s
  auto r = simulate(s, testing::make_workload(specs));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->summary.longest_waits.size(), kLongestWaits);
  for (size_t i = 0; i < kLongestWaits; ++i) {
    EXPECT_EQ(r->summary.longest_waits[i].id, 29 - i);
    EXPECT_DOUBLE_EQ(r->summary.longest_waits[i].wait_s, 100.0 * static_cast<double>(29 - i));
  }
}

}  // namespace
}  // namespace gpufleet::sim
