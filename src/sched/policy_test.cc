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

TEST(Sjf, ShortestWaitingJobStartsFirst) {
  const Scenario s = one_site_scenario(8, 1e5);
  const Workload w = make_workload({{0, 8, 100}, {1, 8, 50}, {2, 8, 10}});
  const auto sjf = run(s, w, "sjf");
  EXPECT_EQ(sjf.jobs[2].start_s, 100);
  EXPECT_EQ(sjf.jobs[1].start_s, 110);
  const auto fifo = run(s, w, "fifo");
  EXPECT_EQ(fifo.jobs[1].start_s, 100);
  EXPECT_EQ(fifo.jobs[2].start_s, 150);
}

TEST(Backfill, SmallJobPassesWithoutDelayingTheHead) {
  const Scenario s = one_site_scenario(16, 1e5);  // two nodes
  // Job 0 holds one node until 1000; head job 1 needs both (reservation at 1000); job 2
  // fits the free node and ends at 502, before the reservation.
  const Workload w = make_workload({{0, 8, 1000}, {1, 16, 100}, {2, 8, 500}});
  const auto easy = run(s, w, "fifo-backfill");
  EXPECT_EQ(easy.jobs[2].start_s, 2);
  EXPECT_EQ(easy.jobs[1].start_s, 1000);
  const auto fifo = run(s, w, "fifo");
  EXPECT_EQ(fifo.jobs[2].start_s, 1100);
  EXPECT_EQ(fifo.jobs[1].start_s, 1000);
}

TEST(Backfill, LongJobMustNotDelayTheHead) {
  const Scenario s = one_site_scenario(16, 1e5);
  // Job 2 would run past the reservation on a node the head needs: it waits.
  const Workload w = make_workload({{0, 8, 1000}, {1, 16, 100}, {2, 8, 2000}});
  const auto easy = run(s, w, "fifo-backfill");
  EXPECT_EQ(easy.jobs[1].start_s, 1000);
  EXPECT_EQ(easy.jobs[2].start_s, 1100);
}

TEST(Backfill, LongJobMayUseCapacityTheHeadWillNotNeed) {
  const Scenario s = one_site_scenario(24, 1e5);  // three nodes
  // Head job 1 needs two nodes at 1000, when three are free: one spare node. Job 2 takes it
  // though it runs long; job 3 finds no spare left and waits.
  const Workload w = make_workload({{0, 16, 1000}, {1, 16, 100}, {2, 8, 5000}, {3, 8, 5000}});
  const auto easy = run(s, w, "fifo-backfill");
  EXPECT_EQ(easy.jobs[2].start_s, 2);
  EXPECT_EQ(easy.jobs[1].start_s, 1000);
  EXPECT_EQ(easy.jobs[3].start_s, 1100);
}

// A job deeper than the depth still starts on idle GPUs: the sweep beyond the first `depth`
// reaches it. Here job 2 (too long to pass the head) is the one job looked at first; job 3
// behind it is found by the sweep at its arrival.
TEST(Backfill, JobsDeeperThanTheDepthAreReachedByTheSweep) {
  Scenario s = one_site_scenario(16, 1e5);
  s.policy.backfill_depth = 1;
  const Workload w = make_workload({{0, 8, 1000}, {1, 16, 100}, {2, 8, 2000}, {3, 8, 10}});
  const auto shallow = run(s, w, "fifo-backfill");
  EXPECT_EQ(shallow.jobs[3].start_s, 3);
  EXPECT_EQ(shallow.jobs[1].start_s, 1000);
  EXPECT_EQ(shallow.jobs[2].start_s, 1100);
}

// Many jobs that cannot start now ahead of one that can: with a depth of 2 the sweep goes on
// two jobs per dispatch, one sweep after each release. The head (two nodes) waits for job 0;
// jobs 2-11 need two nodes too; job 12 (one node, short) starts at once on the free node,
// where before it waited behind the ten for the head's turn (t = 1,000 + 100 x 11).
TEST(Backfill, AQueueOfBlockedJobsDoesNotLeaveFreeGpusIdle) {
  Scenario s = one_site_scenario(16, 1e6);
  s.policy.backfill_depth = 2;
  std::vector<testing::JobSpec> specs = {{0, 8, 1000}, {1, 16, 100}};
  for (int i = 2; i < 12; ++i) specs.push_back({static_cast<double>(i), 16, 100});
  specs.push_back({12, 8, 50});
  const auto easy = run(s, make_workload(specs), "fifo-backfill");
  EXPECT_EQ(easy.jobs[12].start_s, 12);
  EXPECT_EQ(easy.jobs[1].start_s, 1000);  // the head is not delayed
  for (int i = 2; i < 12; ++i) EXPECT_EQ(easy.jobs[i].start_s, 1000 + 100 * (i - 1)) << i;
}

// Site 0: on-demand at $10 and spot at $3; site 1: a contract and on-demand at $8. 8 GPUs each.
Scenario placement_scenario() {
  Scenario s = one_site_scenario(8, 1e5);
  s.sites.push_back(s.sites[0]);
  s.sites[1].name = "s1";
  s.contracts[0].site = 1;
  s.contracts[0].ramp = {{0, 8}};
  Market m0;
  m0.site = 0;
  m0.accelerator = 0;
  m0.on_demand_usd_per_gpu_hour = 10;
  m0.on_demand_gpus = 8;
  m0.spot_usd_per_gpu_hour = 3;
  m0.spot_gpus = 8;
  Market m1;
  m1.site = 1;
  m1.accelerator = 0;
  m1.on_demand_usd_per_gpu_hour = 8;
  m1.on_demand_gpus = 8;
  s.markets = {m0, m1};
  return s;
}

TEST(CostPlacement, ContractThenCheapestOnDemandThenSpot) {
  const Scenario s = placement_scenario();
  const Workload w = make_workload({{0, 8, 100}, {0, 8, 100}, {0, 8, 100}, {0, 8, 100}});
  const auto r = run(s, w, "fifo", "cost");
  EXPECT_EQ(r.jobs[0].site, 1);
  EXPECT_EQ(r.jobs[0].source, CapacitySource::contract);
  EXPECT_EQ(r.jobs[1].site, 1);
  EXPECT_EQ(r.jobs[1].source, CapacitySource::on_demand);
  EXPECT_EQ(r.jobs[2].site, 0);
  EXPECT_EQ(r.jobs[2].source, CapacitySource::on_demand);
  EXPECT_EQ(r.jobs[3].site, 0);
  EXPECT_EQ(r.jobs[3].source, CapacitySource::spot);
  EXPECT_DOUBLE_EQ(r.jobs[1].cost_usd, 8 * 100 / 3600.0 * 8);
}

TEST(CostPlacement, TiesGoToTheLowerSiteIndex) {
  Scenario s = one_site_scenario(8, 1e5);
  s.sites.push_back(s.sites[0]);
  s.sites[1].name = "s1";
  Contract c = s.contracts[0];
  c.name = "c1";
  c.site = 1;
  s.contracts.insert(s.contracts.begin(), c);  // listed first, but at site 1
  const auto r = run(s, make_workload({{0, 8, 100}}), "fifo", "cost");
  EXPECT_EQ(r.jobs[0].site, 0);
}

TEST(BestFitPlacement, PicksThePoolLeftFullest) {
  Scenario s = one_site_scenario(16, 1e5);
  s.sites.push_back(s.sites[0]);
  s.sites[1].name = "s1";
  Contract c = s.contracts[0];
  c.name = "c1";
  c.site = 1;
  c.ramp = {{0, 8}};
  s.contracts.push_back(c);
  const Workload w = make_workload({{0, 8, 100}});
  EXPECT_EQ(run(s, w, "fifo", "best-fit").jobs[0].site, 1);  // leaves 0 free there
  EXPECT_EQ(run(s, w, "fifo", "cost").jobs[0].site, 0);
}

}  // namespace
}  // namespace gpufleet
