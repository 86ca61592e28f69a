// bench_risk: `risk` with the period model on the built-in seven-year plan (5 providers, 14
// sites, 28 quarters), opt-in (-DGPUFLEET_BENCH=ON). The plan is solved first (CBC, 0.5% gap,
// 60 s limit, 2 threads; not timed); then 10,000 futures of it (the built-in contracts plus the
// plan's commitments) are evaluated under the uncertainty below, 5 times on 2 threads and 5
// times on 1, and the best and median wall time of each are printed (target: under 5 s).
// Then the whole command, as a user runs it (the process, loading, the futures, the summary,
// the table; no --out): `gpufleet risk` with --threads 1 and 2, and, when mpirun is found,
// `mpirun -n 1` and `mpirun -n 2` of it with --threads 1 (one core per rank), 5 times each;
// best and median wall time, the median CPU seconds of the command's processes (what the work
// costs whatever else runs on the machine), and the speed-ups 1 -> 2 threads and 1 -> 2 ranks.
// The uncertainty is a benchmark load, not a calibrated model: every source on, at sizes that
// make every branch of the period model run (delays, power cuts, disruptions, price walks).
//   build/bench_risk [FUTURES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>

#include "gpufleet/plan.h"
#include "gpufleet/risk.h"
#include "risk_bench_support.h"

namespace {


[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_risk: %s\n", what.c_str());
  std::exit(1);
}

struct Timing {
  double best = 0, median = 0;
  double cpu_median = 0;  // CPU seconds (user + system) of the command's processes, median
};

Timing best_and_median(std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  return {seconds.front(), seconds[seconds.size() / 2], 0};
}

double children_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The wall time of `command` (a shell command line) 5 times; its output is discarded and a
// failure ends the bench.
Timing time_command(const std::string& command) {
  std::vector<double> seconds, cpu;
  for (int rep = 0; rep < 5; ++rep) {
    const double c0 = children_cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    const int raw = std::system((command + " >/dev/null 2>/tmp/gpufleet-bench-risk.err").c_str());
    const auto t1 = std::chrono::steady_clock::now();
    if (!WIFEXITED(raw) || WEXITSTATUS(raw) != 0) die("failed (see /tmp/gpufleet-bench-risk.err): " + command);
    seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    cpu.push_back(children_cpu_seconds() - c0);
  }
  Timing t = best_and_median(std::move(seconds));
  t.cpu_median = best_and_median(std::move(cpu)).median;
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t futures = argc > 1 ? std::atoll(argv[1]) : 10000;
  const std::string text = risk_bench::builtin_with_bench_uncertainty();
  const auto dir = std::filesystem::temp_directory_path() / "gpufleet-bench-risk-plan";
  risk_bench::PlannedFleet fleet = risk_bench::planned_builtin("bench_risk", &dir);
  const gpufleet::PlanInputs* inputs = &fleet.inputs;
  const gpufleet::UncertaintySpec* spec = &fleet.spec;
  const std::vector<gpufleet::Contract>* commitments = &fleet.commitments;

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
    const Timing t = best_and_median(std::move(seconds));
    std::printf("risk/period_model futures=%lld threads=%d: best %.3f s, median %.3f s (5 runs) | cost mean $%.3fB, P95 $%.3fB, CVaR95 $%.3fB\n",
                static_cast<long long>(futures), threads, t.best, t.median, last.cost.mean / 1e9, last.cost.p95 / 1e9,
                last.cost.cvar95 / 1e9);
  }

  // The command, on threads and on MPI ranks.
  const auto scenario = dir / "scenario.yaml";
  std::ofstream(scenario) << text;
  const std::string risk = std::string(GPUFLEET_BINARY) + " risk " + scenario.string() + " --plan " + dir.string() + " --futures " +
                           std::to_string(futures) + " --quiet";
  const Timing one = time_command(risk + " --threads 1"), two = time_command(risk + " --threads 2");
  std::printf("gpufleet risk futures=%lld --threads 1: best %.3f s, median %.3f s (%.2f CPU s); --threads 2: best %.3f s, median %.3f s (%.2f CPU s); speed-up %.2fx (best), %.2fx (median)\n",
              static_cast<long long>(futures), one.best, one.median, one.cpu_median, two.best, two.median, two.cpu_median, one.best / two.best,
              one.median / two.median);
  if (std::system("command -v mpirun >/dev/null 2>&1") != 0) {
    std::printf("mpirun not found: the ranks' figures are skipped (bash scripts/setup.sh installs openmpi-bin)\n");
  } else {
    const std::string mpirun = "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n ";
    const Timing r1 = time_command(mpirun + "1 " + risk + " --threads 1"), r2 = time_command(mpirun + "2 " + risk + " --threads 1");
    std::printf("mpirun -n 1 gpufleet risk futures=%lld --threads 1: best %.3f s, median %.3f s (%.2f CPU s); -n 2: best %.3f s, median %.3f s (%.2f CPU s); speed-up %.2fx (best), %.2fx (median)\n",
                static_cast<long long>(futures), r1.best, r1.median, r1.cpu_median, r2.best, r2.median, r2.cpu_median, r1.best / r2.best,
                r1.median / r2.median);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
