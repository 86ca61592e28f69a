// The `uncertainty:` section: what it reads, and the located errors for what cannot be sampled.
#include <gtest/gtest.h>

#include "gpufleet/risk.h"

namespace gpufleet {
namespace {

// A small planning scenario (two providers, two jurisdictions) followed by `uncertainty`.
std::string scenario_with(const std::string& uncertainty) {
  return R"(name: risk-loader
start: 2026-01-01
horizon: 30d
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700, speed_factor: 1.0}
providers:
  - name: aws
  - name: gcp
sites:
  - {name: aws-east, provider: aws, region: us-east-1, jurisdiction: US, power_cap_mw: 50, pue: 1.2}
  - {name: gcp-eu, provider: gcp, region: europe-west4, jurisdiction: EU, power_cap_mw: 50, pue: 1.1}
markets:
  - {site: aws-east, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.0, on_demand_gpus: 4096}
plan:
  horizon: 2y
  demand:
    training: {gpu_hours_per_period: 2.0e6, critical_share: 0.5}
    inference:
      - {jurisdiction: EU, gpus: 500}
  offers:
    - {site: aws-east, accelerator: H100-SXM, terms: {1y: 3.0}, block_gpus: 256}
)" + uncertainty;
}

Result<UncertaintySpec> parse(const std::string& uncertainty) {
  const std::string text = scenario_with(uncertainty);
  auto in = load_plan_text(text, "u.yaml");
  if (!in) return fail(in.error());
  return parse_uncertainty_section(*in, text, "u.yaml");
}

TEST(UncertaintyLoader, NoSectionIsTheForecast) {
  auto s = parse("");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_FALSE(s->any());
}

TEST(UncertaintyLoader, ReadsEverySource) {
  auto s = parse(R"(uncertainty:
  demand:
    training: {model: lognormal, volatility: 0.25, correlation: 0.6}
    inference:
      - jurisdiction: EU
        scenarios:
          - {name: low, probability: 0.25, multiplier: 0.8}
          - {name: high, probability: 0.75, multiplier: [1.0, 1.5]}
  delivery:
    - {provider: gcp, probability: 0.3, delay: {median: 90d, sigma: 0.5}}
  power:
    - {site: aws-east, probability: 0.2, min_share: 0.1, max_share: 0.3}
  prices:
    - {provider: aws, on_demand_volatility: 0.2, spot_volatility: 0.4}
  disruptions:
    - {jurisdiction: EU, probability_per_year: 0.05, duration: {median: 120d, sigma: 0.3}}
)");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->training.model, DemandModel::lognormal);
  EXPECT_DOUBLE_EQ(s->training.volatility, 0.25);
  EXPECT_DOUBLE_EQ(s->training.correlation, 0.6);
  ASSERT_EQ(s->inference.size(), 1u);
  EXPECT_EQ(s->inference[0].model, DemandModel::scenarios);
  ASSERT_EQ(s->inference[0].scenarios.size(), 2u);
  EXPECT_EQ(s->inference[0].scenarios[0].multiplier, (std::vector<double>{0.8, 0.8}));  // one per plan year
  EXPECT_EQ(s->inference[0].scenarios[1].multiplier, (std::vector<double>{1.0, 1.5}));
  ASSERT_EQ(s->delivery.size(), 1u);
  EXPECT_EQ(s->delivery[0].provider, 1);
  EXPECT_DOUBLE_EQ(s->delivery[0].median_delay_s, 90 * 86400.0);
  ASSERT_EQ(s->power.size(), 1u);
  EXPECT_DOUBLE_EQ(s->power[0].max_share, 0.3);
  ASSERT_EQ(s->prices.size(), 1u);
  EXPECT_DOUBLE_EQ(s->prices[0].spot_volatility, 0.4);
  ASSERT_EQ(s->disruptions.size(), 1u);
  EXPECT_EQ(s->disruptions[0].jurisdiction, "EU");
  EXPECT_EQ(s->disruptions[0].provider, -1);
}

// The error's text for a bad section: "file:line:column: field: message".
std::string error_of(const std::string& uncertainty) {
  auto s = parse(uncertainty);
  return s ? std::string("accepted") : s.error().to_string();
}

TEST(UncertaintyLoader, RefusesWhatCannotBeSampled) {
  // The section starts on line 22 of the file; `training` is on line 24.
  EXPECT_EQ(error_of("uncertainty:\n  demand:\n    training: {volatility: -0.1}\n"),
            "u.yaml:24:28: uncertainty.demand.training.volatility: volatility -0.1: expected from 0 to 5 per year");
  EXPECT_EQ(error_of("uncertainty:\n  demand:\n    training: {volatility: 0.2, correlation: 1.5}\n"),
            "u.yaml:24:46: uncertainty.demand.training.correlation: correlation 1.5: expected from -1 to 1");
  const std::string sum = error_of(
      "uncertainty:\n  demand:\n    training:\n      scenarios:\n        - {name: a, probability: 0.5, multiplier: 1}\n"
      "        - {name: b, probability: 0.4, multiplier: 2}\n");
  EXPECT_EQ(sum, "u.yaml:26:9: uncertainty.demand.training.scenarios: the scenarios' probabilities sum to 0.9; expected 1");
}

TEST(UncertaintyLoader, UnknownKeysNameTheNearest) {
  const std::string e = error_of("uncertainty:\n  demand:\n    training: {volatilty: 0.2}\n");
  EXPECT_NE(e.find("u.yaml:24:16:"), std::string::npos) << e;
  EXPECT_NE(e.find("volatilty"), std::string::npos) << e;
  EXPECT_NE(e.find("'volatility'"), std::string::npos) << e;
  const std::string p = error_of("uncertainty:\n  delivery:\n    - {provider: gpc, delay: {median: 30d}}\n");
  EXPECT_NE(p.find("unknown provider 'gpc'; did you mean 'gcp'?"), std::string::npos) << p;
  const std::string j = error_of("uncertainty:\n  demand:\n    inference:\n      - {jurisdiction: US, volatility: 0.1}\n");
  EXPECT_NE(j.find("the plan has no inference demand in 'US'"), std::string::npos) << j;
  const std::string d = error_of("uncertainty:\n  disruptions:\n    - {provider: aws, jurisdiction: EU, duration: {median: 30d}}\n");
  EXPECT_NE(d.find("expected one of provider or jurisdiction"), std::string::npos) << d;
}

}  // namespace
}  // namespace gpufleet
