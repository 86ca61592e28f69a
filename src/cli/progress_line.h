// The progress of a command's phases on stderr, one line per phase ("reading", "building the
// workload", "simulating", "writing", "planning"). Drawn only when enabled (not --quiet) and
// stderr is a terminal (or forwarded to one), once the phase has lasted a second (GPUFLEET_PROGRESS_DELAY_S sets
// another delay in seconds, for tests), then redrawn four times a second with the phase's
// latest detail and its elapsed time. A phase that lasted the delay ends with a final line
// and a newline; a shorter one leaves nothing behind.
// Thread safety: a thread of its own draws; detail() may be called from any thread, begin()
// and end() from the thread that owns the object. Nothing else may write to stderr while a
// phase is open.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace gpufleet::cli {

class ProgressLine {
 public:
  // stderr_forwarded: draw even though stderr is not a terminal, because a launcher forwards
  // it to one it cannot tell of (mpirun: a rank's stderr is always a pipe to mpirun).
  explicit ProgressLine(bool enabled, bool stderr_forwarded = false);
  ~ProgressLine();  // ends the open phase
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void begin(std::string label);  // ends the open phase, if any, and opens this one
  void detail(std::string text);  // where the open phase is ("2026-07-14, 45%, ETA 12 s")
  void end();                     // ends the open phase, if any

 private:
  void draw(bool final);  // REQUIRES: mutex_ held
  void run();             // the drawing thread

  bool enabled_;
  double delay_s_ = 1.0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool open_ = false;
  bool drawn_ = false;
  std::string label_, detail_;
  std::chrono::steady_clock::time_point start_;
  std::thread thread_;
};

// Ends the phase open in any ProgressLine, so that an error message printed next starts on a
// line of its own (exit_bad_input calls it). Call from the thread that owns the lines.
void end_open_progress_line();

// "1.2 M events/s, ETA 12 s": a simulation's rate and time left, from the fraction of the
// horizon simulated, the events handled so far and the wall seconds they took.
std::string rate_and_eta(double fraction, double events, double wall_s);

}  // namespace gpufleet::cli
