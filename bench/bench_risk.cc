// bench_risk: `risk` with the period model on the built-in seven-year plan (5 providers, 14
// sites, 28 quarters), opt-in (-DGPUFLEET_BENCH=ON). The plan is solved first (CBC, 0.5% gap,
// 60 s limit, 2 threads; not timed); then 10,000 futures of it (the built-in contracts plus the
// plan's commitments) are evaluated under the uncertainty below, 5 times on 2 threads and 5
// times on 1, and the best and median wall time of each are printed (target: under 5 s).
// The uncertainty is a benchmark load, not a calibrated model: every source on, at sizes that
// make every branch of the period model run (delays, power cuts, disruptions, price walks).
//   build/bench_risk [FUTURES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gpufleet/plan.h"
#include "gpufleet/risk.h"

namespace {

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

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_risk: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t futures = argc > 1 ? std::atoll(argv[1]) : 10000;
  const std::string text = std::string(gpufleet::default_plan_scenario_yaml()) + kUncertainty;
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
  const auto dir = std::filesystem::temp_directory_path() / "gpufleet-bench-risk-plan";
  if (auto w = gpufleet::write_plan_results(*plan, *inputs, dir.string()); !w) die(w.error().to_string());
  auto commitments = gpufleet::read_plan_commitments(*inputs, dir.string());
  if (!commitments) die(commitments.error().to_string());
  std::printf("bench_risk: built-in plan (%s, objective $%.3fB), %zu commitments + %zu existing contracts, %d periods\n",
              std::string(gpufleet::to_string(plan->status)).c_str(), plan->objective_usd / 1e9, commitments->size(),
              inputs->scenario.contracts.size(), inputs->periods);

  for (int threads : {2, 1}) {
    std::vector<double> seconds;
    gpufleet::RiskResult last;
    for (int rep = 0; rep < 5; ++rep) {
      gpufleet::RiskOptions ro;
      ro.futures = futures;
      ro.threads = threads;
      const auto t0 = std::chrono::steady_clock::now();
      auto r = gpufleet::run_risk(*inputs, *spec, *commitments, ro);
      const auto t1 = std::chrono::steady_clock::now();
      if (!r) die(r.error().to_string());
      seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
      last = std::move(*r);
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("risk/period_model futures=%lld threads=%d: best %.3f s, median %.3f s (5 runs) | cost mean $%.3fB, P95 $%.3fB, CVaR95 $%.3fB\n",
                static_cast<long long>(futures), threads, seconds.front(), seconds[seconds.size() / 2], last.cost.mean / 1e9,
                last.cost.p95 / 1e9, last.cost.cvar95 / 1e9);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
