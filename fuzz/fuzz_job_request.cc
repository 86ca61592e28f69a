// libFuzzer target for POST /v1/jobs bodies: serve::parse_job_request on any bytes gives a
// JobRequest or an Error, never a crash, and a request it accepts holds the limits that
// job_request.h documents (checked here with __builtin_trap, which libFuzzer reports).
// The limits are those of a small fleet: two accelerators, two jurisdictions, 64 GPUs.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "serve/job_request.h"
#include "util/utf8.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool listed(const std::vector<std::string>& names, const std::string& s) {
  for (const auto& n : names)
    if (n == s) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gpufleet;
  static const serve::RequestLimits limits{{"H100-SXM", "B200"}, {"US", "EU"}, 64};
  const std::string body(reinterpret_cast<const char*>(data), size);
  const auto r = serve::parse_job_request(body, limits);
  if (!r) {
    check(!r.error().message.empty());
    return 0;
  }
  check(r->gpus >= 1 && r->gpus <= limits.largest_job_gpus);
  check(std::isfinite(r->estimated_duration_s) && r->estimated_duration_s > 0 && r->estimated_duration_s <= kMaxHorizonS);
  check(std::isfinite(r->checkpoint_interval_s) && r->checkpoint_interval_s >= 0 && r->checkpoint_interval_s <= kMaxHorizonS);
  check(r->name.size() <= 256 && !first_invalid_utf8(r->name));
  check(r->idempotency_key.size() <= 128 && !first_invalid_utf8(r->idempotency_key));
  check(r->jurisdiction.empty() || listed(limits.jurisdictions, r->jurisdiction));
  for (const auto& a : r->accelerators) check(listed(limits.accelerators, a));
  check(r->kind == JobKind::training || r->kind == JobKind::research || r->kind == JobKind::inference);
  const uint64_t mask = serve::accelerator_mask(*r, limits);
  check(r->accelerators.empty() ? mask == kAnyAccelerator : (mask != 0 && mask < (uint64_t{1} << limits.accelerators.size())));
  return 0;
}
