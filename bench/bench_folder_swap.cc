// bench_folder_swap RESULTS_DIR [REPS]: what replacing a results folder whole costs beyond
// writing its files: FolderSwap::begin (leftover scan, fresh sibling), run.json with the digest
// of every file (each file read back and hashed), and FolderSwap::commit (sync, exchange,
// removal of the old set). The files of RESULTS_DIR (e.g. `gpufleet simulate --out D` of the
// built-in scenario) are copied into the fresh folder outside the timed part: writing them is
// the run's cost either way. Prints the best and the median of REPS (default 15) swaps.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gpufleet/report.h"
#include "util/atomic_folder.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_folder_swap RESULTS_DIR [REPS]\n");
    return 2;
  }
  const fs::path source = argv[1];
  const int reps = argc > 2 ? std::stoi(argv[2]) : 15;
  const fs::path target = fs::temp_directory_path() / "bench-folder-swap" / "out";
  fs::remove_all(target.parent_path());
  std::vector<double> ms;
  uintmax_t bytes = 0;
  for (int r = 0; r < reps + 1; ++r) {  // the first fills the target: not counted
    using clock = std::chrono::steady_clock;
    gpufleet::FolderSwap swap;
    auto t0 = clock::now();
    if (auto ok = swap.begin(target.string()); !ok) return std::fprintf(stderr, "%s\n", ok.error().to_string().c_str()), 1;
    double elapsed = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    bytes = 0;
    for (const auto& e : fs::directory_iterator(source))
      if (e.path().filename() != "run.json") {
        fs::copy_file(e.path(), fs::path(swap.staging()) / e.path().filename());
        bytes += e.file_size();
      }
    t0 = clock::now();
    if (auto ok = gpufleet::write_run_record(swap.staging(), "simulate", "bench"); !ok) return 1;
    if (auto ok = swap.commit(); !ok) return std::fprintf(stderr, "%s\n", ok.error().to_string().c_str()), 1;
    elapsed += std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    if (r > 0) ms.push_back(elapsed);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("folder swap of %s (%.1f MB, %d reps): best %.2f ms, median %.2f ms\n", source.c_str(), bytes / 1e6, reps,
              ms.front(), ms[ms.size() / 2]);
  fs::remove_all(target.parent_path());
  return 0;
}
