// bench_catalog_read: how fast SkyPilot price catalogues become per-GPU prices per region.
//   import  read_skypilot_catalog on the whole file: file read + parse + aggregation
//   parse   read_skypilot_catalog_text on the file already in memory
// on the shared catalogues: azure (56,671 rows), gcp (31,285 rows), lambda (425 rows) and the
// AWS excerpt (83 rows), with the default name map.
// Usage: bench_catalog_read [repetitions (default 5)]
// Prints the best and median wall time of each, the rows and (region, accelerator) prices, and
// the machine. Skips a file with a message when it is absent.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "io/catalog/skypilot_catalog.h"
#include "util/atomic_file.h"
#include "wall_timing.h"

namespace {

using gpufleet::bench::Timing;

void report(const char* what, const std::string& input, int reps, Timing t, int64_t rows, size_t prices) {
  std::printf("%-7s %-36s reps %2d  best %8.2f ms  median %8.2f ms  rows %6lld  prices %4zu  (%.2f M rows/s)\n", what,
              input.c_str(), reps, t.best_s * 1e3, t.median_s * 1e3, static_cast<long long>(rows), prices,
              static_cast<double>(rows) / t.best_s / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const std::string root = std::string(GPUFLEET_SHARED_DATA) + "/skypilot_catalog/";
  std::printf("bench_catalog_read on %s\n", gpufleet::bench::machine().c_str());
#ifdef NDEBUG
  std::printf("build: optimised (NDEBUG)\n");
#else
  std::printf("build: WITH ASSERTIONS (not a release build; times are pessimistic)\n");
#endif
  for (const std::string name : {"anycloud-sh_catalog/azure/vms.csv", "anycloud-sh_catalog/gcp/vms.csv",
                                 "anycloud-sh_catalog/lambda/vms.csv", "aws/vms.gpu-p4d-p5en-excerpt.csv"}) {
    const std::string path = root + name;
    if (!std::filesystem::exists(path)) {
      std::printf("%s: skipped, absent\n", path.c_str());
      continue;
    }
    int64_t rows = 0;
    size_t prices = 0;
    const Timing import = gpufleet::bench::time_it(reps, [&] {
      auto c = gpufleet::read_skypilot_catalog(path);
      if (!c) {
        std::fprintf(stderr, "%s\n", c.error().to_string().c_str());
        std::exit(1);
      }
      rows = c->rows;
      return c->prices.size();
    }, prices);
    report("import", name, reps, import, rows, prices);
    auto text = gpufleet::read_file(path);
    if (!text) return 1;
    const Timing parse = gpufleet::bench::time_it(reps, [&] {
      auto c = gpufleet::read_skypilot_catalog_text(*text, path);
      return c ? c->prices.size() : 0;
    }, prices);
    report("parse", "(in memory, " + std::to_string(text->size()) + " bytes)", reps, parse, rows, prices);
  }
  return 0;
}
