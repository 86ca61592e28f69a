// libFuzzer target: the generic CSV trace reader (read_csv_trace_text) and the --map parser on
// arbitrary bytes. The first line of the input (up to a NUL or newline) is the --map text and
// its first byte picks the time format; the rest is the CSV. Any input must give a Workload or
// an Error; a crash, sanitizer report or broken invariant is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "gpufleet/workload.h"

namespace {

void check(const gpufleet::Result<gpufleet::Workload>& w) {
  if (!w) {
    if (w.error().message.empty()) std::abort();
    return;
  }
  if (w->jobs.empty()) std::abort();
  for (size_t i = 0; i < w->jobs.size(); ++i) {
    const auto& j = w->jobs[i];
    if (j.id != i || j.gpus < 1 || !(j.duration_s > 0) || !(j.submit_s >= 0) || j.tenant >= w->tenants.size())
      std::abort();
    if (i > 0 && w->jobs[i - 1].submit_s > j.submit_s) std::abort();
    if (j.accelerator_mask != gpufleet::kAnyAccelerator &&
        (w->trace_accelerators.size() >= 64 || (j.accelerator_mask >> w->trace_accelerators.size()) != 0))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  const std::string first = eol == std::string::npos ? input : input.substr(0, eol);
  const std::string csv = eol == std::string::npos ? std::string() : input.substr(eol + 1);
  const auto format = static_cast<gpufleet::TimeFormat>(first.empty() ? 0 : static_cast<uint8_t>(first[0]) % 3);
  auto map = gpufleet::parse_csv_trace_map(first.empty() ? first : first.substr(1), "--map");
  if (!map) {
    if (map.error().message.empty()) std::abort();
    map = gpufleet::parse_csv_trace_map("submit=t,duration=d,gpus=g,tenant=u,kind=k,accelerator=a", "--map");
  }
  check(gpufleet::read_csv_trace_text(csv, "fuzz.csv", *map, format, {}));
  gpufleet::TraceReadOptions skip;
  skip.skip_bad_rows = true;
  check(gpufleet::read_csv_trace_text(csv, "fuzz.csv", *map, format, skip));
  return 0;
}
