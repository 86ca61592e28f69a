#include "cli/progress_line.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <unistd.h>

#include "util/human_format.h"

namespace gpufleet::cli {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Wall time to a tenth of a second under two minutes ("3.4 s"), then as human_duration.
ProgressLine* open_line = nullptr;  // the line whose phase is open, if any (one thread)

std::string wall_text(double s) { return s < 120 ? fmt::format("{:.1f} s", s) : human_duration(s); }

}  // namespace

ProgressLine::ProgressLine(bool enabled, bool stderr_forwarded)
    : enabled_(enabled && (stderr_forwarded || ::isatty(STDERR_FILENO) == 1)) {
  if (!enabled_) return;
  if (const char* d = std::getenv("GPUFLEET_PROGRESS_DELAY_S")) {
    char* end = nullptr;
    const double v = std::strtod(d, &end);
    if (end != d && *end == '\0' && v >= 0 && v <= 3600) delay_s_ = v;
  }
  thread_ = std::thread([this] { run(); });
}

ProgressLine::~ProgressLine() {
  end();
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void ProgressLine::begin(std::string label) {
  end();
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  open_ = true;
  drawn_ = false;
  label_ = std::move(label);
  detail_.clear();
  start_ = std::chrono::steady_clock::now();
  open_line = this;
}

void ProgressLine::detail(std::string text) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  detail_ = std::move(text);
}

void ProgressLine::end() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (!open_) return;
  if (drawn_ || seconds_since(start_) >= delay_s_) draw(true);
  open_ = false;
  if (open_line == this) open_line = nullptr;
}

void end_open_progress_line() {
  if (open_line) open_line->end();
}

void ProgressLine::draw(bool final) {
  const double elapsed = seconds_since(start_);
  const std::string detail = detail_.empty() ? "" : detail_ + ", ";
  // \r and erase-line: each redraw replaces the last; the final one ends the line.
  fmt::print(stderr, "\r\033[2K{}: {}{}", label_, detail,
             final ? "done in " + wall_text(elapsed) : wall_text(elapsed) + " elapsed");
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::milliseconds(250));
    if (!stop_ && open_ && seconds_since(start_) >= delay_s_) draw(false);
  }
}

std::string rate_and_eta(double fraction, double events, double wall_s) {
  if (!(wall_s > 0)) return "";
  const double rate = events / wall_s;
  const std::string r = rate >= 1e6 ? fmt::format("{:.1f} M events/s", rate / 1e6)
                                    : fmt::format("{} events/s", with_commas(rate));
  if (!(fraction > 0) || fraction >= 1) return r;
  return fmt::format("{}, ETA {}", r, human_duration(wall_s * (1 - fraction) / fraction));
}

}  // namespace gpufleet::cli
