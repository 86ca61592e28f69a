// What the risk benchmarks share: the built-in seven-year plan with a benchmark uncertainty,
// solved (CBC, 60 s limit, 2 threads; not timed) and its commitments read back as `risk
// --plan` reads them. The uncertainty is a benchmark load, not a calibrated model: every
// source on, at sizes that make every branch run (delays, power cuts, disruptions, price walks).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gpufleet/plan.h"
#include "gpufleet/risk.h"

namespace risk_bench {

constexpr const char* kUncertainty = R"(
uncertainty:
  demand:
    training: {model: lognormal, volatility: 0.3, correlation: 0.5}
    inference:
      - {jurisdiction: EU, model: lognormal, volatility: 0.2, correlation: 0.3}
      - {jurisdiction: SG, model: normal, volatility: 0.2}
  delivery:
    - {provider: aws, probability: 0.3, delay: {median: 90d, sigma: 0.5}}
    - {provider: azure, probability: 0.3, delay: {median: 120d, sigma: 0.5}}
    - {provider: oracle, probability: 0.4, delay: {median: 150d, sigma: 0.6}}
  power:
    - {site: aws-us-east-1, probability: 0.2, min_share: 0.1, max_share: 0.3}
  prices:
    - {provider: aws, on_demand_volatility: 0.15, spot_volatility: 0.4}
    - {provider: azure, on_demand_volatility: 0.15, spot_volatility: 0.4}
    - {provider: gcp, on_demand_volatility: 0.15, spot_volatility: 0.4}
  disruptions:
    - {provider: oracle, probability_per_year: 0.05, duration: {median: 120d, sigma: 0.5}}
    - {jurisdiction: SG, probability_per_year: 0.03, duration: {median: 180d, sigma: 0.5}}
)";


// The built-in planning scenario with its own `uncertainty:` section replaced by the bench's.
inline std::string builtin_with_bench_uncertainty() {
  std::string text(gpufleet::default_plan_scenario_yaml());
  const size_t own = text.find("\nuncertainty:");
  if (own != std::string::npos) text.resize(own + 1);
  return text + kUncertainty;
}

[[noreturn]] inline void die(const char* bench, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", bench, what.c_str());
  std::exit(1);
}

struct PlannedFleet {
  gpufleet::PlanInputs inputs;
  gpufleet::UncertaintySpec spec;
  std::vector<gpufleet::Contract> commitments;
};

// The built-in plan, solved, with the benchmark uncertainty; prints what was planned. Its
// `plan --out` folder is kept in keep_dir when given (for timing the command on it).
inline PlannedFleet planned_builtin(const char* bench, const std::filesystem::path* keep_dir = nullptr) {
  PlannedFleet f;
  auto die = [bench](const std::string& what) { risk_bench::die(bench, what); };
  const std::string text = builtin_with_bench_uncertainty();
  auto inputs = gpufleet::load_plan_text(text, "<built-in>+bench");
  if (!inputs) die(inputs.error().to_string());
  auto spec = gpufleet::parse_uncertainty_section(*inputs, text, "<built-in>+bench");
  if (!spec) die(spec.error().to_string());

  gpufleet::PlanOptions po;
  po.time_limit_s = 60;
  po.threads = 2;
  po.marginals = false;
  auto plan = gpufleet::run_plan(*inputs, po);
  if (!plan) die(plan.error().to_string());
  if (auto ok = gpufleet::prepare_plan_inputs(*inputs); !ok) die(ok.error().to_string());
  const auto dir = keep_dir ? *keep_dir : std::filesystem::temp_directory_path() / "gpufleet-bench-risk-plan";
  if (auto w = gpufleet::write_plan_results(*plan, *inputs, dir.string()); !w) die(w.error().to_string());
  auto commitments = gpufleet::read_plan_commitments(*inputs, dir.string());
  if (!commitments) die(commitments.error().to_string());
  std::printf("%s: built-in plan (%s, objective $%.3fB), %zu commitments + %zu existing contracts, %d periods\n",
              bench, std::string(gpufleet::to_string(plan->status)).c_str(), plan->objective_usd / 1e9, commitments->size(),
              inputs->scenario.contracts.size(), inputs->periods);

  if (!keep_dir) std::filesystem::remove_all(dir);
  f.inputs = std::move(*inputs);
  f.spec = std::move(*spec);
  f.commitments = std::move(*commitments);
  return f;
}

}  // namespace risk_bench
