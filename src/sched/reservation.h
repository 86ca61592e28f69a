// EASY backfilling's shadow time for one pool: replays the running jobs' known ends in order
// until the pool has room for the job. Cost O(R log R) in the R jobs running in the pool;
// computed once per blocked head, not per event.
#pragma once

#include <cstdint>
#include <vector>

#include "sched/scheduling_context.h"
#include "fleet/fleet_state.h"

namespace gpufleet::sched {

class ReservationFinder {
 public:
  // The earliest time a job of `gpus` fits pool p, from `now_s`, if nothing else starts there;
  // invalid when it would not fit even with every running job gone.
  Reservation find(const fleet::FleetState& fleet, uint32_t p, uint32_t gpus, double now_s);

 private:
  std::vector<uint16_t> free_;      // scratch copy of node free GPUs, by node id
  std::vector<uint8_t> touched_;    // whether free_[n] holds the copy
  std::vector<uint32_t> touched_list_;
  std::vector<uint32_t> order_;     // running slots by end time
};

}  // namespace gpufleet::sched
