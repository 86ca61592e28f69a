// A progress bar on stderr for long runs: drawn only when stderr is a terminal, not quiet,
// and the run has lasted more than a second. Not thread-safe; call from the simulating thread.
#pragma once

#include <chrono>
#include <string>

namespace gpufleet::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled);
  ~ProgressBar();  // clears the line if anything was drawn
  // fraction in [0, 1].
  void update(double fraction);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace gpufleet::cli
