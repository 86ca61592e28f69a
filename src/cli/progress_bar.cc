#include "cli/progress_bar.h"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace gpufleet::cli {

ProgressBar::ProgressBar(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\r\033[2K", stderr);
}

void ProgressBar::update(double fraction) {
  if (!enabled_) return;
  const int percent = static_cast<int>(fraction * 100.0);
  if (percent == last_percent_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (elapsed < 1.0) return;
  last_percent_ = percent;
  constexpr int kWidth = 40;
  const int filled = percent * kWidth / 100;
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  fmt::print(stderr, "\r{} [{}] {:3}% {:.0f}s", label_, bar, percent, elapsed);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace gpufleet::cli
