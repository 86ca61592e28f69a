// A job as a client submits it (POST /v1/jobs): parsed strictly from JSON text against the
// fleet the service runs, so that what reaches the scheduler is always valid. Unknown fields,
// wrong types and impossible values are errors naming the field and what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"

namespace gpufleet::serve {

struct JobRequest {
  std::string name;                       // optional, <= 256 bytes of UTF-8
  uint32_t gpus = 0;                      // >= 1, and no larger than the largest pool can ever hold
  std::vector<std::string> accelerators;  // allowed accelerator names; empty = any
  std::string jurisdiction;               // a site jurisdiction of the fleet, or "" (any)
  JobKind kind = JobKind::research;
  uint8_t priority = 0;                   // 0..255, higher first where the policy honours it
  double estimated_duration_s = 0;        // > 0, <= 100 years: run time on the reference accelerator
  double checkpoint_interval_s = 0;       // 0 = none
  std::string idempotency_key;            // optional, <= 128 bytes: a retried submit returns the first answer
};

// What a request is checked against: the fleet's accelerator names, jurisdictions and the
// most GPUs any pool can ever hold (a job larger is refused at once, not queued forever).
struct RequestLimits {
  std::vector<std::string> accelerators;
  std::vector<std::string> jurisdictions;
  uint32_t largest_job_gpus = 0;
};

// Parses one submission. `where` labels errors ("request body").
Result<JobRequest> parse_job_request(const std::string& body, const RequestLimits& limits);

// The accelerator mask of a request (bit i = limits.accelerators[i]), kAnyAccelerator for none.
uint64_t accelerator_mask(const JobRequest& request, const RequestLimits& limits);

}  // namespace gpufleet::serve
