#include "sched/sjf_queue.h"

#include <algorithm>

namespace gpufleet::sched {

namespace {
// Heap comparator: true when a comes after b.
bool later(const auto& a, const auto& b) {
  if (a.duration_s != b.duration_s) return a.duration_s > b.duration_s;
  return arrives_after(a.submit_s, a.id, b.submit_s, b.id);
}
}  // namespace

void SjfQueue::push(const Job& job) {
  heap_.push_back(Entry{job.duration_s, job.submit_s, job.id});
  std::push_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return later(a, b); });
}

void SjfQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return later(a, b); });
  heap_.pop_back();
}

void SjfQueue::dispatch(SchedulingContext& ctx) {
  while (!heap_.empty()) {
    const uint32_t head = heap_.front().id;
    if (blocked_.still_blocked(head, ctx)) return;
    if (ctx.try_start(head) || ctx.park_if_held(head)) {
      pop();
      continue;
    }
    if (blocked_.needs_fit_check(head, ctx) && !ctx.can_ever_fit(head)) {
      ctx.reject(head);
      pop();
      continue;
    }
    blocked_.block(head, ctx);
    return;
  }
}

}  // namespace gpufleet::sched
