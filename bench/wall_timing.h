// What the wall-clock benchmarks share: the machine they ran on, and best and median of
// repeated runs of one function.
#pragma once

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace gpufleet::bench {

// "Intel(R) Xeon(R) ..., 2 hardware threads".
inline std::string machine() {
  std::string cpu = "unknown CPU";
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  return cpu + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
}

struct Timing {
  double best_s, median_s;
};

// Runs fn `reps` times; fn returns a count of what it produced (the last one kept in `count`).
inline Timing time_it(int reps, const std::function<size_t()>& fn, size_t& count) {
  std::vector<double> seconds;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    count = fn();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return {seconds.front(), seconds[seconds.size() / 2]};
}

}  // namespace gpufleet::bench
