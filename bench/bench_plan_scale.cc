// bench_plan_scale: the planner's solve time and gap against the model's size, opt-in
// (-DGPUFLEET_BENCH=ON). Instances are grown from the built-in plan (bench/plan_instances.h).
//   bench_plan_scale [--time-limit S] [--runs N] [SITESxQUARTERSxACCELERATORS[m] ...]
// "60x56x8" = 60 sites, 56 quarters, 8 accelerators; a trailing "m" plans the same span in
// months. With no sizes: the table of issue 9 (14/30/60 sites x 28q/56q/84 months x 4/8
// accelerators). Each line: status, objective, LP bound, gap, wall time of run_plan (build,
// solve, marginals, verify: what `gpufleet plan` spends), best and median of the runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "plan_instances.h"

namespace {

struct Size {
  int sites, quarters, accelerators, period_months;
};

bool parse(const char* text, Size& s) {
  char m = 0;
  const int n = std::sscanf(text, "%dx%dx%d%c", &s.sites, &s.quarters, &s.accelerators, &m);
  s.period_months = (n == 4 && m == 'm') ? 1 : 3;
  if (s.period_months == 1) s.quarters /= 3;  // "14x84x4m": 84 months
  return n >= 3 && s.sites > 0 && s.quarters > 0 && s.accelerators > 0;
}

}  // namespace

int main(int argc, char** argv) {
  double limit = 60;
  int runs = 1;
  std::vector<Size> sizes;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--time-limit") && i + 1 < argc) {
      limit = std::atof(argv[++i]);
    } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      Size s{};
      if (!parse(argv[i], s)) {
        std::fprintf(stderr, "expected SITESxQUARTERSxACCELERATORS[m], got %s\n", argv[i]);
        return 2;
      }
      sizes.push_back(s);
    }
  }
  if (sizes.empty())
    for (int a : {4, 8})
      for (int s : {14, 30, 60})
        for (Size p : {Size{0, 28, 0, 3}, Size{0, 56, 0, 3}, Size{0, 28, 0, 1}}) sizes.push_back({s, p.quarters, a, p.period_months});

  std::printf("time limit %.0f s, %d run(s) each, 2 threads\n", limit, runs);
  std::printf("%-12s %7s %7s %6s  %-14s %10s %10s %7s %9s %9s\n", "size", "rows", "cols", "ints", "status", "objective",
              "bound", "gap", "best_s", "median_s");
  for (const Size& s : sizes) {
    const gpufleet::PlanInputs in = gpufleet::bench::scaled_plan_inputs(s.sites, s.quarters, s.accelerators, s.period_months);
    gpufleet::PlanOptions o;
    o.time_limit_s = limit;
    o.relative_gap = 0.005;
    o.threads = 2;
    std::vector<double> wall;
    gpufleet::PlanResult last;
    for (int r = 0; r < runs; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      auto result = gpufleet::run_plan(in, o);
      wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      if (!result) {
        std::printf("%dx%dx%d: %s\n", s.sites, s.quarters, s.accelerators, result.error().to_string().c_str());
        break;
      }
      last = std::move(*result);
    }
    if (wall.size() < static_cast<size_t>(runs)) continue;
    std::sort(wall.begin(), wall.end());
    const std::string name = std::to_string(s.sites) + "x" +
                             (s.period_months == 1 ? std::to_string(s.quarters * 3) + "m" : std::to_string(s.quarters) + "q") +
                             "x" + std::to_string(s.accelerators);
    std::printf("%-12s %7d %7d %6d  %-14s %9.2fB %9.2fB %6.2f%% %9.2f %9.2f\n", name.c_str(), last.size.rows,
                last.size.columns, last.size.integers, std::string(gpufleet::to_string(last.status)).c_str(),
                last.objective_usd / 1e9, last.best_bound_usd / 1e9, 100 * last.gap, wall.front(), wall[wall.size() / 2]);
    std::string passes;
    for (const auto& t : last.timings) passes += " " + t.name + " " + std::to_string(t.seconds).substr(0, 5);
    std::string search;
    for (const auto& p : last.search)
      search += " " + p.name + " " + std::to_string(p.seconds).substr(0, 5) + (p.incumbent_usd < 0 ? "(none)" : "(plan)");
    std::printf("             passes:%s | search:%s | %s\n", passes.c_str(), search.c_str(), last.solver_status.c_str());
    std::fflush(stdout);
  }
  return 0;
}
