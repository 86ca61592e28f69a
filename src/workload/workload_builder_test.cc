#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpufleet/workload.h"

namespace gpufleet {
namespace {

const std::string kPhilly = std::string(GPUFLEET_SHARED_DATA) + "/philly/philly.csv";

Scenario base_scenario() {
  Scenario s;
  s.name = "test";
  s.source_file = "test.yaml";
  s.horizon_s = 1000 * kSecondsPerHour;
  s.seed = 42;
  for (const char* name : {"A100-80GB", "H100-SXM", "H200", "B200"}) {
    Accelerator a;
    a.name = name;
    s.accelerators.push_back(a);
  }
  return s;
}

JobClass research_class() {
  JobClass c;
  c.name = "research";
  c.tenant = "research";
  c.arrivals_per_hour = 120;
  c.gpus = {1, 2, 4, 8, 16};
  c.gpus_weight = {0.70, 0.10, 0.08, 0.10, 0.02};
  c.duration_median_s = 900;
  c.duration_sigma = 2.0;
  c.duration_max_s = 30 * kSecondsPerDay;
  return c;
}

// Writes text to a fresh file in the test's temporary folder and returns its path.
std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

bool same_jobs(const Job& a, const Job& b) {
  return a.submit_s == b.submit_s && a.duration_s == b.duration_s && a.gpus == b.gpus &&
         a.accelerator_mask == b.accelerator_mask && a.tenant == b.tenant &&
         a.jurisdiction == b.jurisdiction && a.kind == b.kind && a.priority == b.priority;
}

TEST(BuildWorkload, PoissonArrivalCountSizesAndMedianDuration) {
  Scenario s = base_scenario();
  s.workload.classes.push_back(research_class());
  auto w = build_workload(s);
  ASSERT_TRUE(w) << w.error().to_string();
  // 120 per hour over 1000 hours: Poisson mean 120,000, standard deviation 346.
  const double n = static_cast<double>(w->jobs.size());
  EXPECT_NEAR(n, 120000.0, 5 * std::sqrt(120000.0));

  std::map<uint32_t, int64_t> by_size;
  std::vector<double> durations;
  durations.reserve(w->jobs.size());
  for (const auto& j : w->jobs) {
    ++by_size[j.gpus];
    durations.push_back(j.duration_s);
    ASSERT_GE(j.submit_s, 0.0);
    ASSERT_LT(j.submit_s, s.horizon_s);
    ASSERT_LE(j.duration_s, 30 * kSecondsPerDay);
    ASSERT_GT(j.duration_s, 0.0);
  }
  EXPECT_EQ(by_size.size(), 5u);
  const std::map<uint32_t, double> weight{{1, 0.70}, {2, 0.10}, {4, 0.08}, {8, 0.10}, {16, 0.02}};
  for (const auto& [gpus, p] : weight) {
    const double sd = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(static_cast<double>(by_size[gpus]), n * p, 5 * sd) << gpus << " GPUs";
  }
  // Sample median of ln(duration): standard error 1.2533 * sigma / sqrt(n) = 0.0072.
  std::nth_element(durations.begin(), durations.begin() + durations.size() / 2, durations.end());
  const double median = durations[durations.size() / 2];
  EXPECT_NEAR(std::log(median / 900.0), 0.0, 5 * 1.2533 * 2.0 / std::sqrt(n)) << median;

  EXPECT_EQ(w->tenants[w->jobs[0].tenant], "research");
  EXPECT_EQ(w->jobs[0].accelerator_mask, kAnyAccelerator);
  EXPECT_EQ(w->jobs[0].jurisdiction, 0);
  EXPECT_TRUE(w->names.empty());
  for (size_t i = 0; i < w->jobs.size(); ++i) ASSERT_EQ(w->jobs[i].id, i);
}

TEST(BuildWorkload, DurationsAreCappedAtTheMaximum) {
  Scenario s = base_scenario();
  JobClass c = research_class();
  c.duration_max_s = 600;  // below the median: most jobs hit the cap
  s.workload.classes.push_back(c);
  auto w = build_workload(s);
  ASSERT_TRUE(w) << w.error().to_string();
  int64_t capped = 0;
  for (const auto& j : w->jobs) {
    ASSERT_LE(j.duration_s, 600.0);
    capped += j.duration_s == 600.0;
  }
  EXPECT_GT(capped, static_cast<int64_t>(w->jobs.size() / 2));
}

TEST(BuildWorkload, SameSeedSameJobsOtherSeedOtherJobs) {
  Scenario s = base_scenario();
  s.workload.classes.push_back(research_class());
  auto a = build_workload(s);
  auto b = build_workload(s);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->jobs.size(), b->jobs.size());
  for (size_t i = 0; i < a->jobs.size(); ++i) ASSERT_TRUE(same_jobs(a->jobs[i], b->jobs[i])) << i;

  s.seed = 43;
  auto c = build_workload(s);
  ASSERT_TRUE(c);
  size_t differ = 0;
  for (size_t i = 0; i < std::min(a->jobs.size(), c->jobs.size()); ++i)
    differ += !same_jobs(a->jobs[i], c->jobs[i]);
  EXPECT_GT(differ, a->jobs.size() / 2);
}

TEST(BuildWorkload, AddingAClassLeavesAnotherClassUnchanged) {
  Scenario s = base_scenario();
  s.workload.classes.push_back(research_class());
  auto alone = build_workload(s);
  ASSERT_TRUE(alone);

  JobClass inference = research_class();
  inference.name = "inference";
  inference.tenant = "serving";
  inference.arrivals_per_hour = 30;
  s.workload.classes.insert(s.workload.classes.begin(), inference);  // before, not after
  auto both = build_workload(s);
  ASSERT_TRUE(both) << both.error().to_string();
  std::vector<Job> research;
  for (const auto& j : both->jobs)
    if (both->tenants[j.tenant] == "research") research.push_back(j);
  ASSERT_EQ(research.size(), alone->jobs.size());
  for (size_t i = 0; i < research.size(); ++i) {
    ASSERT_EQ(research[i].submit_s, alone->jobs[i].submit_s) << i;
    ASSERT_EQ(research[i].duration_s, alone->jobs[i].duration_s) << i;
    ASSERT_EQ(research[i].gpus, alone->jobs[i].gpus) << i;
  }
  EXPECT_GT(both->jobs.size(), research.size());
}

TEST(BuildWorkload, ClassWindowHorizonAndMaxJobs) {
  Scenario s = base_scenario();
  JobClass c = research_class();
  c.start_s = 100 * kSecondsPerHour;
  c.end_s = 2000 * kSecondsPerHour;  // past the 1000 h horizon
  s.workload.classes.push_back(c);
  auto w = build_workload(s);
  ASSERT_TRUE(w);
  EXPECT_GE(w->jobs.front().submit_s, 100 * kSecondsPerHour);
  EXPECT_LT(w->jobs.back().submit_s, s.horizon_s);
  EXPECT_NEAR(static_cast<double>(w->jobs.size()), 108000.0, 5 * std::sqrt(108000.0));

  s.workload.max_jobs = 500;
  auto capped = build_workload(s);
  ASSERT_TRUE(capped);
  ASSERT_EQ(capped->jobs.size(), 500u);
  for (size_t i = 0; i < 500; ++i) ASSERT_TRUE(same_jobs(capped->jobs[i], w->jobs[i])) << i;
}

TEST(BuildWorkload, AcceleratorMaskBitsJurisdictionAndPriority) {
  Scenario s = base_scenario();
  JobClass c = research_class();
  c.accelerators = {"H100-SXM", "B200"};
  c.jurisdiction = "EU";
  c.priority = 3;
  c.kind = JobKind::inference;
  s.workload.classes.push_back(c);
  auto w = build_workload(s);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_FALSE(w->jobs.empty());
  EXPECT_EQ(w->jobs[0].accelerator_mask, (uint64_t{1} << 1) | (uint64_t{1} << 3));
  EXPECT_EQ(w->jurisdictions[w->jobs[0].jurisdiction], "EU");
  EXPECT_EQ(w->jurisdictions[0], "");
  EXPECT_EQ(w->jobs[0].priority, 3);
  EXPECT_EQ(w->jobs[0].kind, JobKind::inference);
}

TEST(BuildWorkload, UnknownAcceleratorIsAnErrorNamingTheKnownOnes) {
  Scenario s = base_scenario();
  JobClass c = research_class();
  c.accelerators = {"H100-SXM", "H300"};
  s.workload.classes.push_back(c);
  auto w = build_workload(s);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().file, "test.yaml");
  EXPECT_EQ(w.error().field, "workload.classes[0].accelerators[1]");
  EXPECT_NE(w.error().message.find("'H300'"), std::string::npos);
  EXPECT_NE(w.error().message.find("A100-80GB, H100-SXM, H200, B200"), std::string::npos);

  s.workload.classes.clear();
  FixedJob f;
  f.name = "pretrain";
  f.duration_s = 3600;
  f.accelerators = {"TPUv9"};
  s.workload.fixed.push_back(f);
  auto fixed = build_workload(s);
  ASSERT_FALSE(fixed);
  EXPECT_EQ(fixed.error().field, "workload.fixed[0].accelerators[0]");
}

TEST(BuildWorkload, BadClassSpecsAreErrors) {
  Scenario s = base_scenario();
  JobClass c = research_class();
  c.gpus_weight = {0, 0, 0, 0, 0};
  s.workload.classes.push_back(c);
  auto w = build_workload(s);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().field, "workload.classes[0].gpus");
  s.workload.classes[0] = research_class();
  s.workload.classes[0].duration_median_s = 0;
  w = build_workload(s);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().field, "workload.classes[0].duration_median");
  s.workload.classes[0] = research_class();
  s.workload.classes[0].start_s = 50;
  s.workload.classes[0].end_s = 10;
  w = build_workload(s);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().field, "workload.classes[0].end");
  s.workload.classes[0] = research_class();
  s.workload.classes[0].arrivals_per_hour = 1e12;  // ~1e15 jobs
  w = build_workload(s);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().field, "workload.classes[0].arrivals_per_hour");
}

TEST(BuildWorkload, FixedJobsRepeatAndStopAtTheHorizon) {
  Scenario s = base_scenario();
  FixedJob f;
  f.name = "pretrain";
  f.tenant = "pretraining";
  f.priority = 2;
  f.submit_s = 10 * kSecondsPerHour;
  f.gpus = 16384;
  f.duration_s = 60 * kSecondsPerDay;
  f.accelerators = {"B200"};
  f.jurisdiction = "US";
  f.count = 5;
  f.every_s = 300 * kSecondsPerHour;  // 10, 310, 610, 910 h; 1210 h is past the horizon
  s.workload.fixed.push_back(f);
  auto w = build_workload(s);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 4u);
  EXPECT_EQ(w->jobs[3].submit_s, 910 * kSecondsPerHour);
  EXPECT_EQ(w->jobs[0].gpus, 16384u);
  EXPECT_EQ(w->jobs[0].accelerator_mask, uint64_t{1} << 3);
  EXPECT_EQ(w->jobs[0].kind, JobKind::training);
  EXPECT_EQ(w->tenants[w->jobs[0].tenant], "pretraining");
  EXPECT_EQ(w->jurisdictions[w->jobs[0].jurisdiction], "US");
}

TEST(BuildWorkload, TraceScalingOffsetTenantAndKind) {
  const std::string path = temp_file("scaled_philly.csv",
                                     "timestamp,duration,num_gpus,gpu_time,cluster\n"
                                     "2017-10-01 01:00:00,100.0,8,800.0,vcB\n"
                                     "2017-10-01 00:00:00,50.0,1,50.0,vcA\n"
                                     "2017-10-01 03:00:00,10.0,3,30.0,vcA\n");
  Scenario s = base_scenario();
  TraceSource t;
  t.format = "philly";
  t.path = path;
  s.workload.traces.push_back(t);
  auto plain = build_workload(s);
  ASSERT_TRUE(plain) << plain.error().to_string();
  ASSERT_EQ(plain->jobs.size(), 3u);
  EXPECT_EQ(plain->jobs[2].submit_s, 3 * 3600.0);
  EXPECT_EQ(plain->tenants[plain->jobs[1].tenant], "vcB");
  EXPECT_EQ(plain->jobs[1].kind, JobKind::research);

  s.workload.traces[0].time_scale = 0.5;
  s.workload.traces[0].size_scale = 2;
  s.workload.traces[0].duration_scale = 3;
  s.workload.traces[0].offset_s = 7200;
  s.workload.traces[0].tenant = "philly";
  s.workload.traces[0].kind = JobKind::training;
  auto scaled = build_workload(s);
  ASSERT_TRUE(scaled) << scaled.error().to_string();
  ASSERT_EQ(scaled->jobs.size(), 3u);
  EXPECT_EQ(scaled->jobs[0].submit_s, 7200.0);
  EXPECT_EQ(scaled->jobs[2].submit_s, 7200.0 + 1.5 * 3600);  // the span halves
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(scaled->jobs[i].gpus, 2 * plain->jobs[i].gpus);
    EXPECT_EQ(scaled->jobs[i].duration_s, 3 * plain->jobs[i].duration_s);
    EXPECT_EQ(scaled->tenants[scaled->jobs[i].tenant], "philly");
    EXPECT_EQ(scaled->jobs[i].kind, JobKind::training);
  }
  EXPECT_EQ(scaled->tenants.size(), 2u);  // "" and the override only

  s.workload.traces[0].size_scale = 0.3;  // 1 -> 1 (at least one), 8 -> 2, 3 -> 1
  auto shrunk = build_workload(s);
  ASSERT_TRUE(shrunk);
  EXPECT_EQ(shrunk->jobs[0].gpus, 1u);
  EXPECT_EQ(shrunk->jobs[1].gpus, 2u);
  EXPECT_EQ(shrunk->jobs[2].gpus, 1u);
}

TEST(BuildWorkload, WholePhillyTraceHalvedInTimeDoubledInSize) {
  if (!std::filesystem::exists(kPhilly)) GTEST_SKIP() << "shared data absent: " << kPhilly;
  Scenario s = base_scenario();
  s.horizon_s = 365 * kSecondsPerDay;
  TraceSource t;
  t.format = "philly";
  t.path = kPhilly;
  s.workload.traces.push_back(t);
  auto plain = build_workload(s);
  s.workload.traces[0].time_scale = 0.5;
  s.workload.traces[0].size_scale = 2;
  auto scaled = build_workload(s);
  ASSERT_TRUE(plain && scaled);
  ASSERT_EQ(plain->jobs.size(), 82247u);
  ASSERT_EQ(scaled->jobs.size(), 82247u);
  EXPECT_EQ(plain->jobs.back().submit_s, 9408690.0);
  EXPECT_EQ(scaled->jobs.back().submit_s, 9408690.0 / 2);
  int64_t gpus = 0, gpus_scaled = 0;
  for (size_t i = 0; i < plain->jobs.size(); ++i) {
    gpus += plain->jobs[i].gpus;
    gpus_scaled += scaled->jobs[i].gpus;
  }
  EXPECT_EQ(gpus_scaled, 2 * gpus);
  EXPECT_EQ(plain->tenants.size(), 16u);

  // A 30-day horizon keeps only the first 30 days of the replay.
  s.horizon_s = 30 * kSecondsPerDay;
  s.workload.traces[0].time_scale = 1;
  auto month = build_workload(s);
  ASSERT_TRUE(month);
  EXPECT_LT(month->jobs.size(), 82247u);
  EXPECT_LT(month->jobs.back().submit_s, s.horizon_s);
}

TEST(BuildWorkload, SiaTraceNamesLineUpWithGeneratedJobs) {
  const std::string path = temp_file("named_sia.csv",
                                     "name,time,application,num_replicas,batch_size\n"
                                     "late,7200,cifar10,8,2048\n"
                                     "early,60,bert,4,384\n");
  Scenario s = base_scenario();
  s.horizon_s = 4 * kSecondsPerHour;
  TraceSource t;
  t.format = "sia";
  t.path = path;
  s.workload.traces.push_back(t);
  JobClass c = research_class();
  c.arrivals_per_hour = 10;
  s.workload.classes.push_back(c);
  auto w = build_workload(s);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->names.size(), w->jobs.size());
  int named = 0;
  for (size_t i = 0; i < w->jobs.size(); ++i) {
    if (w->names[i].empty()) continue;
    ++named;
    // Rebased: "early" at 0, "late" 7140 s after it.
    EXPECT_EQ(w->jobs[i].submit_s, w->names[i] == "early" ? 0.0 : 7140.0) << w->names[i];
  }
  EXPECT_EQ(named, 2);
}

TEST(BuildWorkload, TraceErrorsNameFormatOrPath) {
  Scenario s = base_scenario();
  TraceSource t;
  t.format = "alibaba";
  t.path = "x.csv";
  s.workload.traces.push_back(t);
  auto bad_format = build_workload(s);
  ASSERT_FALSE(bad_format);
  EXPECT_EQ(bad_format.error().field, "workload.traces[0].format");
  s.workload.traces[0].format = "philly";
  s.workload.traces[0].path = "/nonexistent/philly.csv";
  auto missing = build_workload(s);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().file, "/nonexistent/philly.csv");
}

TEST(BuildWorkload, SkipBadRowsIsPassedToTheReaders) {
  const std::string path = temp_file("bad_rows.csv",
                                     "timestamp,duration,num_gpus,gpu_time,cluster\n"
                                     "2017-10-01 00:00:00,50.0,1,50.0,vcA\n"
                                     "2017-10-01 00:00:00,oops,1,50.0,vcA\n");
  Scenario s = base_scenario();
  TraceSource t;
  t.format = "philly";
  t.path = path;
  s.workload.traces.push_back(t);
  EXPECT_FALSE(build_workload(s));
  TraceReadOptions skip;
  skip.skip_bad_rows = true;
  auto w = build_workload(s, skip);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->jobs.size(), 1u);
  EXPECT_EQ(w->rows_skipped, 1);
  EXPECT_NE(w->first_skipped.find(":3:21: duration:"), std::string::npos) << w->first_skipped;
}

}  // namespace
}  // namespace gpufleet
