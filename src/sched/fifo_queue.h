// `fifo`: jobs start strictly in arrival order; a job that does not fit blocks those behind
// it. (Priorities: a later change keeps one list per priority, highest first.)
#pragma once

#include "sched/blocked_head.h"
#include "util/job_list.h"
#include "sched/queue_policy.h"

namespace gpufleet::sched {

// Puts an interrupted job back into `list`, a list in arrival order, at its place (see
// arrives_after). Shared by the list policies.
void requeue_in_arrival_order(JobList& list, const Job& job, const SchedulingContext& ctx);

class FifoQueue final : public QueuePolicy {
 public:
  void reserve(size_t jobs) override { list_.reserve(jobs); }
  void push(const Job& job) override { list_.push_back(job.id); }
  // An interrupted job goes back to its place in arrival order.
  void requeue(const Job& job, const SchedulingContext& ctx) override { requeue_in_arrival_order(list_, job, ctx); }
  size_t size() const override { return list_.size(); }
  void dispatch(SchedulingContext& ctx) override;

 private:
  JobList list_;
  BlockedHead blocked_;
};

// Starts jobs from the head of `list` while they fit; rejects a blocked head that can never
// fit. Returns the blocked head, or JobList::kEnd when the list emptied. Shared by the
// head-of-line policies.
uint32_t start_from_head(JobList& list, SchedulingContext& ctx, BlockedHead& blocked);

}  // namespace gpufleet::sched
