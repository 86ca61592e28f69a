// `fifo-backfill`: EASY backfilling. Jobs start in arrival order; when the head does not
// fit it gets a reservation (the earliest time enough capacity frees up given the running
// jobs' known end times) and jobs behind it may start now if they cannot delay that
// reservation: they run in another pool, end by the reservation's start, or use only
// capacity the head will not need then.
// Which jobs are looked at: the first `depth` behind the head after every release of GPUs
// (and new arrivals among them); and, as Slurm's bf_continue, the rest of the queue in a
// sweep of `depth` jobs per dispatch from where it stopped, a new sweep after each release
// and new arrivals in between, so that a job deeper than `depth` still starts on idle GPUs (a queue held by
// thousands of jobs that cannot start no longer leaves the fleet idle). The work per
// dispatch stays bounded by 2 x depth placement attempts.
#pragma once

#include <vector>

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
  // The sweep beyond the first depth_ jobs: the last job it looked at (kEnd: start after the
  // first depth_), whether it is under way, and the release generation it began at.
  uint32_t sweep_last_ = JobList::kEnd;
  bool sweeping_ = false;
  uint64_t sweep_generation_ = ~uint64_t{0};
  // Failed backfills since GPUs were last released, capacity changed or the reservation was
  // made: the job's shape (what placement and quotas look at, its GPUs aside), its GPUs and
  // its remaining run (seconds on the reference accelerator).
  struct Shape {
    uint64_t accelerator_mask;
    uint16_t tenant, jurisdiction;
    uint8_t kind, priority, profile;
    bool operator==(const Shape&) const = default;
  };
  struct Failed {
    Shape shape;
    uint32_t gpus;
    double remaining_s;
  };
  static constexpr size_t kFailed = 256;
  static Shape shape_of(const Job& j);
  std::vector<Failed> failed_;
  uint64_t failed_release_generation_ = ~uint64_t{0}, failed_capacity_generation_ = ~uint64_t{0};

  // ctx.try_backfill against the head's reservation, skipping a job that must fail.
  bool try_backfill(uint32_t id, SchedulingContext& ctx);
};

}  // namespace gpufleet::sched
