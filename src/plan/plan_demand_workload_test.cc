// workload: {from_plan_demand: true}: the jobs made from a plan's demand carry that demand,
// period by period and jurisdiction by jurisdiction.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "gpufleet/plan.h"
#include "gpufleet/workload.h"
#include "plan/plan_model_builder.h"

namespace gpufleet {
namespace {

constexpr const char* kLab = R"yaml(
name: demand-lab
start: 2026-01-01
horizon: 730d
seed: 7
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700}
providers: [{name: a}, {name: b}]
sites:
  - {name: a-us, provider: a, region: r1, jurisdiction: US, power_cap_mw: 50, pue: 1.1}
  - {name: b-eu, provider: b, region: r2, jurisdiction: EU, power_cap_mw: 50, pue: 1.2}
markets:
  - {site: a-us, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.0, on_demand_gpus: 4096}
workload:
  from_plan_demand: true
  classes:
    - {name: pretrain, kind: training, tenant: frontier, priority: 2, arrivals_per_hour: 1, gpus: {512: 0.5, 2048: 0.5}, duration_median: 5d, duration_sigma: 0.5, duration_max: 20d}
    - {name: research, kind: research, tenant: research, arrivals_per_hour: 4, gpus: {8: 0.5, 64: 0.5}, duration_median: 6h, duration_max: 3d}
    - {name: serving, kind: inference, tenant: product, arrivals_per_hour: 1, gpus: {64: 1}, duration_median: 7d, duration_sigma: 0.3, duration_max: 30d}
plan:
  horizon: 2y
  period: quarter
  discount_rate: 0.05
  demand:
    training: {gpu_hours_per_period: 2.0e6, growth_per_year: 1.5, critical_share: 0.5}
    inference:
      - {jurisdiction: EU, gpus: 400, growth_per_year: 1.2, critical_share: 1.0}
      - {jurisdiction: US, gpus: 300, growth_per_year: 1.8, critical_share: 0.9}
  offers:
    - {site: a-us, accelerator: H100-SXM, block_gpus: 256, terms: {1y: 3.5}}
)yaml";

struct Sums {
  std::vector<std::vector<double>> by_stream;  // [stream][period], reference GPU-hours
};

Sums sums_of(const PlanInputs& in, const Workload& w) {
  Sums s;
  s.by_stream.assign(1 + in.inference.size(), std::vector<double>(static_cast<size_t>(in.periods), 0.0));
  for (const Job& j : w.jobs) {
    int t = 0;
    while (t + 1 < in.periods && static_cast<double>(in.period_start_unix_s[static_cast<size_t>(t + 1)] - in.scenario.start_unix_s) <= j.submit_s) ++t;
    size_t k = 0;
    if (j.jurisdiction != 0)
      for (size_t i = 0; i < in.inference.size(); ++i)
        if (in.inference[i].jurisdiction == w.jurisdictions[j.jurisdiction]) k = 1 + i;
    s.by_stream[k][static_cast<size_t>(t)] += j.gpus * j.duration_s / 3600.0;
  }
  return s;
}

PlanInputs lab() {
  auto in = load_plan_text(kLab, "lab.yaml");
  EXPECT_TRUE(in) << in.error().to_string();
  EXPECT_TRUE(prepare_plan_inputs(*in));
  return *in;
}

TEST(PlanDemandWorkload, ReproducesThePlansReferenceGpuHoursPerPeriodAndJurisdiction) {
  const PlanInputs in = lab();
  auto w = build_plan_demand_workload(in);
  ASSERT_TRUE(w) << w.error().to_string();
  const Sums s = sums_of(in, *w);
  for (int t = 0; t < in.periods; ++t) {
    const auto ti = static_cast<size_t>(t);
    EXPECT_NEAR(s.by_stream[0][ti], in.training_ref_gpu_hours[ti], 0.01 * in.training_ref_gpu_hours[ti]) << "training, period " << t;
    for (size_t i = 0; i < in.inference.size(); ++i) {
      const double want = in.inference[i].ref_gpus[ti] * plan::period_hours(in, t);
      EXPECT_NEAR(s.by_stream[1 + i][ti], want, 0.01 * want) << in.inference[i].jurisdiction << ", period " << t;
    }
  }
  // The mix: the classes' sizes, kinds and tenants; inference in its jurisdiction.
  size_t big = 0, inference = 0;
  for (const Job& j : w->jobs) {
    big += j.gpus == 2048 ? 1 : 0;
    if (j.kind == JobKind::inference) {
      ++inference;
      EXPECT_EQ(j.gpus, 64u);
      EXPECT_NE(j.jurisdiction, 0);
      EXPECT_EQ(w->tenants[j.tenant], "product");
    } else {
      EXPECT_EQ(j.jurisdiction, 0);
      EXPECT_TRUE(j.gpus == 8 || j.gpus == 64 || j.gpus == 512 || j.gpus == 2048) << j.gpus;
    }
  }
  EXPECT_GT(big, 0u);
  EXPECT_GT(inference, 0u);
}

TEST(PlanDemandWorkload, ScalesWithAFuturesMultipliers) {
  const PlanInputs in = lab();
  std::vector<std::vector<double>> m(1 + in.inference.size(), std::vector<double>(static_cast<size_t>(in.periods), 1.0));
  for (size_t t = 0; t < m[0].size(); ++t) m[0][t] = 1.0 + 0.25 * static_cast<double>(t);
  m[2].assign(m[2].size(), 0.5);
  auto w = build_plan_demand_workload(in, m);
  ASSERT_TRUE(w) << w.error().to_string();
  const Sums s = sums_of(in, *w);
  for (int t = 0; t < in.periods; ++t) {
    const auto ti = static_cast<size_t>(t);
    EXPECT_NEAR(s.by_stream[0][ti], in.training_ref_gpu_hours[ti] * m[0][ti], 0.01 * in.training_ref_gpu_hours[ti] * m[0][ti]);
    const double us = in.inference[1].ref_gpus[ti] * plan::period_hours(in, t) * 0.5;
    EXPECT_NEAR(s.by_stream[2][ti], us, 0.01 * us);
  }
  // The same inputs give the same jobs.
  auto again = build_plan_demand_workload(in, m);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->jobs.size(), w->jobs.size());
  for (size_t i = 0; i < w->jobs.size(); ++i) EXPECT_EQ(again->jobs[i].submit_s, w->jobs[i].submit_s);
}

TEST(PlanDemandWorkload, BadInputIsRefusedWithTheField) {
  std::string no_plan = kLab;
  no_plan.erase(no_plan.find("plan:\n"));
  auto sc = load_scenario_text(no_plan, "lab.yaml");
  ASSERT_FALSE(sc);
  EXPECT_NE(sc.error().to_string().find("from_plan_demand"), std::string::npos) << sc.error().to_string();

  std::string with_fixed = kLab;
  with_fixed.replace(with_fixed.find("plan:\n"), 0, "");
  with_fixed.replace(with_fixed.find("  classes:\n"), 0, "  fixed:\n    - {name: x, gpus: 8, duration: 1h}\n");
  auto f = load_plan_text(with_fixed, "lab.yaml");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().to_string().find("no fixed jobs"), std::string::npos) << f.error().to_string();

  // Jobs too small for the demand: the count is refused before the jobs are made.
  std::string tiny = kLab;
  tiny.replace(tiny.find("  classes:\n"), 0, "  max_jobs: 1000\n");
  auto t = load_plan_text(tiny, "lab.yaml");
  ASSERT_TRUE(t) << t.error().to_string();
  ASSERT_TRUE(prepare_plan_inputs(*t));
  auto w = build_plan_demand_workload(*t);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().to_string().find("max_jobs"), std::string::npos) << w.error().to_string();

  // The simulator's own builder does not make it up without the plan.
  auto plain = build_workload(t->scenario);
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().to_string().find("from_plan_demand"), std::string::npos);
}

// A trace's jobs as the mix: sizes and run times picked from its rows (inference rows for the
// inference streams), the plan's GPU-hours per period again.
TEST(PlanDemandWorkload, ATracesJobsAreTheMix) {
  const std::string dir = ::testing::TempDir() + "/demand-trace";
  std::filesystem::create_directories(dir);
  {
    std::ofstream trace(dir + "/jobs.csv");
    trace << "submit,gpus,duration,kind,team\n"
             "0,16,7200,training,a\n600,128,86400,training,b\n900,32,172800,inference,serving\n"
             "1800,256,43200,research,a\n3600,8,3600,inference,serving\n";
  }
  std::string text = kLab;
  const size_t from = text.find("  classes:\n"), to = text.find("plan:\n");
  text.replace(from, to - from,
               "  traces:\n"
               "    - {format: csv, path: jobs.csv, map: {submit: submit, gpus: gpus, duration: duration, kind: kind, tenant: team}}\n");
  auto in = load_plan_text(text, dir + "/lab.yaml", dir);
  ASSERT_TRUE(in) << in.error().to_string();
  ASSERT_TRUE(prepare_plan_inputs(*in));
  auto w = build_plan_demand_workload(*in);
  ASSERT_TRUE(w) << w.error().to_string();
  const Sums s = sums_of(*in, *w);
  for (int t = 0; t < in->periods; ++t) {
    const auto ti = static_cast<size_t>(t);
    EXPECT_NEAR(s.by_stream[0][ti], in->training_ref_gpu_hours[ti], 0.01 * in->training_ref_gpu_hours[ti]) << t;
    const double eu = in->inference[0].ref_gpus[ti] * plan::period_hours(*in, t);
    EXPECT_NEAR(s.by_stream[1][ti], eu, 0.01 * eu) << t;
  }
  std::set<uint32_t> training_sizes, inference_sizes;
  for (const Job& j : w->jobs) (j.kind == JobKind::inference ? inference_sizes : training_sizes).insert(j.gpus);
  EXPECT_EQ(training_sizes, (std::set<uint32_t>{16, 128, 256}));
  EXPECT_EQ(inference_sizes, (std::set<uint32_t>{8, 32}));
  for (const Job& j : w->jobs)
    if (j.kind == JobKind::inference) { EXPECT_EQ(w->tenants[j.tenant], "serving"); }
}

}  // namespace
}  // namespace gpufleet
