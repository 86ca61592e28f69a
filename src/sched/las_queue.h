// `las`: Tiresias-style discretised two-dimensional least attained service (Gu et al., NSDI
// 2019). A job's attained service is GPUs x seconds of work it has done; it sits in queue k
// while that is below thresholds[k] (queue 0 first), FIFO within a queue. Priority classes
// come first: a job of higher Job::priority is always ahead of every lower one.
//
// Dispatch is strict: the first waiting job in order starts if it fits; otherwise jobs
// running in later queues (lower priority, then more attained service), most recently started
// first, are preempted at a checkpoint (no work lost) until it fits; if it still does not, it
// blocks those behind it. A running job is demoted to the next queue by a timer when its
// attained service crosses a threshold, which may let a waiting job preempt it.
//
// With free preemption (PolicySpec::free_preemption, as the Tiresias simulator's `dlas-gpu`):
// at every dispatch the jobs are ordered queue by queue (class, then level), and within a
// queue its running jobs (in the order they started there or were demoted into it) before its
// waiting ones, and re-packed in that order (SchedulingContext::repack): no blocking,
// preemption at no cost. A job left out goes to the front of its queue's waiting jobs (it was
// ahead of them), in the order it ran, unless it was demoted into that queue at this instant
// (then to the end, behind those waiting there). The running jobs of a queue keep the order of
// the fill (those that started take their place among those that kept running).
//
// Demotion timing: by default a timer demotes a running job at the instant its attained service
// reaches the threshold, to the level that service says. With demote_at_dispatch (free
// preemption only; `--las-demotion tiresias`), as the Tiresias simulator: levels are checked at
// each dispatch (arrivals, ends, and the next check), a job drops one level per check when its
// GPU-seconds have reached its level's limit, in arrival order, to the end of the next queue;
// the next check is at now + ceil((limit - seconds run) / GPUs), the simulator's own formula (a
// limit in GPU-seconds less a time in seconds, so the check comes at or after the crossing).
#pragma once

#include <vector>

#include "sched/blocked_head.h"
#include "util/multi_list.h"
#include "sched/queue_policy.h"

namespace gpufleet::sched {

class LasQueue final : public QueuePolicy {
 public:
  // REQUIRES: thresholds_gpu_s increasing, > 0; at most 7.
  // demote_at_dispatch (with free preemption only): demotions as the Tiresias simulator makes
  // them (PolicySpec::las_demotion_at_dispatch).
  LasQueue(std::vector<double> thresholds_gpu_s, bool free_preemption = false, bool demote_at_dispatch = false);
  void reserve(size_t jobs) override;
  void push(const Job& job) override;
  size_t size() const override { return waiting_; }
  void dispatch(SchedulingContext& ctx) override;
  // Back to the end of the queue of its level: it keeps its attained service.
  void requeue(const Job& job, const SchedulingContext& ctx) override;
  bool preemptive() const override { return true; }
  void on_stop(uint32_t id) override;
  void on_timer(uint32_t id, SchedulingContext& ctx) override;

 private:
  uint32_t level_of(double attained_gpu_s) const;
  void join(const Job& job);  // joins the end of the waiting queue of its class and level
  uint32_t queue_of(const Job& job, uint32_t level) const {
    return (255u - job.priority) * levels_ + level;
  }
  void started(uint32_t id, SchedulingContext& ctx);
  void set_demotion_timer(uint32_t id, SchedulingContext& ctx);
  bool preempt_for(uint32_t head, uint32_t queue, SchedulingContext& ctx);

  std::vector<double> thresholds_;
  uint32_t levels_ = 1;
  uint32_t queues_ = 0;  // 256 x levels; waiting lists are [0, queues_), running [queues_, 2 queues_)
  MultiList lists_;
  std::vector<const Job*> jobs_;
  std::vector<uint8_t> level_;  // per job: its level while running
  size_t waiting_ = 0;
  BlockedHead blocked_;
  bool changed_ = false;  // a demotion since the last dispatch
  void dispatch_free(SchedulingContext& ctx);

  bool free_ = false;
  bool repacking_ = false;            // inside repack(): requeued jobs wait in preempted_
  std::vector<uint32_t> preempted_;   // jobs left out by the re-pack, in the order it stopped them
  std::vector<double> demoted_at_;    // free preemption: when the job last changed level, s
  std::vector<uint32_t> order_, started_;
  // Demotions checked at each dispatch, one level at a time, with the Tiresias simulator's timer.
  bool at_events_ = false;
  std::vector<uint32_t> demote_;
  uint32_t check_id_ = MultiList::kEnd;  // the job whose timer is the next check
  // The Tiresias simulator's next "job jump": the earliest over the running jobs of
  // now + ceil((limit - seconds run) / GPUs); one timer.
  void arm_next_check(SchedulingContext& ctx);
  void demote_at_event(SchedulingContext& ctx);
};

}  // namespace gpufleet::sched
