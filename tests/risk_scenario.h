// The scenario the end-to-end tests of `gpufleet risk` share.
#pragma once

namespace gpufleet::testing {

// A small plan (two providers, two jurisdictions, two years of quarters) with an uncertainty
// section after its plan section.
inline constexpr const char* kRiskScenario = R"(name: risk-e2e
start: 2026-01-01
horizon: 30d
seed: 7
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700, speed_factor: 1.0}
providers:
  - name: aws
  - name: gcp
sites:
  - {name: aws-east, provider: aws, region: us-east-1, jurisdiction: US, power_cap_mw: 50, pue: 1.2, electricity_usd_per_mwh: 80}
  - {name: gcp-eu, provider: gcp, region: europe-west4, jurisdiction: EU, power_cap_mw: 50, pue: 1.1, electricity_usd_per_mwh: 90}
markets:
  - {site: aws-east, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.0, on_demand_gpus: 4096}
  - {site: gcp-eu, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.5, on_demand_gpus: 4096}
plan:
  horizon: 2y
  period: quarter
  discount_rate: 0.08
  demand:
    training: {gpu_hours_per_period: 2.0e6, growth_per_year: 1.5, critical_share: 0.5}
    inference:
      - {jurisdiction: EU, gpus: 500, growth_per_year: 1.2, critical_share: 0.9}
  offers:
    - {site: aws-east, accelerator: H100-SXM, terms: {1y: 3.0, 2y: 2.6}, block_gpus: 256}
    - {site: gcp-eu, accelerator: H100-SXM, terms: {1y: 3.2}, block_gpus: 256}
uncertainty:
  demand:
    training: {model: lognormal, volatility: 0.3, correlation: 0.5}
    inference:
      - {jurisdiction: EU, volatility: 0.2}
  delivery:
    - {provider: gcp, probability: 0.5, delay: {median: 60d, sigma: 0.5}}
  prices:
    - {provider: aws, on_demand_volatility: 0.2}
  disruptions:
    - {jurisdiction: EU, probability_per_year: 0.3, duration: {median: 60d, sigma: 0.5}}
)";

}  // namespace gpufleet::testing
