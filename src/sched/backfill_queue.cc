#include "sched/backfill_queue.h"

#include "sched/fifo_queue.h"

namespace gpufleet::sched {

void BackfillQueue::dispatch(SchedulingContext& ctx) {
  const uint32_t head = start_from_head(list_, ctx, blocked_);
  if (head == JobList::kEnd || depth_ <= 0) return;

  // The head's reservation is recomputed for a new head, when the pool it is promised in
  // loses capacity, or (while it has none) when any capacity changes. Growth elsewhere
  // keeps the promise: the head starts as soon as it fits anyway, and a promise made on less
  // capacity only makes backfilling more careful. This keeps node failures and repairs,
  // thousands of them a year on a large fleet, from replaying every running job each time.
  bool fresh = false;
  const bool stale = !reservation_.valid
                         ? ctx.capacity_generation() != reservation_capacity_generation_
                         : ctx.shrink_generation(reservation_.pool) != reservation_shrink_generation_;
  if (head != reservation_head_ || stale) {
    reservation_ = ctx.reserve(head);
    reservation_head_ = head;
    reservation_capacity_generation_ = ctx.capacity_generation();
    reservation_shrink_generation_ = reservation_.valid ? ctx.shrink_generation(reservation_.pool) : 0;
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
