// SRTF, 2D-LAS, priorities, tenant quotas and carbon-aware placement on small fixed traces,
// with every start and end computed by hand.
#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"
#include "util/rng.h"

namespace gpufleet {
namespace {

using testing::make_workload;
using testing::one_site_scenario;

SimResults run(const Scenario& s, const Workload& w, const std::string& queue, const std::string& placement = "") {
  return testing::simulate_with(s, w, queue, placement);
}

// One node of 8 GPUs. A (0 s, 1,000 s), B (100 s, 200 s), C (150 s, 50 s), all 8 GPUs.
// SRTF: B preempts A at 100 (900 s left > 200), C preempts B at 150 (150 left > 50); C runs
// 150-200, B 200-350, A 350-1,250. JCTs 1,250 / 250 / 50. FIFO: 1,000 / 1,100 / 1,100.
TEST(Srtf, PreemptsLongerJobsAndBeatsFifo) {
  const Scenario s = one_site_scenario(8, 1e5);
  const Workload w = make_workload({{0, 8, 1000}, {100, 8, 200}, {150, 8, 50}});
  const auto r = run(s, w, "srtf");
  EXPECT_EQ(r.jobs[0].start_s, 0);
  EXPECT_DOUBLE_EQ(r.jobs[0].end_s, 1250);
  EXPECT_EQ(r.jobs[1].start_s, 100);
  EXPECT_DOUBLE_EQ(r.jobs[1].end_s, 350);
  EXPECT_EQ(r.jobs[2].start_s, 150);
  EXPECT_DOUBLE_EQ(r.jobs[2].end_s, 200);
  EXPECT_EQ(r.summary.preemptions, 2);
  EXPECT_EQ(r.summary.gpu_seconds_lost, 0);  // preempted at a checkpoint
  EXPECT_DOUBLE_EQ(r.summary.mean_jct_s, (1250.0 + 250 + 50) / 3);
  const auto fifo = run(s, w, "fifo");
  EXPECT_DOUBLE_EQ(fifo.summary.mean_jct_s, (1000.0 + 1100 + 1100) / 3);
}

// A known mix: 300 jobs of 1-8 GPUs, lognormal durations, on 32 GPUs under load. SRTF's mean
// JCT is lower than FIFO's.
TEST(Srtf, BeatsFifoOnMeanJctForAHeavyTailedMix) {
  const Scenario s = one_site_scenario(32, 1e7);
  Rng rng(7);
  std::vector<testing::JobSpec> specs;
  double t = 0;
  for (int i = 0; i < 300; ++i) {
    t += rng.exponential(1.0 / 120);
    const uint32_t sizes[] = {1, 2, 4, 8};
    specs.push_back({t, sizes[rng.below(4)], std::min(rng.lognormal(600, 1.5), 2e5)});
  }
  const Workload w = make_workload(specs);
  const auto srtf = run(s, w, "srtf");
  const auto fifo = run(s, w, "fifo");
  EXPECT_EQ(srtf.summary.completed, 300);
  EXPECT_LT(srtf.summary.mean_jct_s, 0.8 * fifo.summary.mean_jct_s)
      << "srtf " << srtf.summary.mean_jct_s << " fifo " << fifo.summary.mean_jct_s;
}

// One node of 8 GPUs, LAS with one threshold of 800 GPU-seconds (100 s on 8 GPUs).
// A (0 s, 1,000 s) runs in queue 0; B (50 s, 300 s) waits in queue 0 behind it (same queue:
// FIFO, no preemption). At 100 s A has attained 800 GPU-s and drops to queue 1: B preempts it
// and runs 100-400 (demoted itself at 200, but A waits in the same queue 1: no preemption).
// A resumes at 400 with 900 s left: ends at 1,300.
TEST(Las, DemotesByAttainedServiceAndPreemptsTheLowerQueue) {
  Scenario s = one_site_scenario(8, 1e5);
  s.policy.las_thresholds_gpu_s = {800};
  const auto r = run(s, make_workload({{0, 8, 1000}, {50, 8, 300}}), "las");
  EXPECT_EQ(r.jobs[0].start_s, 0);
  EXPECT_DOUBLE_EQ(r.jobs[0].end_s, 1300);
  EXPECT_EQ(r.jobs[1].start_s, 100);
  EXPECT_DOUBLE_EQ(r.jobs[1].end_s, 400);
  EXPECT_EQ(r.summary.preemptions, 1);
  EXPECT_EQ(r.jobs[0].restarts, 1u);
}

// A threshold that the clock cannot hit exactly: a 12-GPU job from t = 4,401,534 s reaches
// 3,250 GPU-s after 270.83... s; its computed attained service fell a few 1e-9 GPU-s short,
// the timer was re-armed 3e-10 s later, which is the same instant, and it fired forever.
TEST(Las, ADemotionThresholdTheClockCannotHitExactlyEnds) {
  Scenario s = one_site_scenario(16, 1e7, 16);
  s.policy.las_thresholds_gpu_s = {3250};
  const auto r = run(s, make_workload({{4401534, 12, 1000}}), "las");
  ASSERT_EQ(r.jobs.size(), 1u);
  EXPECT_DOUBLE_EQ(r.jobs[0].start_s, 4401534);
  EXPECT_DOUBLE_EQ(r.jobs[0].end_s, 4401534 + 1000);
  EXPECT_LT(r.summary.events, 100);
}

// Attained service is two-dimensional: a 1-GPU job reaches 800 GPU-s only after 800 s. On one
// node of 8 GPUs: A (0 s, 8 GPUs, 1,000 s) is demoted at 100 s; D (0 s, ... ) — here a 4-GPU
// job D arriving at 150 s (queue 0) needs A's GPUs: A (queue 1) is preempted; D runs 150-350.
// A resumes at 350 with 850 s left and ends at 1,200.
TEST(Las, GpuCountTimesTimeDecidesTheQueue) {
  Scenario s = one_site_scenario(8, 1e5);
  s.policy.las_thresholds_gpu_s = {800};
  const auto r = run(s, make_workload({{0, 8, 1000}, {150, 4, 200}}), "las");
  EXPECT_EQ(r.jobs[1].start_s, 150);
  EXPECT_DOUBLE_EQ(r.jobs[1].end_s, 350);
  EXPECT_DOUBLE_EQ(r.jobs[0].end_s, 1200);
}

// Priority classes come first: an inference job (priority 2) preempts research (priority 0)
// at once, whatever their attained service.
TEST(Las, HigherPriorityClassPreemptsLower) {
  Scenario s = one_site_scenario(8, 1e5);
  s.policy.las_thresholds_gpu_s = {800};
  Workload w = make_workload({{0, 8, 1000}, {10, 8, 100}});
  w.jobs[1].priority = 2;
  const auto r = run(s, w, "las");
  EXPECT_EQ(r.jobs[1].start_s, 10);
  EXPECT_DOUBLE_EQ(r.jobs[1].end_s, 110);
  EXPECT_DOUBLE_EQ(r.jobs[0].end_s, 1100);  // 10 s done, 990 s from 110
  const auto srtf = run(s, w, "srtf");
  EXPECT_DOUBLE_EQ(srtf.jobs[1].end_s, 110);
  EXPECT_DOUBLE_EQ(srtf.jobs[0].end_s, 1100);
}

// Two tenants with 8 guaranteed GPUs each on 16 GPUs. Tenant b runs two 8-GPU jobs at 0: the
// second borrows a's idle share. At 100 s a needs its 8 GPUs: b's borrowed job is preempted
// (lossless) and waits; it borrows again when a's job ends at 600 s, with 900 s left.
TEST(Quotas, GuaranteeHonouredAndBorrowingReclaimed) {
  Scenario s = one_site_scenario(16, 1e5);
  s.policy.quotas = {{"a", 8, true}, {"b", 8, true}};
  Workload w = make_workload({{0, 8, 1000}, {0, 8, 1000}, {100, 8, 500}});
  w.tenants = {"", "a", "b"};
  w.jobs[0].tenant = 2;
  w.jobs[1].tenant = 2;
  w.jobs[2].tenant = 1;
  const auto r = run(s, w, "fifo");
  EXPECT_EQ(r.jobs[0].start_s, 0);
  EXPECT_EQ(r.jobs[1].start_s, 0);
  EXPECT_EQ(r.jobs[2].start_s, 100);  // its guarantee, reclaimed from b
  EXPECT_DOUBLE_EQ(r.jobs[2].end_s, 600);
  EXPECT_EQ(r.jobs[1].restarts, 1u);
  EXPECT_DOUBLE_EQ(r.jobs[1].end_s, 600 + 900);  // borrows again when a's job ends at 600
  EXPECT_EQ(r.summary.preemptions, 1);

  // Without borrowing, b's second job waits for b's own share although a's is idle.
  s.policy.quotas = {{"a", 8, true}, {"b", 8, false}};
  const auto no_borrow = run(s, w, "fifo");
  EXPECT_EQ(no_borrow.jobs[1].start_s, 1000);
  EXPECT_EQ(no_borrow.jobs[2].start_s, 100);
  EXPECT_EQ(no_borrow.summary.preemptions, 0);
}

// Two sites with hourly grid intensity that alternates: s0 100 / 500 g/kWh, s1 300 / 50 g/kWh
// in even / odd hours. Carbon placement runs a job in the cleaner site of its hour; cost
// placement always takes s0 (lower site index). A flexible job (slack 2 h) submitted at 0
// waits for the cleaner hour 1 and runs in s1.
TEST(CarbonPlacement, ChoosesTheCleanerHourAndSite) {
  Scenario s = one_site_scenario(8, 1e5);
  s.accelerators[0].idle_power_share = 0;  // only the jobs draw power: their placements compare alone
  s.sites.push_back(s.sites[0]);
  s.sites[1].name = "s1";
  Contract c = s.contracts[0];
  c.name = "c1";
  c.site = 1;
  s.contracts.push_back(c);
  s.sites[0].carbon_hourly.values = {100, 500};
  s.sites[1].carbon_hourly.values = {300, 50};
  const Workload w = make_workload({{0, 8, 100}, {3600, 8, 100}});
  const auto carbon = run(s, w, "fifo", "carbon");
  EXPECT_EQ(carbon.jobs[0].site, 0);
  EXPECT_EQ(carbon.jobs[1].site, 1);
  const auto cost = run(s, w, "fifo", "cost");
  EXPECT_EQ(cost.jobs[1].site, 0);
  // 8 GPUs x 1,000 W x 100 s = 0.2222 kWh per job.
  const double kwh = 8 * 1000.0 * 100 / 3.6e6;
  EXPECT_NEAR(carbon.summary.carbon_t, kwh * (100 + 50) / 1e6, 1e-12);
  EXPECT_NEAR(carbon.summary.cost_placement_carbon_t, kwh * (100 + 500) / 1e6, 1e-12);
  EXPECT_NEAR(carbon.summary.cost_placement_cost_usd, cost.summary.cost_usd, 1e-9);

  Workload flexible = make_workload({{0, 8, 100}});
  flexible.profiles = {JobProfile{}, JobProfile{0, 0, 7200}};
  flexible.jobs[0].profile = 1;
  const auto late = run(s, flexible, "fifo", "carbon");
  EXPECT_EQ(late.jobs[0].start_s, 3600);
  EXPECT_EQ(late.jobs[0].site, 1);
  EXPECT_NEAR(late.summary.carbon_t, kwh * 50 / 1e6, 1e-12);
  EXPECT_EQ(run(s, flexible, "fifo", "cost").jobs[0].start_s, 0);  // only carbon delays
}

}  // namespace
}  // namespace gpufleet
