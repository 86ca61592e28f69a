// libFuzzer target: read_philly_trace_text on arbitrary bytes, strict and with skip_bad_rows.
// Any input must give a Workload or an Error; a crash, sanitizer report or broken invariant
// (unsorted jobs, a job without GPUs or run time) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "gpufleet/workload.h"
#include "trace_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  gpufleet::fuzz::check_trace(gpufleet::read_philly_trace_text(text, "fuzz.csv", {}));
  gpufleet::TraceReadOptions skip;
  skip.skip_bad_rows = true;
  gpufleet::fuzz::check_trace(gpufleet::read_philly_trace_text(text, "fuzz.csv", skip));
  return 0;
}
