#include "serve/job_record.h"

namespace gpufleet::serve {

namespace {
constexpr std::string_view kNames[kJobStates] = {"queued", "running", "finished", "cancelled", "unplaceable", "failed"};
}

std::string_view to_string(JobState state) { return kNames[static_cast<size_t>(state)]; }

bool job_state_from_string(std::string_view text, JobState& out) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == text) {
      out = static_cast<JobState>(i);
      return true;
    }
  }
  return false;
}

}  // namespace gpufleet::serve
