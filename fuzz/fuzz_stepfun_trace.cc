// libFuzzer target: the StepFun fault trace reader (read_stepfun_fault_trace_text) on arbitrary
// bytes. Any input must give a FaultTrace or an Error; a crash, sanitizer report or broken
// invariant (unsorted faults, a fault ending before it starts, a node out of range) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "gpufleet/faults.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto t = gpufleet::read_stepfun_fault_trace_text(text, "fuzz.json");
  if (!t) {
    if (t.error().message.empty()) std::abort();
    return 0;
  }
  if (!(t->span_s > 0)) std::abort();
  for (size_t i = 0; i < t->faults.size(); ++i) {
    const auto& f = t->faults[i];
    if (f.node >= t->nodes || !(f.start_s >= 0) || !(f.end_s >= f.start_s) || f.end_s > t->span_s) std::abort();
    if (i > 0 && t->faults[i - 1].start_s > f.start_s) std::abort();
  }
  return 0;
}
