// Every queue policy and placement (and free preemption), with a capacity ramp that shrinks and grows, node
// failures, checkpoints and random outages: the accounting adds up.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"
#include "util/rng.h"

namespace gpufleet {
namespace {

TEST(Conservation, EveryPolicyAccountsForEveryJobAndGpuSecond) {
  Scenario s = testing::one_site_scenario(64, 90 * kSecondsPerDay);
  s.contracts[0].ramp = {{0, 64}, {5 * kSecondsPerDay, 24}, {9 * kSecondsPerDay, 100}, {20 * kSecondsPerDay, 64}};
  s.faults = default_fault_model();
  s.faults.node_failures_per_gpu_hour = 5e-4;
  s.checkpoint = {600, 30, 120};
  OutageSpec o;
  o.target = 0;
  o.per_year = 40;
  o.mean_duration_s = 2 * 3600;
  s.faults.outages.push_back(o);
  Rng rng(11);
  std::vector<testing::JobSpec> specs;
  double t = 0;
  for (int i = 0; i < 800; ++i) {
    t += rng.exponential(1.0 / 900);
    specs.push_back({t, static_cast<uint32_t>(1u << rng.below(6)), rng.lognormal(2 * 3600, 1.2)});
  }
  const Workload w = testing::make_workload(specs);
  double work = 0;
  for (const Job& j : w.jobs) work += j.duration_s * j.gpus;

  for (const std::string queue : {"fifo", "sjf", "fifo-backfill", "srtf", "las"}) {
    for (const std::string placement : {"cost", "best-fit", "count"}) {
      for (const bool free : {false, true}) {
        if (free && queue != "srtf" && queue != "las") continue;
        SCOPED_TRACE(queue + "/" + placement + (free ? " free preemption" : ""));
        s.policy.free_preemption = free;
        SimOptions opt;
        opt.queue_policy = queue;
        opt.placement_policy = placement;
        auto r = simulate(s, w, opt);
        ASSERT_TRUE(r) << r.error().to_string();
        const SimSummary& sum = r->summary;
        // Every job is completed, cut while running, never started or unplaceable.
        int64_t completed = 0, cut = 0, never = 0;
        for (size_t i = 0; i < r->jobs.size(); ++i) {
          const JobResult& j = r->jobs[i];
          ASSERT_EQ(j.id, i);
          if (j.start_s < 0) {
            ++never;
            continue;
          }
          EXPECT_GE(j.start_s, j.submit_s);
          if (j.end_s >= 0) {
            ++completed;
            // At least its work at full speed, plus checkpoints; restarts only add.
            EXPECT_GE(j.end_s - j.start_s, w.jobs[i].duration_s * (1 - 1e-12));
          } else {
            ++cut;
          }
        }
        EXPECT_EQ(sum.jobs, static_cast<int64_t>(w.jobs.size()));
        EXPECT_EQ(sum.completed, completed);
        EXPECT_EQ(sum.never_started + sum.unplaceable, never);
        EXPECT_EQ(completed + cut + never, sum.jobs);
        EXPECT_GT(sum.interruptions, 0);
        // GPUs held never exceed GPUs in service, hour by hour.
        double capacity_s = 0;
        for (size_t h = 0; h < r->hours.size(); ++h) {
          EXPECT_LE(r->hours[h].busy_gpus, r->hours[h].capacity_gpus + 1e-6) << "hour " << h;
          capacity_s += r->hours[h].capacity_gpus * kSecondsPerHour;
        }
        EXPECT_LE(sum.gpu_seconds_allocated, capacity_s * (1 + 1e-9));
        EXPECT_LE(sum.gpu_seconds_busy, sum.gpu_seconds_allocated * (1 + 1e-12));
        // Every job completes well before the horizon, and work is conserved: busy = work +
        // lost + overhead.
        EXPECT_EQ(completed, sum.jobs);
        EXPECT_NEAR(sum.gpu_seconds_busy, work + sum.gpu_seconds_lost + sum.gpu_seconds_overhead,
                      1e-6 * sum.gpu_seconds_busy);
      }
    }
  }
}

}  // namespace
}  // namespace gpufleet
