// Fault inputs that come from files: a replayed fault trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet {

// One node out of service during [start_s, end_s), times in seconds from the trace's origin.
struct TraceFault {
  uint32_t node = 0;  // ordinal of the trace's node, in order of first appearance
  double start_s = 0;
  double end_s = 0;
};

struct FaultTrace {
  std::vector<TraceFault> faults;  // sorted by (start_s, node)
  uint32_t nodes = 0;              // distinct nodes named
  double span_s = 0;               // the trace covers [0, span_s): whole days past the last event
};

// The StepFun InfiniteHBD fault_trace.json: a JSON array of {node_id, event_time (days),
// event_type: fault_start | fault_end, fault_type{...}} sorted by time. Each fault_start is
// paired with the next fault_end of the same node; a fault still open at the end lasts to the
// trace's end. Errors name the file and the index of the offending event.
Result<FaultTrace> read_stepfun_fault_trace(const std::string& path);
Result<FaultTrace> read_stepfun_fault_trace_text(const std::string& text, const std::string& file_name);

}  // namespace gpufleet
