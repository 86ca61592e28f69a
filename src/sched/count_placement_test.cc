// `count` placement (fleet::GpuLayout::any_free) in the simulator, with every queue policy,
// on a small trace whose starts and ends are computed by hand.
#include <string>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"

namespace gpufleet {
namespace {

using testing::make_workload;
using testing::one_site_scenario;

SimResults run(const Scenario& s, const Workload& w, const std::string& queue, const std::string& placement = "") {
  return testing::simulate_with(s, w, queue, placement);
}

// Six nodes of 8 (48 GPUs). Five 5-GPU jobs at 0 s for 1,000 s take five nodes (3 GPUs left on
// each); a 16-GPU job for 500 s comes at 1 s, with 23 GPUs free but one whole node. Under
// `count` it starts at once, 1-501 s, on 16 of the 23; under `cost` (whole nodes) FIFO has it
// wait for two nodes, 1,000-1,500 s.
TEST(CountPlacement, SixteenGpusStartWhileTwentyThreeAreFreeButNotTwoWholeNodes) {
  const Scenario s = one_site_scenario(48, 1e5);
  const Workload w =
      make_workload({{0, 5, 1000}, {0, 5, 1000}, {0, 5, 1000}, {0, 5, 1000}, {0, 5, 1000}, {1, 16, 500}});
  for (const std::string queue : {"fifo", "sjf", "fifo-backfill", "srtf", "las"}) {
    SCOPED_TRACE(queue);
    const SimResults r = run(s, w, queue, "count");
    ASSERT_EQ(r.jobs.size(), 6u);
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(r.jobs[i].start_s, 0);
      EXPECT_DOUBLE_EQ(r.jobs[i].end_s, 1000);
    }
    EXPECT_EQ(r.jobs[5].start_s, 1);
    EXPECT_DOUBLE_EQ(r.jobs[5].end_s, 501);
    EXPECT_EQ(r.summary.preemptions, 0);
    // Exactly the GPUs asked for are held: 5 x 5 x 1,000 + 16 x 500 GPU-seconds.
    EXPECT_DOUBLE_EQ(r.summary.gpu_seconds_allocated, 25.0 * 1000 + 16.0 * 500);
    EXPECT_DOUBLE_EQ(r.summary.gpu_seconds_busy, 25.0 * 1000 + 16.0 * 500);
  }
  const SimResults whole = run(s, w, "fifo", "cost");
  EXPECT_EQ(whole.jobs[5].start_s, 1000);
  EXPECT_DOUBLE_EQ(whole.jobs[5].end_s, 1500);
}

// A 12-GPU job under `count` holds 12 GPUs (whole nodes would hold 16): its cost is 12 GPU-hours
// an hour at $1/GPU-hour, and two of them run at once on 24 GPUs of three nodes.
TEST(CountPlacement, HoldsExactlyTheGpusAskedFor) {
  const Scenario s = one_site_scenario(24, 1e5);
  const Workload w = make_workload({{0, 12, 3600}, {0, 12, 3600}});
  const SimResults count = run(s, w, "fifo", "count");
  EXPECT_EQ(count.jobs[1].start_s, 0);
  EXPECT_DOUBLE_EQ(count.summary.gpu_seconds_allocated, 2 * 12.0 * 3600);
  const SimResults whole = run(s, w, "fifo", "cost");
  EXPECT_EQ(whole.jobs[1].start_s, 3600);  // 16 GPUs each: one at a time
  EXPECT_DOUBLE_EQ(whole.summary.gpu_seconds_allocated, 2 * 16.0 * 3600);
}

}  // namespace
}  // namespace gpufleet
