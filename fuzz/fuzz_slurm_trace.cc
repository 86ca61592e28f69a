// libFuzzer target: read_slurm_sacct_trace_text on arbitrary bytes, strict and with skip_bad_rows.
// Any input must give a Workload or an Error; a crash, sanitizer report or broken invariant
// (unsorted jobs, a job without GPUs or run time) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "gpufleet/workload.h"

namespace {

void check(const gpufleet::Result<gpufleet::Workload>& w) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check(gpufleet::read_slurm_sacct_trace_text(text, "fuzz.txt", {}));
  gpufleet::TraceReadOptions skip;
  skip.skip_bad_rows = true;
  check(gpufleet::read_slurm_sacct_trace_text(text, "fuzz.txt", skip));
  return 0;
}
