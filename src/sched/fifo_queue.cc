#include "sched/fifo_queue.h"

namespace gpufleet::sched {

void requeue_in_arrival_order(JobList& list, const Job& job, const SchedulingContext& ctx) {
  list.insert_ordered(job.id, [&](uint32_t x) {
    const Job& other = ctx.job(x);
    return arrives_after(other.submit_s, other.id, job.submit_s, job.id);
  });
}

uint32_t start_from_head(JobList& list, SchedulingContext& ctx, BlockedHead& blocked) {
  while (!list.empty()) {
    const uint32_t head = list.front();
    // Nothing was freed since this head last failed: it still does not fit.
    if (blocked.still_blocked(head, ctx)) return head;
    if (ctx.try_start(head) || ctx.park_if_held(head)) {
      list.remove(head);
      continue;
    }
    if (blocked.needs_fit_check(head, ctx) && !ctx.can_ever_fit(head)) {
      ctx.reject(head);
      list.remove(head);
      continue;
    }
    blocked.block(head, ctx);
    return head;
  }
  return JobList::kEnd;
}

void FifoQueue::dispatch(SchedulingContext& ctx) {
  start_from_head(list_, ctx, blocked_);
}

}  // namespace gpufleet::sched
