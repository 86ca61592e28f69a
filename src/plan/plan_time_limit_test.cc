// --time-limit bounds the whole run_plan call (within 10% or 1 s), whatever pass it falls in.
#include <chrono>

#include <gtest/gtest.h>

#include "gpufleet/plan.h"

namespace gpufleet {
namespace {

TEST(PlanTimeLimit, BoundsTheWholeRunOnTheBuiltInPlan) {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(in) << in.error().to_string();
  for (double limit : {0.05, 0.3, 0.8}) {
    PlanOptions o;
    o.time_limit_s = limit;
    o.relative_gap = 1e-9;  // never satisfied: every pass runs until the limit
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_plan(*in, o);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_LE(wall, limit + std::max(1.0, 0.1 * limit)) << "limit " << limit;
    EXPECT_NE(r->status, PlanStatus::infeasible) << "limit " << limit;
    if (r->status == PlanStatus::time_limit) {
      EXPECT_GT(r->best_bound_usd, 0);
      EXPECT_GE(r->objective_usd, r->best_bound_usd);
    }
  }
}

}  // namespace
}  // namespace gpufleet
