// bench_risk_simulate: `risk --simulate` on the built-in seven-year plan, opt-in
// (-DGPUFLEET_BENCH=ON). The plan is solved first (not timed; risk_bench_support.h); then 100
// futures of it (the built-in contracts plus the plan's commitments, under the benchmark
// uncertainty) are each replayed through the simulator with the built-in from_plan_demand
// workload at the future's demand: REPS times on 2 threads and REPS times on 1, and the best
// and median wall time of each are printed with the speed-up (target: 100 futures under 60 s
// on 2 threads).
//   build-bench/bench_risk_simulate [FUTURES [REPS]]      (defaults 100 and 3)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "risk_bench_support.h"

int main(int argc, char** argv) {
  const int64_t futures = argc > 1 ? std::atoll(argv[1]) : 100;
  const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  risk_bench::PlannedFleet f = risk_bench::planned_builtin("bench_risk_simulate");
  double best_two = 0;
  for (int threads : {2, 1}) {
    std::vector<double> seconds;
    gpufleet::RiskResult last;
    for (int rep = 0; rep < reps; ++rep) {
      gpufleet::RiskOptions ro;
      ro.futures = futures;
      ro.threads = threads;
      ro.fidelity = gpufleet::RiskFidelity::simulator;
      const auto t0 = std::chrono::steady_clock::now();
      auto r = gpufleet::run_risk(f.inputs, f.spec, f.commitments, ro);
      const auto t1 = std::chrono::steady_clock::now();
      if (!r) risk_bench::die("bench_risk_simulate", r.error().to_string());
      seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
      last = std::move(*r);
    }
    std::sort(seconds.begin(), seconds.end());
    if (threads == 2) best_two = seconds.front();
    std::printf("risk/simulator futures=%lld threads=%d: best %.2f s, median %.2f s (%d runs)%s | cost mean $%.3fB, P95 $%.3fB, "
                "GPU-hours short mean %.3g\n",
                static_cast<long long>(futures), threads, seconds.front(), seconds[seconds.size() / 2], reps,
                threads == 1 ? (" | speed-up 1 -> 2 threads x" + std::to_string(seconds.front() / best_two).substr(0, 4)).c_str() : "",
                last.cost.mean / 1e9, last.cost.p95 / 1e9, last.shortfall_total.mean);
  }
  return 0;
}
