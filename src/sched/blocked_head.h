// What a queue policy remembers about the head of its queue that could not start, so that a
// dispatch does not retry it until GPUs are released, and does not ask again whether it can
// ever fit until a new job is at the head or capacity has changed. Every policy uses one.
#pragma once

#include <cstdint>

#include "sched/scheduling_context.h"

namespace gpufleet::sched {

class BlockedHead {
 public:
  // Whether head already failed and nothing was released since: dispatch can stop here.
  bool still_blocked(uint32_t head, const SchedulingContext& ctx) const {
    return head == head_ && ctx.release_generation() == generation_;
  }
  // Whether head must be checked against can_ever_fit(): it is new at the head, or capacity
  // changed since the last check. Counts as that check.
  bool needs_fit_check(uint32_t head, const SchedulingContext& ctx) {
    if (head == head_ && ctx.capacity_generation() == checked_capacity_) return false;
    checked_capacity_ = ctx.capacity_generation();
    return true;
  }
  // head could not start now.
  void block(uint32_t head, const SchedulingContext& ctx) {
    head_ = head;
    generation_ = ctx.release_generation();
  }

 private:
  uint32_t head_ = ~uint32_t{0};  // the head that did not fit ...
  uint64_t generation_ = 0;       // ... at this release generation
  uint64_t checked_capacity_ = ~uint64_t{0};
};

}  // namespace gpufleet::sched
