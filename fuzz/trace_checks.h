// What every trace reader's fuzz target asserts of a result: a Workload of valid, sorted jobs
// with known tenants, or an Error that says what was expected.
#pragma once

#include <cstdlib>

#include "gpufleet/workload.h"

namespace gpufleet::fuzz {

inline void check_trace(const gpufleet::Result<gpufleet::Workload>& w) {
  if (!w) {
    if (w.error().message.empty()) std::abort();  // every error says what was expected
    return;
  }
  if (w->jobs.empty()) std::abort();  // an empty trace is an error, not a workload
  for (size_t i = 0; i < w->jobs.size(); ++i) {
    const auto& j = w->jobs[i];
    if (j.id != i || j.gpus < 1 || !(j.duration_s > 0) || !(j.submit_s >= 0) ||
        j.tenant >= w->tenants.size())
      std::abort();
    if (i > 0 && w->jobs[i - 1].submit_s > j.submit_s) std::abort();
  }
}

}  // namespace gpufleet::fuzz
