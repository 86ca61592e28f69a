// The small risk scenario the end-to-end tests of risk, compare and the risk report share:
// two providers, two jurisdictions, two years of quarters, an uncertainty section after the
// plan section.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "command_runner.h"

namespace gpufleet::testing {

inline const char* kRiskScenario = R"(name: risk-e2e
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

inline std::filesystem::path write_risk_scenario(const std::filesystem::path& dir, const std::string& text, const std::string& name = "risk.yaml") {
  const std::filesystem::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

// Two plans of kRiskScenario (plan-a as written, plan-b planned for training growth 2.0)
// evaluated by `risk` on the same 200 futures of kRiskScenario into work/risk-a and
// work/risk-b; `risk_a_extra` is appended to the first risk command (--report, --sweep).
// Returns "" or what failed.
inline std::string write_two_plans_on_the_same_futures(const std::filesystem::path& work, const std::string& risk_a_extra = "") {
  const std::filesystem::path scenario = write_risk_scenario(work, kRiskScenario);
  std::string fast = kRiskScenario;
  fast.replace(fast.find("growth_per_year: 1.5"), 20, "growth_per_year: 2.0");
  const std::filesystem::path planned_fast = write_risk_scenario(work, fast, "fast.yaml");
  for (const auto& [yaml, out] : {std::pair{scenario, "plan-a"}, std::pair{planned_fast, "plan-b"}}) {
    const auto p = run_gpufleet("plan " + yaml.string() + " --quiet --out " + (work / out).string());
    if (p.status != 0) return "plan " + yaml.string() + ": " + p.err;
  }
  const std::string risk = "risk " + scenario.string() + " --futures 200 --quiet";
  for (const auto& [plan, extra] : {std::pair{std::string("a"), risk_a_extra}, std::pair{std::string("b"), std::string()}}) {
    const auto r = run_gpufleet(risk + " --plan " + (work / ("plan-" + plan)).string() + " --out " + (work / ("risk-" + plan)).string() + " " + extra);
    if (r.status != 0) return "risk of plan-" + plan + ": " + r.err;
  }
  return "";
}

}  // namespace gpufleet::testing
