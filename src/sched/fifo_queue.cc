#include "sched/fifo_queue.h"

namespace gpufleet::sched {

uint32_t start_from_head(JobList& list, SchedulingContext& ctx, uint32_t& blocked_head,
                         uint64_t& blocked_generation, uint64_t& checked_capacity_generation) {
  while (!list.empty()) {
    const uint32_t head = list.front();
    // Nothing was freed since this head last failed: it still does not fit.
    if (head == blocked_head && ctx.release_generation() == blocked_generation) return head;
    if (ctx.try_start(head) || ctx.park_if_held(head)) {
      list.remove(head);
      continue;
    }
    if (head != blocked_head || ctx.capacity_generation() != checked_capacity_generation) {
      checked_capacity_generation = ctx.capacity_generation();
      if (!ctx.can_ever_fit(head)) {
        ctx.reject(head);
        list.remove(head);
        continue;
      }
    }
    blocked_head = head;
    blocked_generation = ctx.release_generation();
    return head;
  }
  return JobList::kEnd;
}

void FifoQueue::dispatch(SchedulingContext& ctx) {
  start_from_head(list_, ctx, blocked_head_, blocked_generation_, checked_capacity_generation_);
}

}  // namespace gpufleet::sched
