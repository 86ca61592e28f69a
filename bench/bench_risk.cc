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

#include "risk_bench_support.h"

int main(int argc, char** argv) {
  const int64_t futures = argc > 1 ? std::atoll(argv[1]) : 10000;
  risk_bench::PlannedFleet f = risk_bench::planned_builtin("bench_risk");
  auto* inputs = &f.inputs;
  auto* spec = &f.spec;
  auto* commitments = &f.commitments;
  auto die = [](const std::string& what) { risk_bench::die("bench_risk", what); };
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
  return 0;
}
