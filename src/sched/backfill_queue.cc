#include "sched/backfill_queue.h"

#include "sched/fifo_queue.h"

namespace gpufleet::sched {

void BackfillQueue::dispatch(SchedulingContext& ctx) {
  const uint32_t head =
      start_from_head(list_, ctx, blocked_head_, blocked_generation_, checked_capacity_generation_);
  if (head == JobList::kEnd || depth_ <= 0) return;

  bool fresh = false;
  if (head != reservation_head_ || ctx.capacity_generation() != reservation_capacity_generation_) {
    reservation_ = ctx.reserve(head);
    reservation_head_ = head;
    reservation_capacity_generation_ = ctx.capacity_generation();
    fresh = true;
  }
  uint32_t j;
  if (fresh || ctx.release_generation() != scan_generation_) {
    scan_last_ = head;
    scanned_ = 0;
  }
  scan_generation_ = ctx.release_generation();
  j = list_.next(scan_last_);
  while (j != JobList::kEnd && scanned_ < depth_) {
    const uint32_t next = list_.next(j);
    ++scanned_;
    if (ctx.try_backfill(j, reservation_)) {
      list_.remove(j);
    } else {
      scan_last_ = j;
    }
    j = next;
  }
}

}  // namespace gpufleet::sched
