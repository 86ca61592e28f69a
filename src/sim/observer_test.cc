#include "sim/observer.h"

#include <gtest/gtest.h>

#include "sched/policy_registry.h"
#include "sim/cost_observer.h"
#include "sim/job_observer.h"
#include "fleet/pool_builder.h"
#include "sim/sim_test_fixtures.h"
#include "sim/simulator.h"
#include "sim/timeseries_observer.h"

namespace gpufleet::sim {
namespace {

// Counts the hooks it is told about; overrides only on_job_start.
struct StartCounter final : Observer {
  void on_job_start(double, const Job&, const Allocation&) override { ++starts; }
  int starts = 0;
};

// Counts the hooks it overrides; not final, so a subclass could override more.
struct AllCounter : Observer {
  void on_pool_interval(uint32_t, const Pool&, double, double) override { ++intervals; }
  void on_job_submit(double, const Job&) override { ++submits; }
  void on_job_start(double, const Job&, const Allocation&) override { ++starts; }
  void on_job_stop(double, const Job&, const Allocation&, const StopInfo&) override { ++stops; }
  int intervals = 0, submits = 0, starts = 0, stops = 0;
};

static_assert(ObserverHooks<StartCounter>::job_start && !ObserverHooks<StartCounter>::job_stop &&
              !ObserverHooks<StartCounter>::pool_interval && !ObserverHooks<StartCounter>::job_submit);
static_assert(ObserverHooks<CostObserver>::pool_interval && !ObserverHooks<CostObserver>::job_start);
static_assert(ObserverHooks<JobObserver>::job_stop && ObserverHooks<JobObserver>::job_unplaceable &&
              !ObserverHooks<JobObserver>::pool_interval);
static_assert(ObserverHooks<TimeseriesObserver>::job_submit && ObserverHooks<TimeseriesObserver>::pool_interval);
// Through the base type, or a type that is not final, nothing is known: every hook.
static_assert(ObserverHooks<AllCounter>::outage && ObserverHooks<AllCounter>::job_unplaceable);
static_assert(ObserverHooks<Observer>::pool_interval && ObserverHooks<Observer>::job_submit &&
              ObserverHooks<Observer>::outage);

TEST(Observer, EachIsToldTheHooksItTakes) {
  const Scenario s = testing::one_site_scenario(16, 10 * 3600.0);
  const Workload w = testing::make_workload({{0, 8, 3600}, {10, 8, 3600}, {20, 16, 600}});
  auto queue = sched::make_queue_policy("fifo", s.policy);
  auto placement = sched::make_placement_policy("cost", s);
  ASSERT_TRUE(queue && placement);
  Simulator sim(s, w, s.horizon_s, build_pools(s, w), std::move(*queue), std::move(*placement));
  StartCounter starts;
  AllCounter all;
  AllCounter as_base;
  sim.add_observer(starts);
  sim.add_observer(all);
  sim.add_observer(static_cast<Observer&>(as_base));
  sim.run({});
  EXPECT_EQ(starts.starts, 3);
  for (const AllCounter* c : {&all, &as_base}) {
    EXPECT_EQ(c->submits, 3);
    EXPECT_EQ(c->starts, 3);
    EXPECT_EQ(c->stops, 3);
    // The pool's levels change at 0 and 10 (starts), 3600 (an end), 3610 (an end and the
    // 16-GPU job's start) and 4210 (its end); the last stretch is told at the horizon:
    // [0, 10), [10, 3600), [3600, 3610), [3610, 4210), [4210, 36000).
    EXPECT_EQ(c->intervals, 5);
  }
}

}  // namespace
}  // namespace gpufleet::sim
