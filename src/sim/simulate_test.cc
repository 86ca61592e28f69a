#include "gpufleet/simulate.h"

#include <gtest/gtest.h>

#include "sim/sim_test_fixtures.h"

namespace gpufleet {
namespace {

using testing::JobSpec;
using testing::make_workload;
using testing::one_site_scenario;

// Two providers: A's site sa (US, PUE 1.5, 100 g/kWh) holds a 16-GPU contract at $2/GPU-hour,
// take-or-pay share 0.5; B's site sb (EU) sells 8 on-demand GPUs at $10 and 8 spot at $4.
// Accelerator: 1000 W, 250 W when held idle, speed 1. Horizon 10 hours. Electricity unpriced.
Scenario hand_scenario() {
  Scenario s;
  s.name = "hand";
  s.source_file = "<test>";
  s.horizon_s = 36000;
  s.accelerators.push_back({"X", 1000, 80, 1000, 1.0});
  s.accelerators[0].idle_power_share = 0.25;
  s.providers.push_back({"A"});
  s.providers.push_back({"B"});
  Site sa;
  sa.name = "sa";
  sa.provider = 0;
  sa.jurisdiction = "US";
  sa.pue = 1.5;
  sa.carbon_g_per_kwh = 100;
  s.sites.push_back(sa);
  Site sb;
  sb.name = "sb";
  sb.provider = 1;
  sb.jurisdiction = "EU";
  s.sites.push_back(sb);
  Contract c;
  c.name = "c";
  c.provider = 0;
  c.site = 0;
  c.accelerator = 0;
  c.ramp.push_back({0, 16});
  c.usd_per_gpu_hour = 2;
  c.start_s = 0;
  c.end_s = 36000;
  c.take_or_pay_share = 0.5;
  s.contracts.push_back(c);
  Market m;
  m.site = 1;
  m.accelerator = 0;
  m.on_demand_usd_per_gpu_hour = 10;
  m.on_demand_gpus = 8;
  m.spot_usd_per_gpu_hour = 4;
  m.spot_gpus = 8;
  s.markets.push_back(m);
  return s;
}

TEST(Simulate, HandComputedCostsQueueTimesAndJcts) {
  const Scenario s = hand_scenario();
  const Workload w = make_workload({
      {0, 16, 7200},      // 0: the contract's two nodes, 0-2 h
      {0, 8, 3600},       // 1: on-demand, 0-1 h
      {0, 8, 3600},       // 2: spot, 0-1 h
      {0, 4, 3600},       // 3: waits; at 1 h on-demand (cheaper than spot), 1-2 h
      {0, 32, 3600},      // 4: larger than any pool: unplaceable
      {32400, 8, 7200},   // 5: contract at 9 h, cut at the 10 h horizon
  });
  auto r = simulate(s, w);
  ASSERT_TRUE(r) << r.error().to_string();
  const auto& j = r->jobs;
  ASSERT_EQ(j.size(), 6u);
  EXPECT_EQ(j[0].start_s, 0);
  EXPECT_EQ(j[0].end_s, 7200);
  EXPECT_EQ(j[0].site, 0);
  EXPECT_EQ(j[0].source, CapacitySource::contract);
  EXPECT_EQ(j[1].site, 1);
  EXPECT_EQ(j[1].source, CapacitySource::on_demand);
  EXPECT_EQ(j[2].source, CapacitySource::spot);
  EXPECT_EQ(j[3].start_s, 3600);
  EXPECT_EQ(j[3].end_s, 7200);
  EXPECT_EQ(j[3].source, CapacitySource::on_demand);
  EXPECT_EQ(j[4].start_s, -1);
  EXPECT_EQ(j[5].start_s, 32400);
  EXPECT_EQ(j[5].end_s, -1);
  EXPECT_DOUBLE_EQ(j[0].cost_usd, 64);   // 16 GPUs x 2 h x $2
  EXPECT_DOUBLE_EQ(j[1].cost_usd, 80);   // 8 x 1 h x $10
  EXPECT_DOUBLE_EQ(j[2].cost_usd, 32);   // 8 x 1 h x $4
  EXPECT_DOUBLE_EQ(j[3].cost_usd, 40);   // 4 x 1 h x $10
  EXPECT_DOUBLE_EQ(j[5].cost_usd, 16);   // 8 x 1 h (cut) x $2

  const SimSummary& m = r->summary;
  EXPECT_EQ(m.jobs, 6);
  EXPECT_EQ(m.completed, 4);
  EXPECT_EQ(m.unplaceable, 1);
  EXPECT_EQ(m.never_started, 0);
  EXPECT_DOUBLE_EQ(m.mean_jct_s, 5400);    // (7200 + 3600 + 3600 + 7200) / 4
  EXPECT_DOUBLE_EQ(m.mean_queue_s, 720);   // 3600 / 5 started
  EXPECT_DOUBLE_EQ(m.p50_jct_s, 3600);
  EXPECT_DOUBLE_EQ(m.p99_jct_s, 7200);
  EXPECT_DOUBLE_EQ(m.makespan_s, 7200);
  // Contract: $2 x 16 busy x 2 h, then $2 x max(0.5 x 16, used) = 8 GPUs x 8 h (job 5's 8
  // GPUs do not exceed the take-or-pay floor) = 64 + 128.
  EXPECT_DOUBLE_EQ(r->by_provider[0].contract_usd, 192);
  EXPECT_DOUBLE_EQ(r->by_provider[1].on_demand_usd, 120);
  EXPECT_DOUBLE_EQ(r->by_provider[1].spot_usd, 32);
  EXPECT_DOUBLE_EQ(r->by_provider[1].cost_usd, 152);
  EXPECT_DOUBLE_EQ(m.cost_usd, 344);
  EXPECT_DOUBLE_EQ(m.gpu_seconds_busy, 16 * 7200 + 20 * 3600 + 8 * 3600);
  // Contract busy (16 x 2 h + 8 x 1 h) over 16 GPUs x 10 h.
  EXPECT_DOUBLE_EQ(m.committed_utilisation, 0.25);
  // sa holds its 16 contract GPUs all 10 h: 40 GPU-hours busy at 1000 W and 120 idle at 250 W,
  // x PUE 1.5 = 105 kWh; x 100 g. sb's market GPUs are held only while busy: 20 GPU-hours.
  EXPECT_NEAR(r->by_site[0].energy_mwh, 0.105, 1e-12);
  EXPECT_NEAR(r->by_site[0].carbon_t, 0.0105, 1e-12);
  EXPECT_NEAR(r->by_site[1].energy_mwh, 0.02, 1e-12);
  EXPECT_NEAR(m.energy_mwh, 0.125, 1e-12);
  // Electricity is unpriced here: nothing billed for it.
  EXPECT_EQ(m.electricity_usd, 0);
  // Hourly rows.
  ASSERT_EQ(r->hours.size(), 10u);
  EXPECT_DOUBLE_EQ(r->hours[0].busy_gpus, 32);
  EXPECT_DOUBLE_EQ(r->hours[0].capacity_gpus, 32);
  EXPECT_EQ(r->hours[0].queued_jobs, 1);  // job 3, sampled at 1 h before it starts
  EXPECT_DOUBLE_EQ(r->hours[1].busy_gpus, 20);
  EXPECT_EQ(r->hours[1].queued_jobs, 0);
  EXPECT_DOUBLE_EQ(r->hours[0].spend_usd_by_provider[0], 32);
  EXPECT_DOUBLE_EQ(r->hours[0].spend_usd_by_provider[1], 112);
  EXPECT_DOUBLE_EQ(r->hours[1].spend_usd_by_provider[1], 40);
  EXPECT_DOUBLE_EQ(r->hours[2].spend_usd_by_provider[0], 16);
  EXPECT_DOUBLE_EQ(r->hours[2].spend_usd_by_provider[1], 0);
  EXPECT_DOUBLE_EQ(r->hours[9].busy_gpus, 8);
  EXPECT_GT(m.events, 0);
}

TEST(Simulate, ElectricityOfHeldGpusIsBilledInsideTheCost) {
  // The hand scenario with electricity at $100/MWh at sa and $50 at sb: sa's 105 kWh (busy and
  // idle contract GPUs) bill $10.50, sb's 20 kWh $1; the capacity bill is unchanged.
  Scenario s = hand_scenario();
  s.sites[0].electricity_usd_per_mwh = 100;
  s.sites[1].electricity_usd_per_mwh = 50;
  const Workload w = make_workload({{0, 16, 7200}, {0, 8, 3600}, {0, 8, 3600}, {0, 4, 3600}, {0, 32, 3600}, {32400, 8, 7200}});
  auto r = simulate(s, w);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_NEAR(r->by_site[0].electricity_usd, 10.5, 1e-9);
  EXPECT_NEAR(r->by_site[1].electricity_usd, 1.0, 1e-9);
  EXPECT_NEAR(r->by_provider[0].electricity_usd, 10.5, 1e-9);
  EXPECT_NEAR(r->by_provider[1].electricity_usd, 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(r->by_provider[0].contract_usd, 192);
  EXPECT_NEAR(r->by_provider[0].cost_usd, 202.5, 1e-9);
  EXPECT_NEAR(r->by_provider[1].cost_usd, 153, 1e-9);
  EXPECT_NEAR(r->summary.cost_usd, 355.5, 1e-9);
  EXPECT_NEAR(r->summary.electricity_usd, 11.5, 1e-9);
  // By the hour: hour 0 at sa, 16 busy GPUs x 1.5 kW = 24 kWh ($2.40) on the $32 contract;
  // hour 2, 16 idle GPUs x 0.375 kW = 6 kWh ($0.60); at sb, 16 busy GPUs in hour 0 ($0.80).
  EXPECT_NEAR(r->hours[0].electricity_usd_by_provider[0], 2.4, 1e-9);
  EXPECT_NEAR(r->hours[0].spend_usd_by_provider[0], 34.4, 1e-9);
  EXPECT_NEAR(r->hours[2].electricity_usd_by_provider[0], 0.6, 1e-9);
  EXPECT_NEAR(r->hours[0].spend_usd_by_provider[1], 112.8, 1e-9);
  EXPECT_DOUBLE_EQ(r->hours[0].spend_usd_by_provider_source[0], 32);
  // Not billed when the scenario says so; the energy is still measured.
  s.bill_energy = false;
  auto unbilled = simulate(s, w);
  ASSERT_TRUE(unbilled) << unbilled.error().to_string();
  EXPECT_DOUBLE_EQ(unbilled->summary.cost_usd, 344);
  EXPECT_EQ(unbilled->summary.electricity_usd, 0);
  EXPECT_NEAR(unbilled->summary.energy_mwh, 0.125, 1e-12);
}

TEST(Simulate, AGangJobsUnaskedGpusOnDemandDrawIdlePower) {
  // On demand, a 12-GPU gang job holds two 8-GPU nodes: 12 GPUs busy at 1000 W, 4 held idle at
  // 250 W, for 1 h: 13 kWh.
  Scenario s = hand_scenario();
  s.contracts.clear();
  const Workload w = make_workload({{0, 12, 3600}});
  s.markets[0].on_demand_gpus = 16;
  auto r = simulate(s, w);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->jobs[0].source, CapacitySource::on_demand);
  EXPECT_NEAR(r->by_site[1].energy_mwh, 0.013, 1e-12);
}

TEST(Simulate, HourlyCarbonIsIntegratedAcrossHourBoundaries) {
  Scenario s = one_site_scenario(8, 3 * 3600.0);
  s.accelerators[0].idle_power_share = 0.25;
  s.sites[0].carbon_hourly.values = {100, 200, 400};
  // One GPU from 0.5 h to 2.5 h: half an hour at 100, an hour at 200, half an hour at 400.
  const Workload w = make_workload({{1800, 1, 7200}});
  auto r = simulate(s, w);
  ASSERT_TRUE(r);
  // Busy: kWh per hour at 1000 W = 1; grams = 0.5 x 100 + 1 x 200 + 0.5 x 400 = 450. Idle: the
  // contract's other GPUs, and this one outside its run, at 250 W: 7.5, 7 and 7.5 GPU-hours
  // in the three hours, 0.25 x (7.5 x 100 + 7 x 200 + 7.5 x 400) = 1,287.5 g.
  EXPECT_NEAR(r->summary.carbon_t, (450 + 1287.5) * 1e-6, 1e-12);
}

TEST(Simulate, SpeedFactorShortensRunTime) {
  Scenario s = one_site_scenario(8, 1e6);
  s.accelerators[0].speed_factor = 2.0;
  auto r = simulate(s, make_workload({{0, 8, 3600}}));
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->jobs[0].end_s, 1800);
}

// The hourly work in reference GPUs adds up to the jobs' reference GPU-hours whatever the
// accelerator's speed: here twice the reference, so the busy GPU-hours are half the work.
TEST(Simulate, WorkInReferenceGpusAddsUpToTheJobsReferenceGpuHours) {
  Scenario s = one_site_scenario(16, 2 * kSecondsPerDay);
  s.accelerators[0].speed_factor = 2.0;
  auto r = simulate(s, make_workload({{0, 8, 5400}, {1000, 4, 7200}, {4000, 16, 3600}}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->summary.completed, 3);
  double work = 0, busy = 0;
  for (const HourRow& h : r->hours) work += h.work_ref_gpus, busy += h.busy_gpus;
  const double ref_gpu_hours = (8 * 5400 + 4 * 7200 + 16 * 3600) / 3600.0;
  EXPECT_NEAR(work, ref_gpu_hours, 1e-9 * ref_gpu_hours);
  EXPECT_NEAR(busy, ref_gpu_hours / 2, 1e-9 * ref_gpu_hours);
  // Hour 0: the 8-GPU job runs its 2,700 s, the 4-GPU job 2,600 s of it, both at twice the speed.
  EXPECT_NEAR(r->hours[0].work_ref_gpus, (8 * 2 * 2700 + 4 * 2 * 2600) / 3600.0, 1e-9);
}

TEST(Simulate, JurisdictionAndAcceleratorMaskRestrictPools) {
  Scenario s = one_site_scenario(8, 1e6);
  s.accelerators.push_back({"Y", 1000, 80, 1000, 1.0});
  Site eu = s.sites[0];
  eu.name = "s1";
  eu.jurisdiction = "EU";
  s.sites.push_back(eu);
  Contract c = s.contracts[0];
  c.name = "c1";
  c.site = 1;
  s.contracts.push_back(c);  // X in EU
  Contract c2 = s.contracts[0];
  c2.name = "c2";
  c2.accelerator = 1;
  s.contracts.push_back(c2);  // Y in US
  Workload w = make_workload({{0, 8, 100}, {0, 8, 100}, {0, 8, 100}});
  w.jurisdictions = {"", "EU"};
  w.jobs[0].jurisdiction = 1;           // EU only: site 1, though site 0 is first in cost order
  w.jobs[1].accelerator_mask = 1u << 1; // Y only: contract c2
  w.jobs[2].jurisdiction = 1;           // EU is full: waits for job 0
  auto r = simulate(s, w);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->jobs[0].site, 1);
  EXPECT_EQ(r->jobs[1].site, 0);
  EXPECT_EQ(r->jobs[2].site, 1);
  EXPECT_EQ(r->jobs[2].start_s, 100);
}

TEST(Simulate, RampUpMakesJobsWaitAndExpiryDrainsWithoutKilling) {
  Scenario s = one_site_scenario(0, 10000);
  s.contracts[0].ramp = {{0, 0}, {100, 8}};
  s.contracts[0].end_s = 1000;
  const Workload w = make_workload({{0, 8, 2000}, {10, 8, 50}});
  auto r = simulate(s, w);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->jobs[0].start_s, 100);
  EXPECT_EQ(r->jobs[0].end_s, 2100);  // outlives its contract: the node drains
  EXPECT_EQ(r->jobs[1].start_s, -1);  // the contract ends before any room frees: unplaceable
  EXPECT_EQ(r->summary.unplaceable, 1);
  EXPECT_EQ(r->summary.completed, 1);
}

TEST(Simulate, UnplaceableHeadDoesNotBlockFifo) {
  const Scenario s = one_site_scenario(8, 1e5);
  const Workload w = make_workload({{0, 64, 10}, {1, 1, 10}, {2, 9, 10}, {3, 8, 10}});
  auto r = simulate(s, w);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->summary.unplaceable, 2);
  EXPECT_EQ(r->summary.completed, 2);
  EXPECT_EQ(r->jobs[1].start_s, 1);
  EXPECT_EQ(r->jobs[3].start_s, 11);
}

TEST(Simulate, ZeroCapacityIsAnError) {
  const Scenario s = one_site_scenario(0, 1e5);
  auto r = simulate(s, make_workload({{0, 1, 10}}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no capacity"), std::string::npos);
}

TEST(Simulate, UnknownPolicyNamesTheKnownOnes) {
  const Scenario s = one_site_scenario(8, 1e5);
  SimOptions o;
  o.queue_policy = "lifo";
  auto r = simulate(s, make_workload({{0, 1, 10}}), o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("fifo-backfill"), std::string::npos);
  o.queue_policy.clear();
  o.placement_policy = "random";
  r = simulate(s, make_workload({{0, 1, 10}}), o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("best-fit"), std::string::npos);
}

// The names a scenario may choose (known_*_policies) and the policies the registry builds are
// the same set.
TEST(Simulate, EveryKnownPolicyNameBuilds) {
  const Scenario s = one_site_scenario(8, 1000);
  for (auto q : known_queue_policies()) {
    for (auto p : known_placement_policies()) {
      SimOptions o;
      o.queue_policy = std::string(q);
      o.placement_policy = std::string(p);
      auto r = simulate(s, make_workload({{0, 1, 10}}), o);
      ASSERT_TRUE(r) << q << "/" << p << ": " << r.error().to_string();
      EXPECT_EQ(r->summary.completed, 1);
    }
  }
}

TEST(Simulate, NeverStartedAndProgressCalls) {
  const Scenario s = one_site_scenario(8, 1000);
  // The second job waits behind the first past the horizon; the third arrives after it.
  const Workload w = make_workload({{0, 8, 5000}, {1, 8, 10}, {2000, 1, 10}});
  int calls = 0;
  double last = -1;
  bool monotone = true;
  SimOptions o;
  int64_t last_events = -1;
  o.progress = [&](const SimProgress& p) {
    ++calls;
    monotone &= p.fraction >= last && p.events >= last_events;
    EXPECT_DOUBLE_EQ(p.simulated_s, p.fraction * 1000);  // the horizon is 1000 s
    last = p.fraction;
    last_events = p.events;
  };
  auto r = simulate(s, w, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->summary.never_started, 2);
  EXPECT_EQ(r->summary.completed, 0);
  EXPECT_DOUBLE_EQ(r->jobs[0].cost_usd, 8 * 1000 / 3600.0);
  EXPECT_GE(calls, 1);
  EXPECT_LE(calls, 300);
  EXPECT_TRUE(monotone);
  EXPECT_EQ(last, 1.0);
}


TEST(Simulate, WithoutJobRowsTheSummaryIsTheSame) {
  Scenario s = one_site_scenario(64, 20 * kSecondsPerDay);
  s.faults = default_fault_model();
  s.faults.node_failures_per_gpu_hour = 1e-3;
  s.checkpoint = {600, 30, 120};
  std::vector<testing::JobSpec> specs;
  for (int i = 0; i < 300; ++i)
    specs.push_back({i * 700.0, static_cast<uint32_t>(1u << (i % 5)), 1800.0 + (i * 7919 % 20000)});
  const Workload w = make_workload(specs);
  SimOptions with, without;
  without.job_rows = false;
  auto a = simulate(s, w, with);
  auto b = simulate(s, w, without);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->jobs.size(), w.jobs.size());
  EXPECT_TRUE(b->jobs.empty());
  const SimSummary &x = a->summary, &y = b->summary;
  EXPECT_GT(x.interruptions, 0);
  EXPECT_EQ(x.jobs, y.jobs);
  EXPECT_EQ(x.completed, y.completed);
  EXPECT_EQ(x.never_started, y.never_started);
  EXPECT_EQ(x.mean_jct_s, y.mean_jct_s);
  EXPECT_EQ(x.p50_jct_s, y.p50_jct_s);
  EXPECT_EQ(x.p99_jct_s, y.p99_jct_s);
  EXPECT_EQ(x.mean_queue_s, y.mean_queue_s);
  EXPECT_EQ(x.p99_queue_s, y.p99_queue_s);
  EXPECT_EQ(x.makespan_s, y.makespan_s);
  EXPECT_EQ(x.restarts_per_job, y.restarts_per_job);
  EXPECT_EQ(x.cost_usd, y.cost_usd);
  EXPECT_EQ(x.gpu_seconds_busy, y.gpu_seconds_busy);
}

}  // namespace
}  // namespace gpufleet
