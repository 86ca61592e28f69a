#include "sched/las_queue.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gpufleet::sched {

LasQueue::LasQueue(std::vector<double> thresholds_gpu_s, bool free_preemption, bool demote_at_dispatch)
    : thresholds_(std::move(thresholds_gpu_s)), free_(free_preemption), at_events_(free_preemption && demote_at_dispatch) {
  if (thresholds_.size() > 7) thresholds_.resize(7);
  levels_ = static_cast<uint32_t>(thresholds_.size()) + 1;
  queues_ = 256 * levels_;
}

void LasQueue::reserve(size_t jobs) {
  lists_.reserve(jobs, 2 * static_cast<size_t>(queues_));
  jobs_.assign(jobs, nullptr);
  level_.assign(jobs, 0);
  if (free_) demoted_at_.assign(jobs, -1);
}

uint32_t LasQueue::level_of(double attained_gpu_s) const {
  uint32_t l = 0;
  while (l < thresholds_.size() && attained_gpu_s >= thresholds_[l] * (1 - 1e-12)) ++l;
  return l;
}

void LasQueue::push(const Job& job) {
  level_[job.id] = 0;  // a new job has attained nothing (its id may have served another)
  join(job);
}

void LasQueue::requeue(const Job& job, const SchedulingContext&) {
  if (repacking_) {
    jobs_[job.id] = &job;
    preempted_.push_back(job.id);  // placed once the re-pack is over
    return;
  }
  join(job);
}

void LasQueue::join(const Job& job) {
  // The queue of its level: set when it last ran, or by its demotion timer.
  jobs_[job.id] = &job;
  lists_.push_back(queue_of(job, level_[job.id]), job.id);
  ++waiting_;
}

void LasQueue::on_stop(uint32_t id) {
  if (lists_.list_of(id) != MultiList::kEnd) lists_.remove(id);
}

void LasQueue::set_demotion_timer(uint32_t id, SchedulingContext& ctx) {
  const uint32_t l = level_[id];
  if (l >= thresholds_.size()) {
    ctx.cancel_timer(id);
    return;
  }
  const Job& j = *jobs_[id];
  const double left_gpu_s = thresholds_[l] - ctx.attained_gpu_s(id);
  ctx.set_timer(id, ctx.now() + std::max(left_gpu_s, 0.0) / j.gpus);
}

void LasQueue::started(uint32_t id, SchedulingContext& ctx) {
  const Job& j = *jobs_[id];
  lists_.remove(id);
  --waiting_;
  if (!at_events_) level_[id] = static_cast<uint8_t>(std::max<uint32_t>(level_[id], level_of(ctx.attained_gpu_s(id))));
  lists_.push_back(queues_ + queue_of(j, level_[id]), id);
  if (!at_events_) set_demotion_timer(id, ctx);  // else arm_next_check() after the re-pack
}

void LasQueue::on_timer(uint32_t id, SchedulingContext& ctx) {
  const uint32_t list = lists_.list_of(id);
  if (list == MultiList::kEnd || list < queues_) return;  // not running any more
  if (at_events_) {
    changed_ = true;  // levels are checked by the dispatch
    return;
  }
  uint32_t l = level_of(ctx.attained_gpu_s(id));
  // Within a microsecond of service of the threshold counts as reached: the clock cannot always
  // hit it exactly (t = 4.4e6 s has steps of 1e-9 s), and a timer re-armed for the rest would
  // fire at this same instant again, forever.
  if (l == level_[id] && l < thresholds_.size()) {
    const double rest_s = (thresholds_[l] - ctx.attained_gpu_s(id)) / jobs_[id]->gpus;
    if (rest_s <= 1e-6 || !(ctx.now() + rest_s > ctx.now())) ++l;
  }
  if (l > level_[id]) {
    level_[id] = static_cast<uint8_t>(l);
    if (free_) demoted_at_[id] = ctx.now();
    lists_.remove(id);
    lists_.push_back(queues_ + queue_of(*jobs_[id], l), id);
    changed_ = true;
  }
  set_demotion_timer(id, ctx);  // not there yet (restart overhead, slower pool): try again
}

bool LasQueue::preempt_for(uint32_t head, uint32_t queue, SchedulingContext& ctx) {
  // Only when preempting every later job the head could use would give it enough GPUs.
  const uint32_t first_victim_queue = queues_ + queue + 1;
  int64_t could_free = ctx.free_gpus_for(head);
  const auto need = static_cast<int64_t>(jobs_[head]->gpus);
  for (uint32_t q = lists_.last_nonempty_before(2 * queues_); q != MultiList::kEnd && q >= first_victim_queue &&
                                                              could_free < need;
       q = lists_.last_nonempty_before(q))
    for (uint32_t v = lists_.back(q); v != MultiList::kEnd && could_free < need; v = lists_.prev(v))
      if (ctx.could_use_gpus_of(head, v)) could_free += jobs_[v]->gpus;
  if (could_free < need) return false;
  // Victims: running jobs in queues after `queue`, the last queue first, newest first.
  for (uint32_t q = lists_.last_nonempty_before(2 * queues_); q != MultiList::kEnd && q >= first_victim_queue;
       q = lists_.last_nonempty_before(q)) {
    uint32_t v = lists_.back(q);
    while (v != MultiList::kEnd) {
      const uint32_t older = lists_.prev(v);
      if (ctx.could_use_gpus_of(head, v)) {
        ctx.preempt(v);  // calls on_stop and requeue
        if (ctx.try_start(head)) return true;
      }
      v = older;
    }
  }
  return false;
}

void LasQueue::demote_at_event(SchedulingContext& ctx) {
  // Every running job whose attained service reached its level's limit drops one level, in
  // arrival order, to the end of the next queue's running jobs.
  demote_.clear();
  for (uint32_t q = queues_; q < 2 * queues_; ++q)
    for (uint32_t id = lists_.front(q); id != MultiList::kEnd; id = lists_.next(id))
      if (level_[id] < thresholds_.size() && ctx.attained_gpu_s(id) >= thresholds_[level_[id]] * (1 - 1e-12))
        demote_.push_back(id);
  std::sort(demote_.begin(), demote_.end(), [&](uint32_t a, uint32_t b) {
    return arrives_after(ctx.job(b).submit_s, b, ctx.job(a).submit_s, a);
  });
  for (uint32_t id : demote_) {
    ++level_[id];
    lists_.remove(id);
    lists_.push_back(queues_ + queue_of(*jobs_[id], level_[id]), id);
    demoted_at_[id] = ctx.now();
  }
}

void LasQueue::dispatch_free(SchedulingContext& ctx) {
  if (at_events_) demote_at_event(ctx);
  order_.clear();
  // Queue by queue: its running jobs, its waiting ones, then those demoted into it at this
  // instant (they joined its end).
  const double now = ctx.now();
  for (uint32_t q = 0; q < queues_; ++q) {
    for (uint32_t id = lists_.front(queues_ + q); id != MultiList::kEnd; id = lists_.next(id))
      if (demoted_at_[id] != now) order_.push_back(id);
    for (uint32_t id = lists_.front(q); id != MultiList::kEnd; id = lists_.next(id)) order_.push_back(id);
    for (uint32_t id = lists_.front(queues_ + q); id != MultiList::kEnd; id = lists_.next(id))
      if (demoted_at_[id] == now) order_.push_back(id);
  }
  changed_ = false;
  if (order_.empty()) return;
  started_.clear();
  preempted_.clear();
  repacking_ = true;
  ctx.repack(order_, started_);
  repacking_ = false;
  for (uint32_t id : started_) started(id, ctx);
  // The running jobs of each queue in the order of the fill (those that started take their
  // place among those that kept running).
  for (uint32_t id : order_) {
    const uint32_t list = lists_.list_of(id);
    if (list == MultiList::kEnd || list < queues_) continue;
    lists_.remove(id);
    lists_.push_back(list, id);
  }
  // Left out: to the front of the waiting jobs of their queue, in the order they ran (so the
  // last first), or to the end when demoted into it at this instant.
  for (size_t i = preempted_.size(); i-- > 0;) {
    const uint32_t id = preempted_[i];
    if (demoted_at_[id] == ctx.now()) continue;
    lists_.push_front(queue_of(*jobs_[id], level_[id]), id);
    ++waiting_;
  }
  for (uint32_t id : preempted_)
    if (demoted_at_[id] == ctx.now()) join(*jobs_[id]);
  if (at_events_) arm_next_check(ctx);
}

void LasQueue::arm_next_check(SchedulingContext& ctx) {
  // One timer: the earliest "job jump" over the running jobs (every stop is followed by a
  // dispatch at the same instant, which re-arms it, so it never fires for a stopped job).
  double best = std::numeric_limits<double>::infinity();
  uint32_t best_id = MultiList::kEnd;
  for (uint32_t q = queues_; q < 2 * queues_; ++q) {
    for (uint32_t id = lists_.front(q); id != MultiList::kEnd; id = lists_.next(id)) {
      const uint32_t l = level_[id];
      if (l >= thresholds_.size()) continue;
      const Job& j = *jobs_[id];
      const double run_s = ctx.attained_gpu_s(id) / j.gpus;
      const double t = ctx.now() + std::max(std::ceil((thresholds_[l] - run_s) / j.gpus), 0.0);
      if (t < best) {
        best = t;
        best_id = id;
      }
    }
  }
  if (check_id_ != MultiList::kEnd && check_id_ != best_id) ctx.cancel_timer(check_id_);
  check_id_ = best_id;
  if (best_id != MultiList::kEnd) ctx.set_timer(best_id, best);
}

void LasQueue::dispatch(SchedulingContext& ctx) {
  if (free_) {
    dispatch_free(ctx);
    return;
  }
  for (;;) {
    const uint32_t q = lists_.first_nonempty();
    if (q == MultiList::kEnd || q >= queues_) return;
    const uint32_t head = lists_.front(q);
    if (!changed_ && blocked_.still_blocked(head, ctx)) return;
    changed_ = false;
    if (ctx.try_start(head) || preempt_for(head, q, ctx)) {
      started(head, ctx);
      continue;
    }
    if (ctx.park_if_held(head)) {
      lists_.remove(head);
      --waiting_;
      continue;
    }
    if (blocked_.needs_fit_check(head, ctx) && !ctx.can_ever_fit(head)) {
      ctx.reject(head);
      lists_.remove(head);
      --waiting_;
      continue;
    }
    blocked_.block(head, ctx);
    return;
  }
}

}  // namespace gpufleet::sched
