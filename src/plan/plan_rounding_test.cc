// The first plans from rounding the LP: whole blocks, within each offer's ramp limit and each
// site's power, minimums kept.
#include <gtest/gtest.h>

#include "plan/plan_model_builder.h"
#include "plan/plan_rounding.h"
#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

// One site (0.42 MW at 700 W and PUE 1: 600 GPUs), one offer of blocks of 100 with a 1-year
// and a 2-year term and a ramp of 250 GPUs per quarter; 600 GPUs of demand.
struct Instance {
  PlanInputs in;
  plan::PlanModel m;
};

Instance instance(int64_t min_gpus = 0) {
  Instance i{base_inputs(4), {}};
  const int a = add_provider(i.in, "a");
  const int s = add_site(i.in, "a-us", a, "US", 0.42, 1.0);
  add_offer(i.in, "a-h100", s, {{1, 1.0}, {2, 0.9}}, 100, 250, min_gpus);
  set_training(i.in, {600, 600, 600, 600});  // (block counts are bounded by what demand could need)
  EXPECT_TRUE(prepare_plan_inputs(i.in));
  i.m = plan::build_plan_model(i.in);
  return i;
}

double& blocks(const Instance& i, std::vector<double>& x, int start, int term) {
  for (const auto& cv : i.m.contracts)
    if (cv.start == start && cv.term == term) return x[static_cast<size_t>(cv.column)];
  ADD_FAILURE() << "no contract column";
  return x[0];
}

TEST(PlanRounding, UpWithinTheRampThenThePower) {
  const Instance i = instance();
  std::vector<double> lp(i.m.lp.columns().size(), 0.0);
  blocks(i, lp, 0, 0) = 1.3;  // up: 2 + 2 = 4 blocks start in 2026Q1, over the ramp of 2.5
  blocks(i, lp, 0, 1) = 1.2;
  blocks(i, lp, 1, 1) = 2.1;  // up: 3 blocks in 2026Q2: with the 2 left of Q1, 500 GPUs
  auto x = plan::round_up_within_limits(i.in, i.m, lp);
  // Q1: the shorter term gives way first (1 block), leaving 2 + 1... within 2.5 blocks.
  EXPECT_EQ(blocks(i, x, 0, 0), 0);
  EXPECT_EQ(blocks(i, x, 0, 1), 2);
  // Q2: 2 (in force) + 3 blocks = 500 GPUs = 0.35 MW: within the 0.42 MW cap; a fourth would not be.
  EXPECT_EQ(blocks(i, x, 1, 1), 2);
}

TEST(PlanRounding, PowerLowersTheLatestStartFirst) {
  const Instance i = instance();
  std::vector<double> lp(i.m.lp.columns().size(), 0.0);
  blocks(i, lp, 0, 1) = 1.4;  // up: 2 blocks each quarter (the ramp allows 2.5) ...
  blocks(i, lp, 1, 1) = 1.5;
  blocks(i, lp, 2, 1) = 1.5;  // ... 600 GPUs in 2026Q3 = 0.42 MW: at the cap
  blocks(i, lp, 3, 0) = 0.3;  // up: 1 block; 700 GPUs in 2026Q4: over the cap
  auto x = plan::round_up_within_limits(i.in, i.m, lp);
  EXPECT_EQ(blocks(i, x, 0, 1), 2);
  EXPECT_EQ(blocks(i, x, 1, 1), 2);
  EXPECT_EQ(blocks(i, x, 2, 1), 2);
  EXPECT_EQ(blocks(i, x, 3, 0), 0);
}

TEST(PlanRounding, MinimumsAreKeptOrTheContractDropped) {
  const Instance i = instance(200);  // a contract taken is at least 2 blocks
  std::vector<double> lp(i.m.lp.columns().size(), 0.0);
  blocks(i, lp, 0, 1) = 0.4;
  blocks(i, lp, 1, 1) = 2.6;
  auto up = plan::round_up_within_limits(i.in, i.m, lp);
  EXPECT_EQ(blocks(i, up, 0, 1), 2);  // lifted to the minimum (and within the ramp)
  auto down = plan::round_down(i.in, i.m, lp);
  EXPECT_EQ(blocks(i, down, 0, 1), 0);  // below the minimum: dropped
  EXPECT_EQ(blocks(i, down, 1, 1), 2);
  for (const auto& cv : i.m.contracts)
    if (cv.taken >= 0) { EXPECT_EQ(down[static_cast<size_t>(cv.taken)], down[static_cast<size_t>(cv.column)] > 0 ? 1.0 : 0.0); }
}

}  // namespace
}  // namespace gpufleet
