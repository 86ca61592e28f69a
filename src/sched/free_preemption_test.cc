// Free preemption with re-packing (PolicySpec::free_preemption) under `count` placement, on
// small traces with every start and end computed by hand: no blocking behind a job that does
// not fit, preemption at no cost (no restart overhead), and the default unchanged.
#include <string>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"

namespace gpufleet {
namespace {

using testing::make_workload;
using testing::one_site_scenario;

SimResults run(const Scenario& s, const Workload& w, const std::string& queue) { return testing::simulate_with(s, w, queue, "count"); }

double jct(const SimResults& r, size_t i) { return r.jobs[i].end_s - r.jobs[i].submit_s; }

// 16 GPUs; a restart costs 60 s unless the preemption is free.
// A (0 s, 12 GPUs, 1,000 s), B (10 s, 8, 100 s), C (20 s, 4, 50 s), D (30 s, 4, 2,000 s).
// Free SRTF re-packs by remaining work at every arrival and end:
//   10: B (100) 8, A (990) 12 > 8 left: A preempted.   20: C (50) 4, B (90) 8, A no.
//   30: C, B, A (990) no, D (2,000) 4: D starts, skipping A.
//   70: C ends; B, A no, D.   110: B ends; A (990) 12, D 4: A 110-1,100 (no overhead).
// JCTs 1,100 / 100 / 50 / 2,000. Default SRTF: D waits behind A (blocked) until 110, and A's
// restart costs 60 s: A ends 1,160.
TEST(FreePreemption, SrtfRepacksSkipsJobsThatDoNotFitAndPreemptsForFree) {
  Scenario s = one_site_scenario(16, 1e5);
  s.checkpoint.restart_overhead_s = 60;
  const Workload w = make_workload({{0, 12, 1000}, {10, 8, 100}, {20, 4, 50}, {30, 4, 2000}});
  s.policy.free_preemption = true;
  const SimResults r = run(s, w, "srtf");
  EXPECT_DOUBLE_EQ(jct(r, 0), 1100);
  EXPECT_DOUBLE_EQ(jct(r, 1), 100);
  EXPECT_DOUBLE_EQ(jct(r, 2), 50);
  EXPECT_EQ(r.jobs[3].start_s, 30);
  EXPECT_DOUBLE_EQ(jct(r, 3), 2000);
  EXPECT_EQ(r.summary.preemptions, 1);
  EXPECT_EQ(r.jobs[0].restarts, 1u);
  EXPECT_EQ(r.summary.gpu_seconds_lost, 0);
  EXPECT_EQ(r.summary.gpu_seconds_overhead, 0);
  EXPECT_DOUBLE_EQ(r.summary.mean_jct_s, (1100.0 + 100 + 50 + 2000) / 4);

  s.policy.free_preemption = false;
  const SimResults d = run(s, w, "srtf");
  EXPECT_DOUBLE_EQ(d.jobs[0].end_s, 1160);
  EXPECT_EQ(d.jobs[3].start_s, 110);
  EXPECT_DOUBLE_EQ(d.jobs[3].end_s, 2110);
}

// 10 GPUs (a node of 8 and one of 2); one las threshold at 400 GPU-seconds (queues Q0, Q1).
// A (0 s, 8 GPUs, 200 s) is demoted to Q1 at 50 s. B (60 s, 4, 90 s), C (70 s, 4, 30 s),
// E (75 s, 8, 10 s), D (80 s, 2, 1,000 s). Free 2D-LAS, queue by queue, running before waiting:
//   60: B 4, A (Q1) 8 > 6 left: preempted.   70: B, C 4.   75: B, C, E 8 no, A no.
//   80: B, C, E no, D 2: D starts, skipping E.   100: C ends; B, D, E no, A no.
//   150: B ends; D, E 8: E 150-160, A no.   160: E ends; D, A 8: A 160-300 (140 s left, free).
//   280: D demoted to Q1, behind A.   300: A ends.   D ends at 1,080.
// JCTs A 300, B 90, C 30, E 85, D 1,000. Default las: D waits behind E, the head of Q0, which
// cannot start and preempts nothing, until E starts at 150; then D.
TEST(FreePreemption, LasRepacksQueueByQueueAndSkipsJobsThatDoNotFit) {
  Scenario s = one_site_scenario(10, 1e5);
  s.checkpoint.restart_overhead_s = 60;
  s.policy.las_thresholds_gpu_s = {400};
  const Workload w = make_workload({{0, 8, 200}, {60, 4, 90}, {70, 4, 30}, {75, 8, 10}, {80, 2, 1000}});
  s.policy.free_preemption = true;
  const SimResults r = run(s, w, "las");
  EXPECT_DOUBLE_EQ(jct(r, 0), 300);
  EXPECT_DOUBLE_EQ(jct(r, 1), 90);
  EXPECT_DOUBLE_EQ(jct(r, 2), 30);
  EXPECT_EQ(r.jobs[3].start_s, 150);
  EXPECT_DOUBLE_EQ(jct(r, 3), 85);
  EXPECT_EQ(r.jobs[4].start_s, 80);
  EXPECT_DOUBLE_EQ(jct(r, 4), 1000);
  EXPECT_EQ(r.summary.preemptions, 1);
  EXPECT_EQ(r.summary.gpu_seconds_overhead, 0);

  s.policy.free_preemption = false;
  const SimResults d = run(s, w, "las");
  EXPECT_GT(d.jobs[4].start_s, 80);
}

// Free preemption needs a policy with a priority over running jobs, and no quotas.
TEST(FreePreemption, OnlySrtfAndLasWithoutQuotas) {
  Scenario s = one_site_scenario(8, 1e5);
  s.policy.free_preemption = true;
  const Workload w = make_workload({{0, 8, 10}});
  SimOptions o;
  o.queue_policy = "fifo";
  auto r = simulate(s, w, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "policy.preemption");
  s.policy.quotas.push_back(TenantQuota{"", 4, true});
  o.queue_policy = "las";
  r = simulate(s, w, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "policy.preemption");
}

}  // namespace
}  // namespace gpufleet
