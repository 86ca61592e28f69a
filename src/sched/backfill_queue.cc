#include "sched/backfill_queue.h"

#include "sched/fifo_queue.h"

namespace gpufleet::sched {

BackfillQueue::Shape BackfillQueue::shape_of(const Job& j) {
  return {j.accelerator_mask, j.tenant, j.jurisdiction, static_cast<uint8_t>(j.kind), j.priority, j.profile};
}

bool BackfillQueue::try_backfill(uint32_t id, SchedulingContext& ctx) {
  // Until GPUs are released, capacity changes or the head's reservation is made anew, the
  // fleet only fills up and the reservation only tightens (time only brings it nearer): a
  // job that failed fails again, and so does any job of its shape asking as many GPUs or
  // more with as long a run ahead or longer. No need to ask the placement again: a queue of
  // thousands holds a few shapes.
  const Job& j = ctx.job(id);
  const Shape shape = shape_of(j);
  const double remaining = ctx.remaining_s(id);
  for (const Failed& f : failed_)
    if (f.shape == shape && j.gpus >= f.gpus && remaining >= f.remaining_s) return false;
  if (ctx.try_backfill(id, reservation_)) return true;
  // Kept minimal: the failures this one implies go.
  std::erase_if(failed_, [&](const Failed& f) { return f.shape == shape && f.gpus >= j.gpus && f.remaining_s >= remaining; });
  if (failed_.size() < kFailed) failed_.push_back({shape, j.gpus, remaining});
  return false;
}

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
  if (fresh || ctx.release_generation() != failed_release_generation_ || ctx.capacity_generation() != failed_capacity_generation_) {
    failed_.clear();
    failed_release_generation_ = ctx.release_generation();
    failed_capacity_generation_ = ctx.capacity_generation();
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
    if (try_backfill(j, ctx)) {
      list_.remove(j);
    } else {
      scan_last_ = j;
    }
    j = next;
  }
  if (j == JobList::kEnd) return;  // the first depth_ reach the queue's end: no sweep needed

  // The sweep beyond them, continued at each dispatch from where it stopped: a new one after
  // GPUs were released since the last began, else on from the last job it looked at (past the
  // end: only the jobs that arrived since).
  if (!sweeping_ && ctx.release_generation() != sweep_generation_) {
    sweeping_ = true;
    sweep_generation_ = ctx.release_generation();
    sweep_last_ = JobList::kEnd;
  }
  // After the first depth_ when it starts, or when the job it stopped at has left the queue.
  j = sweep_last_ != JobList::kEnd && list_.contains(sweep_last_) ? list_.next(sweep_last_) : list_.next(scan_last_);
  for (int k = 0; j != JobList::kEnd && k < depth_; ++k) {
    const uint32_t next = list_.next(j);
    if (try_backfill(j, ctx)) {
      list_.remove(j);
    } else {
      sweep_last_ = j;
    }
    j = next;
  }
  if (j == JobList::kEnd) sweeping_ = false;  // it reached the queue's end
}

}  // namespace gpufleet::sched
