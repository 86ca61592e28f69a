// The plan-section loader, the built-in planning scenario, and plan -> simulate: the emitted
// scenario loads with the scenario loader and its contracts are the plan's commitments.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "gpufleet/plan.h"
#include "gpufleet/scenario.h"
#include "util/time_parse.h"

namespace gpufleet {
namespace {

constexpr const char* kSmall = R"yaml(
name: small-plan
start: 2026-01-01
horizon: 730d
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700}
providers: [{name: a}, {name: b}]
sites:
  - {name: a-us, provider: a, region: r1, jurisdiction: US, power_cap_mw: 5, pue: 1.1}
  - {name: b-eu, provider: b, region: r2, jurisdiction: EU, power_cap_mw: 5, pue: 1.2}
contracts:
  - {name: old, site: b-eu, accelerator: H100-SXM, usd_per_gpu_hour: 3.0, start: 2026-01-01, end: 2027-01-01, gpus: 512}
markets:
  - {site: a-us, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.0, on_demand_gpus: 256}
plan:
  horizon: 2y
  period: quarter
  discount_rate: 0.05
  demand:
    training: {gpu_hours_per_period: 2.0e6, growth_per_year: 1.5, critical_share: 0.5}
    inference:
      - {jurisdiction: EU, gpus: 400, growth_per_year: 1.2, critical_share: 1.0}
  offers:
    - {site: a-us, accelerator: H100-SXM, block_gpus: 256, terms: {1y: 3.5, 2y: 3.0}, ramp_gpus_per_period: 2048}
    - {site: b-eu, accelerator: H100-SXM, block_gpus: 256, terms: {1y: 4.0}, earliest: 2026-04-01}
  policy:
    max_provider_share: 0.9
)yaml";

TEST(PlanLoader, ReadsThePlanSection) {
  auto in = load_plan_text(kSmall, "small.yaml");
  ASSERT_TRUE(in) << in.error().to_string();
  EXPECT_EQ(in->periods, 8);
  EXPECT_EQ(in->period_months, 3);
  EXPECT_DOUBLE_EQ(in->training_ref_gpu_hours[0], 2.0e6);
  EXPECT_NEAR(in->training_ref_gpu_hours[4], 3.0e6, 1e-6);  // one year later, x1.5
  ASSERT_EQ(in->offers.size(), 2u);
  EXPECT_EQ(in->offers[0].name, "a-us-H100-SXM");
  ASSERT_EQ(in->offers[0].terms.size(), 2u);
  EXPECT_EQ(in->offers[0].terms[1].years, 2);
  EXPECT_EQ(in->offers[1].earliest_period, 1);
  EXPECT_DOUBLE_EQ(in->max_provider_share, 0.9);
  ASSERT_EQ(in->inference.size(), 1u);
  EXPECT_EQ(in->inference[0].jurisdiction, "EU");
}

TEST(PlanLoader, ReadsSpendOffersEscalatorsAndAnEarliestInsideAPeriod) {
  std::string text = kSmall;
  text.replace(text.find("  policy:\n"), 0,
               "  spend_offers:\n"
               "    - {name: a-deal, provider: a, term: 2y, usd: 3.0e6, discount: 0.3, shortfall_share: 0.5, earliest: 2026-05-01}\n");
  text.replace(text.find("ramp_gpus_per_period: 2048}"), 27, "ramp_gpus_per_period: 2048, escalator_per_year: 0.04}");
  text.replace(text.find("earliest: 2026-04-01"), 20, "earliest: 2026-05-01");
  auto in = load_plan_text(text, "small.yaml");
  ASSERT_TRUE(in) << in.error().to_string();
  ASSERT_EQ(in->spend_offers.size(), 1u);
  const SpendOffer& o = in->spend_offers[0];
  EXPECT_EQ(o.name, "a-deal");
  EXPECT_EQ(o.deal.provider, 0);
  EXPECT_EQ(o.years, 2);
  EXPECT_DOUBLE_EQ(o.deal.usd_per_year, 1.5e6);  // $3M over two years
  EXPECT_DOUBLE_EQ(o.deal.discount, 0.3);
  EXPECT_DOUBLE_EQ(o.deal.shortfall_share, 0.5);
  EXPECT_EQ(o.earliest_period, 2);  // a spend commitment starts at a period start: 2026Q3
  EXPECT_DOUBLE_EQ(in->offers[0].escalator_per_year, 0.04);
  // A contract offer's earliest inside 2026Q2 makes Q2 its first period, from 2026-05-01.
  EXPECT_EQ(in->offers[1].earliest_period, 1);
  EXPECT_DOUBLE_EQ(in->offers[1].earliest_s, 120 * 86400.0);
  // A spend offer to a provider without an on-demand market is an error at its provider.
  std::string bad = text;
  bad.replace(bad.find("provider: a, term"), 17, "provider: b, term");
  auto e = load_plan_text(bad, "small.yaml");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().file, "small.yaml");
  EXPECT_GT(e.error().line, 0);
  EXPECT_EQ(e.error().field, "plan.spend_offers[0].provider") << e.error().to_string();
  EXPECT_NE(e.error().message.find("nothing to spend"), std::string::npos) << e.error().to_string();
}

TEST(PlanLoader, ErrorsNameTheField) {
  std::string bad = kSmall;
  bad.replace(bad.find("accelerator: H100-SXM, block_gpus: 256, terms: {1y: 4.0}"), 22, "accelerator: H100-SXX,");
  auto in = load_plan_text(bad, "bad.yaml");
  ASSERT_FALSE(in);
  EXPECT_NE(in.error().to_string().find("bad.yaml:"), std::string::npos) << in.error().to_string();
  EXPECT_NE(in.error().to_string().find("H100-SXX"), std::string::npos) << in.error().to_string();

  std::string typo = kSmall;
  typo.replace(typo.find("discount_rate"), 13, "discount_rat");
  auto t = load_plan_text(typo, "typo.yaml");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().to_string().find("discount_rate"), std::string::npos) << t.error().to_string();
}

TEST(PlanRoundTrip, EmittedScenarioLoadsWithThePlansContracts) {
  auto in = load_plan_text(kSmall, "small.yaml");
  ASSERT_TRUE(in) << in.error().to_string();
  PlanOptions o;
  o.relative_gap = 1e-9;
  auto r = run_plan(*in, o);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->status, PlanStatus::optimal);
  ASSERT_FALSE(r->commitments.empty());
  ASSERT_TRUE(prepare_plan_inputs(*in));
  const std::string yaml = plan_scenario_yaml(*r, *in);
  auto sc = load_scenario_text(yaml, "planned.yaml");
  ASSERT_TRUE(sc) << sc.error().to_string() << "\n" << yaml;
  // The existing contract first, then one contract per commitment, in order.
  ASSERT_EQ(sc->contracts.size(), 1 + r->commitments.size());
  EXPECT_EQ(sc->contracts[0].name, "old");
  for (size_t i = 0; i < r->commitments.size(); ++i) {
    const auto& c = r->commitments[i];
    const auto& k = sc->contracts[i + 1];
    EXPECT_EQ(sc->sites[static_cast<size_t>(k.site)].name, c.site);
    EXPECT_EQ(sc->providers[static_cast<size_t>(k.provider)].name, c.provider);
    EXPECT_EQ(sc->accelerators[static_cast<size_t>(k.accelerator)].name, c.accelerator);
    EXPECT_DOUBLE_EQ(k.usd_per_gpu_hour, c.usd_per_gpu_hour);
    const double start = static_cast<double>(in->period_start_unix_s[static_cast<size_t>(c.start_period)] - in->scenario.start_unix_s);
    EXPECT_DOUBLE_EQ(k.start_s, start);
    EXPECT_EQ(k.gpus_at(start), c.gpus);
    EXPECT_EQ(k.gpus_at(k.end_s - 1), c.gpus);
    EXPECT_EQ(k.gpus_at(k.end_s), 0);
    // End = start + term, in whole calendar years.
    EXPECT_EQ(format_iso_date(in->scenario.start_unix_s + static_cast<int64_t>(k.end_s)).substr(4),
              format_iso_date(in->scenario.start_unix_s + static_cast<int64_t>(k.start_s)).substr(4));
  }
  EXPECT_EQ(sc->markets.size(), in->scenario.markets.size());
  EXPECT_EQ(sc->sites.size(), in->scenario.sites.size());
}

TEST(PlanDefault, BuiltInScenarioLoadsAndHasTheAdvertisedShape) {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(in) << in.error().to_string();
  EXPECT_EQ(in->scenario.providers.size(), 5u);
  EXPECT_GE(in->scenario.sites.size(), 12u);
  EXPECT_EQ(in->scenario.accelerators.size(), 4u);
  EXPECT_EQ(in->periods, 28);
  EXPECT_TRUE(in->n1_providers);
  EXPECT_TRUE(in->n1_sites);
  size_t four_terms = 0;
  for (const auto& o : in->offers) four_terms += o.terms.size() == 4 ? 1 : 0;
  EXPECT_EQ(four_terms, in->offers.size());
  // Roughly doubling: x1.8 a year.
  EXPECT_NEAR(in->training_ref_gpu_hours[4] / in->training_ref_gpu_hours[0], 1.8, 1e-9);
}

// The plan is for the lab of the built-in simulate scenario: its older Azure commitment is the
// plan's existing, fixed capacity, the same contracts to the GPU and the cent.
TEST(PlanDefault, ExistingAzureContractsAreThoseOfTheSimulateScenario) {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(in) << in.error().to_string();
  auto sim = default_scenario();
  ASSERT_TRUE(sim) << sim.error().to_string();
  int matched = 0;
  for (const Contract& c : sim->contracts) {
    if (sim->providers[static_cast<size_t>(c.provider)].name != "azure") continue;
    const std::string& site = sim->sites[static_cast<size_t>(c.site)].name;
    bool found = false;
    for (const Contract& e : in->scenario.contracts) {
      if (in->scenario.sites[static_cast<size_t>(e.site)].name != site) continue;
      found = true;
      EXPECT_EQ(e.ramp.back().gpus, c.ramp.back().gpus) << site;
      EXPECT_DOUBLE_EQ(e.usd_per_gpu_hour, c.usd_per_gpu_hour) << site;
      EXPECT_EQ(in->scenario.start_unix_s + static_cast<int64_t>(e.end_s),
                sim->start_unix_s + static_cast<int64_t>(c.end_s)) << site;
    }
    EXPECT_TRUE(found) << site;
    ++matched;
  }
  EXPECT_EQ(matched, 2);
}

// plan --emit-scenario overlays the plan's contracts on the input scenario: its quotas,
// faults, checkpoints, workload and comments stay as written; a relative trace path becomes
// absolute so that the emitted file may be written anywhere.
TEST(PlanRoundTrip, EmittedScenarioKeepsTheScenariosQuotasFaultsAndWorkload) {
  const std::string dir = ::testing::TempDir() + "/overlay";
  std::filesystem::create_directories(dir);
  {
    std::ofstream trace(dir + "/jobs.csv");
    trace << "submit,gpus,duration\n0,8,3600\n";
  }
  std::string text = std::string(kSmall) + R"yaml(
policy:
  queue: fifo-backfill
  quotas:
    - {tenant: research, guaranteed_gpus: 128, can_borrow: false}
    - {tenant: prod, guaranteed_gpus: 256}
checkpoint: {interval: 2h, cost: 5m, restart_overhead: 10m}
faults:
  node_failures_per_gpu_hour: 1.0e-5
  repair_median: 1d
  outages:
    - {name: eu dark, site: b-eu, start: 2026-03-01, duration: 2d}   # a comment kept
workload:
  traces:
    - {format: csv, path: jobs.csv, map: {submit: submit, gpus: gpus, duration: duration}, tenant: prod}
  classes:
    - {name: research, tenant: research, arrivals_per_hour: 2, gpus: {8: 1}, duration_median: 1h}
)yaml";
  auto in = load_plan_text(text, dir + "/lab.yaml", dir);
  ASSERT_TRUE(in) << in.error().to_string();
  auto original = load_scenario_text(text, dir + "/lab.yaml", dir);
  ASSERT_TRUE(original) << original.error().to_string();
  auto r = run_plan(*in, PlanOptions{});
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_FALSE(r->commitments.empty());
  ASSERT_TRUE(prepare_plan_inputs(*in));
  const std::string yaml = plan_scenario_yaml(*r, *in);
  EXPECT_NE(yaml.find("# a comment kept"), std::string::npos) << yaml;
  // Loaded from another folder: the trace is still found.
  auto sc = load_scenario_text(yaml, "/nowhere/planned.yaml", "/nowhere");
  ASSERT_TRUE(sc) << sc.error().to_string() << "\n" << yaml;
  EXPECT_EQ(sc->name, "small-plan-planned");
  EXPECT_EQ(sc->policy, original->policy);
  ASSERT_EQ(sc->policy.quotas.size(), 2u);
  EXPECT_EQ(sc->policy.quotas[0].tenant, "research");
  EXPECT_EQ(sc->faults, original->faults);
  ASSERT_EQ(sc->faults.outages.size(), 1u);
  EXPECT_DOUBLE_EQ(sc->faults.node_failures_per_gpu_hour, 1.0e-5);
  EXPECT_EQ(sc->checkpoint, original->checkpoint);
  EXPECT_EQ(sc->markets, original->markets);
  EXPECT_EQ(sc->workload, original->workload);
  EXPECT_EQ(sc->workload.traces.at(0).path, std::filesystem::absolute(dir + "/jobs.csv").lexically_normal().string());
  // The contracts: the existing one, then one per commitment.
  ASSERT_EQ(sc->contracts.size(), 1 + r->commitments.size());
  EXPECT_EQ(sc->contracts[0], original->contracts[0]);
  EXPECT_EQ(sc->accelerators, original->accelerators);
  EXPECT_EQ(sc->sites, original->sites);
}

}  // namespace
}  // namespace gpufleet
