// --time-limit bounds the whole run_plan call (within 10% or 1 s), whatever pass it falls in;
// a model too large is said before it is built.
#include <chrono>

#include <gtest/gtest.h>

#include "gpufleet/plan.h"
#include "plan/plan_test_util.h"

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


TEST(PlanSize, ATooLargeModelIsSaidBeforeItIsBuilt) {
  // 1,000 sites with N-1 on each over 120 months: about 1e9 non-zeros in the N-1 rows.
  PlanInputs in = plan_test::base_inputs(120);
  in.period_months = 1;
  const int a = plan_test::add_provider(in, "a");
  for (int s = 0; s < 1000; ++s) {
    const int site = plan_test::add_site(in, "s" + std::to_string(s), a, "US");
    plan_test::add_offer(in, "o" + std::to_string(s), site, {{1, 1.0}}, 100);
  }
  in.n1_sites = true;
  in.end = {};
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_plan(in, plan_test::exact_options());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().to_string().find("the model would have about"), std::string::npos) << r.error().to_string();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
}

}  // namespace
}  // namespace gpufleet
