// The Tiresias simulator's per-job JCTs reproduced exactly: an 80-job trace of our own (integer
// submit times and durations, 1-16 GPUs, 32 GPUs of capacity, contended) run through the
// Tiresias simulator (SymbioticLab/Tiresias simulator/run_sim.py --scheme=count, its fifo,
// shortest and dlas-gpu, under Debian's python3; docs/tiresias-semantics.md) gave the JCTs
// below, in seconds; gpufleet gives the same under --placement count, --preemption free and
// --las-demotion tiresias. Only the numbers are kept here, not the simulator.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"

namespace gpufleet {
namespace {

// (submit s, GPUs, duration s), in submit order.
const std::vector<testing::JobSpec> kTrace = {
    {806, 1, 1162}, {1392, 2, 18687}, {3456, 2, 231}, {3561, 4, 563},
    {4029, 4, 2587}, {4650, 8, 730}, {5090, 8, 136}, {5197, 16, 295},
    {5340, 1, 748}, {5344, 1, 1344}, {5712, 6, 4663}, {5730, 6, 6051},
    {5853, 8, 306}, {6019, 1, 475}, {6437, 4, 687}, {6926, 1, 616},
    {7196, 4, 205}, {7827, 6, 985}, {7897, 8, 3429}, {8062, 8, 1473},
    {8422, 16, 740}, {8694, 16, 222}, {8944, 4, 947}, {9600, 2, 1504},
    {10013, 4, 640}, {10188, 1, 371}, {10360, 4, 608}, {10582, 6, 10002},
    {10751, 1, 192}, {11218, 4, 290}, {11539, 8, 2032}, {11570, 16, 127},
    {12007, 12, 257}, {12237, 4, 758}, {12432, 8, 3678}, {12857, 12, 2815},
    {13338, 16, 2029}, {13414, 1, 2711}, {13463, 8, 2224}, {13712, 2, 1984},
    {14223, 8, 2179}, {14285, 1, 8857}, {14395, 2, 265}, {14506, 16, 432},
    {15888, 8, 1015}, {15905, 2, 233}, {16455, 1, 921}, {16977, 16, 3164},
    {17370, 4, 2655}, {17401, 12, 6910}, {17557, 6, 1536}, {17614, 2, 222},
    {17736, 1, 4334}, {17829, 8, 468}, {17915, 6, 1959}, {18120, 2, 121},
    {18186, 1, 1016}, {18216, 2, 3231}, {18350, 16, 501}, {18598, 12, 1776},
    {18996, 8, 2706}, {19111, 4, 497}, {19135, 1, 907}, {19454, 16, 1609},
    {19736, 6, 642}, {19901, 8, 4837}, {20012, 8, 1679}, {20651, 8, 2085},
    {21493, 4, 4677}, {21503, 1, 430}, {21623, 8, 322}, {22199, 4, 455},
    {22841, 4, 894}, {23043, 2, 910}, {23651, 4, 101}, {23979, 8, 3155},
    {24031, 4, 1184}, {24205, 8, 155}, {24242, 16, 86}, {24302, 1, 2498},
};

const std::vector<double> kFifoJct = {
    1162, 18687, 231, 563, 2587, 730, 136, 324, 748, 1344,
    4663, 6051, 306, 475, 687, 616, 205, 985, 3429, 2223,
    2693, 2643, 3329, 3230, 1964, 1520, 1585, 10757, 778, 780,
    2438, 1387, 1207, 1478, 4460, 3935, 5483, 6189, 7582, 7093,
    6777, 13393, 4691, 6926, 6172, 5667, 5805, 7619, 6717, 13596,
    8575, 7204, 11194, 7235, 9108, 7065, 7894, 10079, 9174, 10702,
    12640, 10686, 11072, 13152, 11903, 16572, 13306, 14040, 15790, 11533,
    12017, 11574, 11693, 11507, 10223, 13710, 11703, 10641, 12317, 14669,
};
const std::vector<double> kShortestJct = {
    1162, 23853, 231, 563, 2616, 730, 136, 295, 748, 1344,
    5493, 7308, 306, 475, 687, 616, 205, 985, 4287, 1577,
    858, 222, 947, 1504, 640, 371, 608, 26990, 192, 290,
    2336, 127, 257, 758, 8095, 5247, 2183, 3401, 2502, 2425,
    3477, 12068, 265, 432, 1015, 233, 921, 10162, 4025, 16648,
    1536, 222, 5191, 468, 1959, 121, 1016, 4216, 501, 2409,
    6734, 497, 907, 3484, 642, 12075, 2045, 3169, 7336, 430,
    322, 455, 894, 910, 101, 4837, 1184, 155, 86, 2498,
};
const std::vector<double> kDlasGpuJct = {
    1162, 19687, 231, 563, 2587, 759, 136, 295, 748, 1344,
    5117, 8757, 306, 475, 687, 616, 205, 985, 6564, 1882,
    7446, 222, 947, 1504, 640, 371, 608, 16517, 192, 290,
    4112, 127, 257, 758, 11120, 14374, 19962, 2711, 10578, 1984,
    10430, 8879, 265, 432, 1015, 233, 921, 18948, 4196, 15908,
    4557, 222, 4334, 468, 4713, 121, 1016, 3231, 2861, 9754,
    7297, 497, 907, 14946, 642, 10324, 8919, 9451, 4998, 430,
    322, 455, 894, 910, 101, 8042, 1184, 155, 204, 2498,
};

void expect_jcts(const std::string& queue, bool free, bool tiresias_demotion, const std::vector<double>& want) {
  Scenario s = testing::one_site_scenario(32, 1e7);
  s.policy.las_thresholds_gpu_s = {3250, 7200};  // dlas-gpu's queue limits, GPU-seconds
  s.policy.free_preemption = free;
  s.policy.las_demotion_at_dispatch = tiresias_demotion;
  SimOptions o;
  o.queue_policy = queue;
  o.placement_policy = "count";
  auto r = simulate(s, testing::make_workload(kTrace), o);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->jobs.size(), want.size());
  int same = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(r->jobs[i].end_s - r->jobs[i].submit_s, want[i]) << "job " << i;
    same += r->jobs[i].end_s - r->jobs[i].submit_s == want[i];
  }
  EXPECT_EQ(same, static_cast<int>(want.size()));
}

TEST(TiresiasReproduction, FifoWithCountPlacement) { expect_jcts("fifo", false, false, kFifoJct); }
TEST(TiresiasReproduction, ShortestIsSrtfWithFreePreemption) { expect_jcts("srtf", true, false, kShortestJct); }
TEST(TiresiasReproduction, DlasGpuIsLasWithFreePreemptionAndItsDemotionTiming) {
  expect_jcts("las", true, true, kDlasGpuJct);
}

}  // namespace
}  // namespace gpufleet
