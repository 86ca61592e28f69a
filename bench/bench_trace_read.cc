// bench_trace_read: how fast the workload stage turns input into jobs.
//   read     read_philly_trace on the whole philly.csv (82,247 jobs): file read + parse
//   parse    read_philly_trace_text on the file already in memory: parse only
//   generate build_workload of one generated class of 10 million jobs (no trace)
// Usage: bench_trace_read [repetitions (default 20)] [philly.csv path]
// Prints the best and median wall time of each, the job counts and the machine. Skips the
// trace benchmarks with a message when the file is absent.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "gpufleet/workload.h"
#include "util/atomic_file.h"
#include "wall_timing.h"

namespace {

using gpufleet::bench::machine;
using gpufleet::bench::time_it;
using gpufleet::bench::Timing;

void report(const char* what, const std::string& input, int reps, Timing t, size_t jobs) {
  std::printf("%-9s %-48s reps %3d  best %8.2f ms  median %8.2f ms  jobs %zu  (%.1f M jobs/s)\n",
              what, input.c_str(), reps, t.best_s * 1e3, t.median_s * 1e3, jobs,
              static_cast<double>(jobs) / t.best_s / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  const std::string path =
      argc > 2 ? argv[2] : std::string(GPUFLEET_SHARED_DATA) + "/philly/philly.csv";
  std::printf("bench_trace_read on %s\n", machine().c_str());
#ifdef NDEBUG
  std::printf("build: optimised (NDEBUG)\n");
#else
  std::printf("build: WITH ASSERTIONS (not a release build; times are pessimistic)\n");
#endif

  if (!std::filesystem::exists(path)) {
    std::printf("read/parse: skipped, %s is absent\n", path.c_str());
  } else {
    size_t jobs = 0;
    const Timing read = time_it(reps, [&] {
      auto w = gpufleet::read_philly_trace(path);
      if (!w) {
        std::fprintf(stderr, "%s\n", w.error().to_string().c_str());
        std::exit(1);
      }
      return w->jobs.size();
    }, jobs);
    report("read", path, reps, read, jobs);
    std::printf("          target: under 100 ms per read -> %s\n",
                read.median_s < 0.1 ? "met" : "NOT MET");

    auto text = gpufleet::read_file(path);
    if (!text) return 1;
    const Timing parse = time_it(reps, [&] {
      auto w = gpufleet::read_philly_trace_text(*text, path, {});
      return w ? w->jobs.size() : 0;
    }, jobs);
    report("parse", "(in memory, " + std::to_string(text->size()) + " bytes)", reps, parse, jobs);
  }

  gpufleet::Scenario s;
  s.source_file = "<bench>";
  s.seed = 7;
  gpufleet::JobClass c;
  c.name = "research";
  c.tenant = "research";
  c.gpus = {1, 2, 4, 8, 16};
  c.gpus_weight = {0.70, 0.10, 0.08, 0.10, 0.02};
  c.duration_median_s = 900;
  c.duration_sigma = 2;
  s.horizon_s = 365 * gpufleet::kSecondsPerDay;
  c.arrivals_per_hour = 1e7 / (365 * 24);  // about 10 million jobs in the year
  s.workload.classes.push_back(c);
  const int gen_reps = std::max(1, std::min(reps, 3));
  size_t jobs = 0;
  const Timing gen = time_it(gen_reps, [&] {
    auto w = gpufleet::build_workload(s);
    return w ? w->jobs.size() : 0;
  }, jobs);
  report("generate", "1 class, 1,141.55 arrivals/h for 365 d", gen_reps, gen, jobs);
  return 0;
}
