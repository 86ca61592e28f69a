// bench_stochastic_plan: `plan --futures N` on the built-in plan with its own uncertainty:
// section (the L-shaped method above kExtensiveFormFutures), opt-in (-DGPUFLEET_BENCH=ON). For
// each horizon and each N given, REPS runs (default 1: a run takes up to minutes) of the
// stochastic plan alone (no VSS or EVPI), gap 1%, 2 threads, time limit 300 s; prints wall time
// (best and median), status, gap, the L-shaped rounds and cuts, and the expected cost.
//   build-bench/bench_stochastic_plan [REPS [N ... | Yy ...]]
// N: futures (default 10 50 100 200); Yy: the horizon in years, in quarters (default 7y, the
// built-in's 28 quarters; 3y and 5y give 12 and 20).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gpufleet/plan.h"
#include "gpufleet/risk.h"

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
  std::vector<int64_t> sizes;
  std::vector<int> years;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (!a.empty() && a.back() == 'y') years.push_back(std::atoi(a.c_str()));
    else sizes.push_back(std::atoll(a.c_str()));
  }
  if (sizes.empty()) sizes = {10, 50, 100, 200};
  if (years.empty()) years = {7};
  const std::string builtin(gpufleet::default_plan_scenario_yaml());
  const std::string key = "  horizon: 7y";
  const size_t at = builtin.find(key);
  if (at == std::string::npos) return std::fprintf(stderr, "the built-in plan has no '%s'\n", key.c_str()), 1;
  for (int y : years) {
    std::string text = builtin;
    text.replace(at, key.size(), "  horizon: " + std::to_string(y) + "y");
    auto inputs = gpufleet::load_plan_text(text, "<built-in>");
    if (!inputs) return std::fprintf(stderr, "%s\n", inputs.error().to_string().c_str()), 1;
    auto spec = gpufleet::parse_uncertainty_section(*inputs, text, "<built-in>");
    if (!spec) return std::fprintf(stderr, "%s\n", spec.error().to_string().c_str()), 1;
    for (int64_t n : sizes) {
      std::vector<double> seconds;
      gpufleet::StochasticPlanResult last;
      for (int rep = 0; rep < reps; ++rep) {
        gpufleet::StochasticPlanOptions o;
        o.futures = n;
        o.evaluation_futures = 0;
        o.perfect_information_futures = 0;
        o.plan.relative_gap = 0.01;
        o.plan.time_limit_s = 300;
        o.plan.threads = 2;
        const auto t0 = std::chrono::steady_clock::now();
        auto r = gpufleet::run_stochastic_plan(*inputs, *spec, o);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        if (!r) return std::fprintf(stderr, "%s\n", r.error().to_string().c_str()), 1;
        last = std::move(*r);
      }
      std::sort(seconds.begin(), seconds.end());
      std::printf("plan --futures %lld (built-in, %d quarters, gap 1%%, 2 threads): best %.1f s, median %.1f s (%d runs) | %s, gap %.3f%% | "
                  "%s | expected cost $%.2fB, CVaR95 $%.2fB\n",
                  static_cast<long long>(n), inputs->periods, seconds.front(), seconds[seconds.size() / 2], reps,
                  std::string(gpufleet::to_string(last.plan.status)).c_str(), 100 * last.plan.gap, last.plan.solver.c_str(),
                  last.plan.expected_cost_usd / 1e9, last.plan.cvar_usd / 1e9);
      std::fflush(stdout);
    }
  }
  return 0;
}
