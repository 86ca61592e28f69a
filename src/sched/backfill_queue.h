// `fifo-backfill`: EASY backfilling. Jobs start in arrival order; when the head does not
// fit it gets a reservation (the earliest time enough capacity frees up given the running
// jobs' known end times) and up to `depth` jobs behind it may start now if they cannot delay
// that reservation: they run in another pool, end by the reservation's start, or use only
// capacity the head will not need then.
#pragma once

#include "sched/blocked_head.h"
#include "sched/fifo_queue.h"
#include "util/job_list.h"
#include "sched/queue_policy.h"

namespace gpufleet::sched {

class BackfillQueue final : public QueuePolicy {
 public:
  // REQUIRES: depth >= 0 (0 = plain FIFO).
  explicit BackfillQueue(int depth) : depth_(depth) {}
  void reserve(size_t jobs) override { list_.reserve(jobs); }
  void push(const Job& job) override { list_.push_back(job.id); }
  // An interrupted job goes back to its place in arrival order.
  void requeue(const Job& job, const SchedulingContext& ctx) override { requeue_in_arrival_order(list_, job, ctx); }
  size_t size() const override { return list_.size(); }
  void dispatch(SchedulingContext& ctx) override;

 private:
  int depth_;
  JobList list_;
  BlockedHead blocked_;
  // The head's reservation, valid for reservation_head_ until capacity changes.
  Reservation reservation_;
  uint32_t reservation_head_ = JobList::kEnd;
  uint64_t reservation_capacity_generation_ = 0;
  uint64_t reservation_shrink_generation_ = 0;  // of reservation_.pool when computed
  // Where the last scan behind the head stopped, so that a scan with nothing freed since
  // looks only at jobs that arrived meanwhile.
  uint32_t scan_last_ = JobList::kEnd;
  int scanned_ = 0;
  uint64_t scan_generation_ = ~uint64_t{0};
};

}  // namespace gpufleet::sched
