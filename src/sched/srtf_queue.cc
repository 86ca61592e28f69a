#include "sched/srtf_queue.h"

#include <algorithm>

namespace gpufleet::sched {

namespace {
constexpr size_t kMaxVictimsExamined = 1024;
}  // namespace

bool SrtfQueue::waiting_after(const Waiting& a, const Waiting& b) {
  if (a.rank != b.rank) return a.rank > b.rank;
  if (a.remaining_s != b.remaining_s) return a.remaining_s > b.remaining_s;
  return arrives_after(a.submit_s, a.id, b.submit_s, b.id);
}

// The best victim (lowest class, then latest end, then latest arrival) comes first.
bool SrtfQueue::victim_after(const Running& a, const Running& b) {
  if (a.rank != b.rank) return a.rank < b.rank;
  if (a.end_s != b.end_s) return a.end_s < b.end_s;
  return arrives_after(b.submit_s, b.id, a.submit_s, a.id);
}

void SrtfQueue::reserve(size_t jobs) {
  running_.assign(jobs, 0);
  if (free_) running_pos_.assign(jobs, 0);
  epoch_.assign(jobs, 0);
  rank_.assign(jobs, 0);
}

void SrtfQueue::push(const Job& job) {
  // The remaining work is read at the next dispatch (a requeued job has done some).
  rank_[job.id] = static_cast<uint8_t>(255 - job.priority);
  pending_.push_back(job.id);
}

void SrtfQueue::absorb_pending(SchedulingContext& ctx) {
  for (uint32_t id : pending_) {
    waiting_.push_back(Waiting{rank_[id], ctx.remaining_s(id), ctx.job(id).submit_s, id});
    std::push_heap(waiting_.begin(), waiting_.end(), waiting_after);
  }
  pending_.clear();
}

void SrtfQueue::pop_waiting() {
  std::pop_heap(waiting_.begin(), waiting_.end(), waiting_after);
  waiting_.pop_back();
}

void SrtfQueue::on_stop(uint32_t id) {
  running_[id] = 0;
  ++epoch_[id];
  if (free_) {
    const uint32_t pos = running_pos_[id];
    running_ids_[pos] = running_ids_.back();
    running_pos_[running_ids_[pos]] = pos;
    running_ids_.pop_back();
  }
}

void SrtfQueue::dispatch_free(SchedulingContext& ctx) {
  absorb_pending(ctx);
  all_.assign(waiting_.begin(), waiting_.end());
  for (uint32_t id : running_ids_) all_.push_back(Waiting{rank_[id], ctx.remaining_s(id), ctx.job(id).submit_s, id});
  std::sort(all_.begin(), all_.end(), [](const Waiting& a, const Waiting& b) { return waiting_after(b, a); });
  order_.clear();
  for (const Waiting& w : all_) order_.push_back(w.id);
  started_.clear();
  ctx.repack(order_, started_);  // preempted jobs come back through push (pending_)
  for (uint32_t id : started_) {
    running_[id] = 1;
    running_pos_[id] = static_cast<uint32_t>(running_ids_.size());
    running_ids_.push_back(id);
  }
  std::erase_if(waiting_, [&](const Waiting& w) { return running_[w.id] != 0; });
  std::make_heap(waiting_.begin(), waiting_.end(), waiting_after);
  absorb_pending(ctx);
}

bool SrtfQueue::preempt_for(const Waiting& head, SchedulingContext& ctx) {
  // Take candidate victims off the heap in order while they qualify, until they and the free
  // GPUs could hold the head.
  scratch_.clear();
  const auto need = static_cast<int64_t>(ctx.job(head.id).gpus);
  int64_t could_free = ctx.free_gpus_for(head.id);
  while (!victims_.empty() && could_free < need && scratch_.size() < kMaxVictimsExamined) {
    const Running top = victims_.front();
    std::pop_heap(victims_.begin(), victims_.end(), victim_after);
    victims_.pop_back();
    if (!live(top)) continue;
    const bool lower = top.rank > head.rank;
    const bool longer = top.rank == head.rank && ctx.remaining_s(top.id) > head.remaining_s;
    if (!lower && !longer) {
      scratch_.push_back(top);
      break;  // every later victim qualifies even less
    }
    scratch_.push_back(top);
    if (ctx.could_use_gpus_of(head.id, top.id)) could_free += ctx.job(top.id).gpus;
  }
  bool started = false;
  if (could_free >= need) {
    for (const Running& v : scratch_) {
      const bool lower = v.rank > head.rank;
      const bool longer = v.rank == head.rank && ctx.remaining_s(v.id) > head.remaining_s;
      if (started || (!lower && !longer) || !ctx.could_use_gpus_of(head.id, v.id)) {
        victims_.push_back(v);
        std::push_heap(victims_.begin(), victims_.end(), victim_after);
        continue;
      }
      ctx.preempt(v.id);  // on_stop, then requeue (push)
      started = ctx.try_start(head.id);
    }
    return started;
  }
  for (const Running& v : scratch_) {
    victims_.push_back(v);
    std::push_heap(victims_.begin(), victims_.end(), victim_after);
  }
  return false;
}

void SrtfQueue::dispatch(SchedulingContext& ctx) {
  if (free_) {
    dispatch_free(ctx);
    return;
  }
  for (;;) {
    absorb_pending(ctx);  // victims preempted below come back here, after the head
    if (waiting_.empty()) return;
    const Waiting head = waiting_.front();
    if (blocked_.still_blocked(head.id, ctx)) return;
    if (ctx.try_start(head.id) || preempt_for(head, ctx)) {
      pop_waiting();  // victims are still pending: the head is on top
      running_[head.id] = 1;
      victims_.push_back(Running{head.rank, ctx.now() + head.remaining_s, head.submit_s, head.id, epoch_[head.id]});
      std::push_heap(victims_.begin(), victims_.end(), victim_after);
      continue;
    }
    if (ctx.park_if_held(head.id)) {
      pop_waiting();
      continue;
    }
    if (blocked_.needs_fit_check(head.id, ctx) && !ctx.can_ever_fit(head.id)) {
      ctx.reject(head.id);
      pop_waiting();
      continue;
    }
    blocked_.block(head.id, ctx);
    return;
  }
}

}  // namespace gpufleet::sched
