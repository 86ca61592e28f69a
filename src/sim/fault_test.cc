// Faults, checkpoints, restarts and failover, with results computed by hand.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"
#include "util/rng.h"

namespace gpufleet {
namespace {

using testing::make_workload;
using testing::one_site_scenario;

SimResults run(const Scenario& s, const Workload& w, const std::string& queue = "fifo") {
  SimOptions o;
  o.queue_policy = queue;
  auto r = simulate(s, w, o);
  EXPECT_TRUE(r) << r.error().to_string();
  return r ? *r : SimResults{};
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("gpufleet_fault_test_" + name);
  std::ofstream(path) << text;
  return path.string();
}

// Two nodes of 8 GPUs. One 8-GPU job of 3,000 s takes the second node (the gang allocator
// takes the last fully free node); it checkpoints every 400 s at a cost of 50 s; a restart
// costs 100 s. A fault trace downs that node (the trace's second node) at 1,000 s for 500 s.
//
// At 1,000 s the job has written 2 checkpoints (at 450 and 900 s: 800 s of work kept) and done
// 100 s of work since: 100 x 8 = 800 GPU-seconds lost. It restarts at once on the other node
// with 2,200 s of work: 100 s restart + 2,200 s + (ceil(2200/400) - 1) = 5 checkpoints x 50 s
// = 2,550 s, so it ends at 3,550 s.
TEST(Faults, TraceFailureLosesWorkSinceTheLastCheckpointAndRestarts) {
  Scenario s = one_site_scenario(16, 1e5);
  s.checkpoint = {400, 50, 100};
  s.faults.spot_preemptions = false;
  s.faults.trace_format = "stepfun";
  // "a" shows up first (an end without a start is ignored) and becomes ordinal 0, the idle
  // first node; "b" (ordinal 1, the job's node) fails at 1,000 s until 1,500 s.
  s.faults.trace_path = write_temp("trace1.json", R"([
    {"node_id": "a", "event_time": 0.001, "event_type": "fault_end", "fault_type": {}},
    {"node_id": "b", "event_time": 0.011574074074074073, "event_type": "fault_start", "fault_type": {}},
    {"node_id": "b", "event_time": 0.017361111111111112, "event_type": "fault_end", "fault_type": {}}
  ])");
  const auto r = run(s, make_workload({{0, 8, 3000}}));
  EXPECT_EQ(r.summary.interruptions, 1);
  EXPECT_EQ(r.summary.interruptions_by_failure, 1);
  EXPECT_EQ(r.jobs[0].restarts, 1u);
  EXPECT_NEAR(r.summary.gpu_seconds_lost, 800, 1e-6);
  EXPECT_EQ(r.jobs[0].start_s, 0);  // the first start is kept
  EXPECT_NEAR(r.jobs[0].end_s, 1000 + 2550, 1e-6);
  EXPECT_NEAR(r.summary.gpu_seconds_busy, (1000 + 2550) * 8, 1e-3);
  EXPECT_NEAR(r.summary.gpu_seconds_overhead, (100 + 350) * 8, 1e-3);
  EXPECT_NEAR(r.summary.goodput, 3000.0 * 8 / ((1000 + 2550) * 8), 1e-9);
}

// The same job without checkpoints loses everything it did: 1,000 s x 8 GPUs.
TEST(Faults, WithoutCheckpointsAFailureLosesAllTheWork) {
  Scenario s = one_site_scenario(24, 1e5);
  s.faults.spot_preemptions = false;
  s.faults.trace_format = "stepfun";
  // Three nodes; the job takes the third (ordinal 2).
  s.faults.trace_path = write_temp("trace3.json", R"([
    {"node_id": "x", "event_time": 0.1, "event_type": "fault_end"},
    {"node_id": "y", "event_time": 0.1, "event_type": "fault_end"},
    {"node_id": "z", "event_time": 0.011574074074074073, "event_type": "fault_start"}
  ])");
  // x and y appear first (ends without starts are ignored), so z is ordinal 2. Its fault is
  // still open at the end of the trace (day 1): it lasts until then.
  auto r = simulate(s, make_workload({{0, 8, 3000}}));
  ASSERT_FALSE(r);  // events out of order: 0.0116 d after 0.1 d
  s.faults.trace_path = write_temp("trace4.json", R"([
    {"node_id": "x", "event_time": 0.001, "event_type": "fault_end"},
    {"node_id": "y", "event_time": 0.001, "event_type": "fault_end"},
    {"node_id": "z", "event_time": 0.011574074074074073, "event_type": "fault_start"}
  ])");
  const auto ok = run(s, make_workload({{0, 8, 3000}}));
  EXPECT_EQ(ok.summary.interruptions, 1);
  EXPECT_NEAR(ok.summary.gpu_seconds_lost, 8000, 1e-6);
  EXPECT_NEAR(ok.jobs[0].end_s, 1000 + 3000, 1e-6);  // restarted at once on another node
}

// Provider A (contract, 8 GPUs) goes down from 1,000 s to 2,000 s. The running job fails over
// to provider B's on-demand GPUs ($2/GPU-hour) and finishes there; a job arriving after the
// outage runs on A again.
TEST(Faults, ProviderOutageMovesJobsToAnotherProviderAndBack) {
  Scenario s = one_site_scenario(8, 10000);
  s.providers.push_back({"p1"});
  Site b = s.sites[0];
  b.name = "s1";
  b.provider = 1;
  s.sites.push_back(b);
  Market m;
  m.site = 1;
  m.accelerator = 0;
  m.on_demand_usd_per_gpu_hour = 2;
  m.on_demand_gpus = 8;
  s.markets.push_back(m);
  OutageSpec o;
  o.name = "p0 down";
  o.provider_wide = true;
  o.target = 0;
  o.start_s = 1000;
  o.duration_s = 1000;
  s.faults.outages.push_back(o);
  const auto r = run(s, make_workload({{0, 8, 5000}, {2500, 8, 100}}));
  ASSERT_EQ(r.outages.size(), 1u);
  EXPECT_EQ(r.outages[0].jobs_hit, 1);
  EXPECT_NEAR(r.outages[0].gpu_seconds_lost, 8000, 1e-6);
  EXPECT_EQ(r.jobs[0].site, 1);
  EXPECT_EQ(r.jobs[0].source, CapacitySource::on_demand);
  EXPECT_NEAR(r.jobs[0].end_s, 6000, 1e-9);
  EXPECT_NEAR(r.outages[0].extra_on_demand_usd, 8 * 5000 / 3600.0 * 2, 1e-9);
  EXPECT_EQ(r.jobs[1].site, 0);  // back on provider A
  EXPECT_EQ(r.jobs[1].start_s, 2500);
  EXPECT_NEAR(r.by_provider[0].availability, 0.9, 1e-12);
  EXPECT_NEAR(r.by_provider[1].availability, 1.0, 1e-12);
  // Take-or-pay is owed through the outage: 8 GPUs x 10,000 s at $1.
  EXPECT_NEAR(r.by_provider[0].contract_usd, 8 * 10000 / 3600.0, 1e-9);
}

// A job that may run only on provider A waits out the outage and resumes there.
TEST(Faults, SiteOutageWithoutAnAllowedAlternativeWaits) {
  Scenario s = one_site_scenario(8, 10000);
  OutageSpec o;
  o.target = 0;
  o.start_s = 1000;
  o.duration_s = 500;
  s.faults.outages.push_back(o);
  s.checkpoint = {250, 0, 60};
  const auto r = run(s, make_workload({{0, 8, 2000}}));
  // 1,000 s done, all kept (checkpoints every 250 s at no cost): 1,000 s left after the
  // outage, plus 60 s restart.
  EXPECT_NEAR(r.jobs[0].end_s, 1500 + 60 + 1000, 1e-9);
  EXPECT_NEAR(r.summary.gpu_seconds_lost, 0, 1e-9);
}

// Failover respects jurisdiction: site s0 (US) goes down at 100 s; of the two jobs running
// there, the one bound to the US waits for it, the unconstrained one moves to s1 (EU) at once
// (EASY backfill lets it pass the blocked US job, which has no reservation while s0 is down).
TEST(Faults, FailoverOnlyWhereJurisdictionAllows) {
  Scenario s = one_site_scenario(16, 10000);
  Site eu = s.sites[0];
  eu.name = "s1";
  eu.jurisdiction = "EU";
  s.sites.push_back(eu);
  Contract c = s.contracts[0];
  c.name = "c1";
  c.site = 1;
  c.ramp = {{0, 8}};
  s.contracts.push_back(c);
  OutageSpec o;
  o.target = 0;
  o.start_s = 100;
  o.duration_s = 900;
  s.faults.outages.push_back(o);
  // Job 0 (EU only) holds s1 until 50 s, so jobs 1 (US only) and 2 (anywhere) start on s0.
  Workload w = make_workload({{0, 8, 50}, {1, 8, 500}, {2, 8, 500}});
  w.jurisdictions = {"", "US", "EU"};
  w.jobs[0].jurisdiction = 2;
  w.jobs[1].jurisdiction = 1;
  const auto r = run(s, w, "fifo-backfill");
  EXPECT_EQ(r.jobs[0].site, 1);
  EXPECT_EQ(r.jobs[1].restarts, 1u);
  EXPECT_EQ(r.jobs[2].restarts, 1u);
  EXPECT_EQ(r.jobs[1].site, 0);            // waited for s0: US only
  EXPECT_NEAR(r.jobs[1].end_s, 1000 + 500, 1e-9);
  EXPECT_EQ(r.jobs[2].site, 1);            // moved to s1 (free since job 0 ended at 50 s)
  EXPECT_NEAR(r.jobs[2].end_s, 100 + 500, 1e-9);
}

// The same scenario and seed give the same run with every fault source and LAS on.
TEST(Faults, DeterministicWithFaultsAndPreemption) {
  Scenario s = one_site_scenario(256, 30 * kSecondsPerDay);
  s.faults = default_fault_model();
  s.faults.node_failures_per_gpu_hour = 1e-3;  // many failures
  s.checkpoint = {600, 30, 120};
  OutageSpec o;
  o.target = 0;
  o.per_year = 50;
  o.mean_duration_s = 3600;
  s.faults.outages.push_back(o);
  Rng rng(3);
  std::vector<testing::JobSpec> specs;
  double t = 0;
  for (int i = 0; i < 2000; ++i) {
    t += rng.exponential(1.0 / 600);
    specs.push_back({t, static_cast<uint32_t>(1u << rng.below(6)), rng.lognormal(3600, 1.5)});
  }
  const Workload w = make_workload(specs);
  const auto a = run(s, w, "las");
  const auto b = run(s, w, "las");
  EXPECT_GT(a.summary.interruptions_by_failure, 10);
  EXPECT_GT(a.summary.preemptions, 0);
  EXPECT_EQ(a.summary.interruptions, b.summary.interruptions);
  EXPECT_EQ(a.summary.gpu_seconds_lost, b.summary.gpu_seconds_lost);
  for (size_t i = 0; i < a.jobs.size(); ++i) {
    EXPECT_EQ(a.jobs[i].start_s, b.jobs[i].start_s);
    EXPECT_EQ(a.jobs[i].end_s, b.jobs[i].end_s);
  }
  // Work is conserved: busy = the jobs' work + lost + overhead (completed jobs only here).
  double work = 0;
  for (size_t i = 0; i < a.jobs.size(); ++i) work += w.jobs[i].duration_s * w.jobs[i].gpus;
  if (a.summary.completed == static_cast<int64_t>(a.jobs.size())) {
    EXPECT_NEAR(a.summary.gpu_seconds_busy, work + a.summary.gpu_seconds_lost + a.summary.gpu_seconds_overhead,
                1e-6 * a.summary.gpu_seconds_busy);
  }
}

// 419 unexpected interruptions in 54 days on 16,384 H100 GPUs (Llama 3 405B): one 16,384-GPU
// job on a fleet with spare nodes sees 419 on average at the default rate; each seed within
// +-15% and their mean within 5%.
TEST(Faults, LargeRunIsInterruptedAsPublished) {
  Scenario s = one_site_scenario(16384 + 2048, 54 * kSecondsPerDay);
  s.faults = default_fault_model();
  s.checkpoint = {3600, 0, 0};
  double total = 0;
  const int seeds = 5;
  for (int seed = 1; seed <= seeds; ++seed) {
    s.seed = static_cast<uint64_t>(seed);
    const auto r = run(s, make_workload({{0, 16384, 1000 * kSecondsPerDay}}));
    const double n = static_cast<double>(r.jobs[0].restarts);
    EXPECT_NEAR(n, 419, 0.15 * 419) << "seed " << seed;
    total += n;
  }
  EXPECT_NEAR(total / seeds, 419, 0.05 * 419);
  EXPECT_NEAR(kLlama3FailuresPerGpuHour, 1.97e-5, 0.005e-5);
  // One every ~3.1 h: 54 x 24 / 419.
  EXPECT_NEAR(1.0 / (kLlama3FailuresPerGpuHour * 16384), 3.09, 0.01);
}

// Spot nodes are reclaimed at the market's rate; the job moves to the contract when that frees.
TEST(Faults, SpotReclaimsInterruptJobsAtTheMarketRate) {
  Scenario s = one_site_scenario(8, 400 * 3600);
  Market m;
  m.site = 0;
  m.accelerator = 0;
  m.spot_usd_per_gpu_hour = 1;
  m.spot_gpus = 80;
  m.spot_preemptions_per_node_hour = 0.01;
  s.markets.push_back(m);
  // Ten 8-GPU jobs of 300 h; one fits the contract, nine run on spot (9 nodes x 300 h x 0.01
  // = 27 expected reclaims of busy nodes).
  std::vector<testing::JobSpec> jobs(10, {0, 8, 300 * 3600.0});
  const auto r = run(s, make_workload(jobs));
  EXPECT_GT(r.summary.interruptions_by_spot, 10);
  EXPECT_LT(r.summary.interruptions_by_spot, 50);
  EXPECT_EQ(r.summary.interruptions_by_failure, 0);
  // Off: no reclaim at all, and the same seed gives the same spot draws when on again.
  Scenario off = s;
  off.faults.disable();
  EXPECT_EQ(run(off, make_workload(jobs)).summary.interruptions, 0);
  EXPECT_EQ(run(s, make_workload(jobs)).summary.interruptions_by_spot, r.summary.interruptions_by_spot);
}

// Random outages are drawn once per entry from its own stream: adding node failures does
// not move them.
TEST(Faults, RandomOutagesDoNotDependOnOtherSources) {
  Scenario s = one_site_scenario(64, 3 * 365 * kSecondsPerDay);
  OutageSpec o;
  o.target = 0;
  o.per_year = 4;
  o.mean_duration_s = 8 * 3600;
  s.faults.outages.push_back(o);
  const auto a = run(s, make_workload({{0, 8, 100}}));
  s.faults.node_failures_per_gpu_hour = kLlama3FailuresPerGpuHour;
  const auto b = run(s, make_workload({{0, 8, 100}}));
  ASSERT_EQ(a.outages.size(), b.outages.size());
  EXPECT_GT(a.outages.size(), 4u);
  EXPECT_LT(a.outages.size(), 25u);
  for (size_t i = 0; i < a.outages.size(); ++i) EXPECT_EQ(a.outages[i].start_s, b.outages[i].start_s);
  EXPECT_LT(a.by_provider[0].availability, 1.0);
}

}  // namespace
}  // namespace gpufleet
