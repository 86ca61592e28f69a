// Every family of marginal values against finite differences: the same instance solved again
// with the unit added (and removed) must cost what the value says. Structural limits are
// valued on the LP relaxation, so they are compared with --relax solves; demand and supply on
// the LP with blocks fixed, so their instances have no offers (nothing to fix) and the two
// LPs are the same.
#include <cmath>

#include <gtest/gtest.h>

#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

double relaxed_cost(const PlanInputs& in) {
  PlanOptions o = exact_options();
  o.relax = true;
  auto r = run_plan(in, o);
  EXPECT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, PlanStatus::optimal);
  return r->objective_usd;
}

const MarginalValue* find(const PlanResult& r, const std::string& kind, const std::string& what) {
  for (const auto& m : r.marginals)
    if (m.kind == kind && m.what == what && m.period == "all") return &m;
  return nullptr;
}

PlanResult solved(const PlanInputs& in, bool relax = false) {
  PlanOptions o = exact_options();
  o.relax = relax;
  auto r = run_plan(in, o);
  EXPECT_TRUE(r) << r.error().to_string();
  return r ? *r : PlanResult{};
}

// Inference of 1,000 reference GPUs in the US, all critical, on on-demand at a ($1) or b ($2);
// N-1 on providers at 50%: losing a must leave 500 at b.
PlanInputs n1_instance(double gpus) {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "a"), b = add_provider(in, "b");
  const int sa = add_site(in, "a-us", a, "US"), sb = add_site(in, "b-us", b, "US");
  add_market(in, sa, 1.0, 100000);
  add_market(in, sb, 2.0, 100000);
  in.inference.push_back({"US", std::vector<double>(4, gpus), 1.0});
  in.n1_providers = true;
  in.n1_share = 0.5;
  return in;
}

TEST(PlanMarginals, DemandIncludesWhatItAddsToTheN1Requirement) {
  const PlanResult r = solved(n1_instance(1000));
  const MarginalValue* m = find(r, "demand_ref_gpu", "US inference");
  ASSERT_NE(m, nullptr);
  // The plan serves half at each provider (each then covers the other's loss); one more GPU
  // is half a GPU more at each: $1.50 per hour. The demand row's dual alone prices one side
  // of that ($1 or $2), not the unit of demand with the N-1 requirement it brings.
  EXPECT_NEAR(m->usd, 1.5 * kYearHours, 1e-3);
  EXPECT_NEAR(m->usd, relaxed_cost(n1_instance(1001)) - r.objective_usd, 1e-3);
  EXPECT_NEAR(m->usd_less, r.objective_usd - relaxed_cost(n1_instance(999)), 1e-3);
  EXPECT_TRUE(m->exact);
}

TEST(PlanMarginals, BothSidesAtADegeneratePlan) {
  // A contract holds exactly the demand: one GPU more is bought on demand at $3, one less
  // saves nothing (the contract is paid either way).
  auto instance = [](double gpus) {
    PlanInputs in = base_inputs(4);
    const int a = add_provider(in, "a");
    const int s = add_site(in, "a-us", a, "US");
    add_contract(in, s, 1000, 1.0);
    add_market(in, s, 3.0, 10000);
    set_training(in, std::vector<double>(4, gpus));
    return in;
  };
  const PlanResult r = solved(instance(1000));
  const MarginalValue* m = find(r, "demand_ref_gpu", "training");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->exact);
  EXPECT_NEAR(m->usd, 3.0 * kYearHours, 1e-3);
  EXPECT_NEAR(m->usd, relaxed_cost(instance(1001)) - r.objective_usd, 1e-3);
  EXPECT_NEAR(m->usd_less, 0.0, 1e-3);
  EXPECT_NEAR(m->usd_less, r.objective_usd - relaxed_cost(instance(999)), 1e-3);
}

TEST(PlanMarginals, SupplyMatchesAResolveWithOneMoreGpuAvailable) {
  // On-demand at a is limited to 800; the rest of 1,000 comes from b at $2.
  auto instance = [](int64_t available) {
    PlanInputs in = base_inputs(4);
    const int a = add_provider(in, "a"), b = add_provider(in, "b");
    const int sa = add_site(in, "a-us", a, "US"), sb = add_site(in, "b-us", b, "US");
    add_market(in, sa, 1.0, available);
    add_market(in, sb, 2.0, 100000);
    set_training(in, std::vector<double>(4, 1000));
    return in;
  };
  const PlanResult r = solved(instance(800));
  const MarginalValue* m = find(r, "supply_gpu", "a-us H100-SXM on-demand");
  ASSERT_NE(m, nullptr);
  EXPECT_NEAR(m->usd, r.objective_usd - relaxed_cost(instance(801)), 1e-3);
  EXPECT_NEAR(m->usd, 1.0 * kYearHours, 1e-3);
  EXPECT_NEAR(m->usd_less, relaxed_cost(instance(799)) - r.objective_usd, 1e-3);
}

// Two offers at two providers' US sites: cheap at $1, dear at $2, blocks of 100.
PlanInputs two_offers() {
  PlanInputs in = base_inputs(4);
  const int a = add_provider(in, "cheap"), b = add_provider(in, "dear");
  const int sa = add_site(in, "cheap-us", a, "US"), sb = add_site(in, "dear-us", b, "US");
  add_offer(in, "cheap-h100", sa, {{1, 1.0}}, 100);
  add_offer(in, "dear-h100", sb, {{1, 2.0}}, 100);
  set_training(in, {1000, 1000, 1000, 1000});
  return in;
}

TEST(PlanMarginals, StructuralLimitsMatchResolvesOfTheRelaxation) {
  struct Case {
    std::string kind, what;
    void (*set)(PlanInputs&, double unit);  // unit = 0: as given; +1 / -1: one unit more / less
    double per_unit;                        // $ per unit of the change made by set()
  };
  const std::vector<Case> cases = {
      {"power_mw", "cheap-us", [](PlanInputs& in, double d) { in.scenario.sites[0].power_cap_mw = 0.42 + d; }, 1},
      {"ramp_gpu", "cheap-h100", [](PlanInputs& in, double d) { in.offers[0].ramp_gpus_per_period = 700 + static_cast<int64_t>(d); }, 1},
      {"share_point", "cheap", [](PlanInputs& in, double d) { in.max_provider_share = 0.6 + 0.01 * d; }, 1},
      {"budget_usd", "plan year 1",
       [](PlanInputs& in, double d) {
         // A 2-year term at $0.70 costs more over its term than a year at $1 but less inside
         // the year: a budget of $8M (the year at $1 would spend $8.76M) buys some of it,
         // each dollar of budget saving $0.40 / $0.30.
         in.offers[0].terms = {{1, 1.0}, {2, 0.7}};
         in.budget_usd_per_year = {8e6 + 1e6 * d};
       },
       1e6},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.kind);
    PlanInputs base = two_offers(), more = two_offers(), less = two_offers();
    c.set(base, 0);
    c.set(more, 1);
    c.set(less, -1);
    const PlanResult r = solved(base);
    ASSERT_EQ(r.status, PlanStatus::optimal);
    const MarginalValue* m = find(r, c.kind, c.what);
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(m->exact);
    const double f0 = relaxed_cost(base);
    EXPECT_NEAR(m->usd, (f0 - relaxed_cost(more)) / c.per_unit, 1e-6 * std::max(1.0, std::abs(m->usd)));
    EXPECT_GT(m->usd, 0);
    if (m->less_feasible) { EXPECT_NEAR(m->usd_less, (relaxed_cost(less) - f0) / c.per_unit, 1e-6 * std::max(1.0, std::abs(m->usd_less))); }
  }
}

}  // namespace
}  // namespace gpufleet
