// `srtf`: shortest remaining time first, preemptive. Waiting jobs are ordered by priority class
// (higher Job::priority first), then by remaining reference seconds of work, then arrival. When the
// first one does not fit, running jobs of a lower priority class or with more remaining time
// than it are preempted at a checkpoint (no work lost), lowest class then longest remaining
// (then the latest arrival) first, provided that together with the free GPUs they could make room; otherwise it blocks
// those behind it (strict, like `sjf`, so large jobs are not starved by small ones).
//
// With free preemption (PolicySpec::free_preemption, as the Tiresias simulator's `shortest`):
// at every dispatch all jobs, running and waiting, are ordered by class, remaining work, then
// arrival, and re-packed in that order (SchedulingContext::repack): no blocking, preemption at
// no cost.
#pragma once

#include <vector>

#include "sched/blocked_head.h"
#include "sched/queue_policy.h"

namespace gpufleet::sched {

class SrtfQueue final : public QueuePolicy {
 public:
  explicit SrtfQueue(bool free_preemption = false) : free_(free_preemption) {}
  void reserve(size_t jobs) override;
  void push(const Job& job) override;
  size_t size() const override { return waiting_.size() + pending_.size(); }
  void dispatch(SchedulingContext& ctx) override;
  bool preemptive() const override { return true; }
  void on_stop(uint32_t id) override;

 private:
  struct Waiting {
    uint8_t rank;        // 255 - priority: smaller first
    double remaining_s;  // reference seconds
    double submit_s;
    uint32_t id;
  };
  struct Running {
    uint8_t rank;
    double end_s;        // start + remaining reference seconds (speed taken as 1 for ordering)
    double submit_s;
    uint32_t id;
    uint32_t epoch;
  };
  static bool waiting_after(const Waiting& a, const Waiting& b);
  static bool victim_after(const Running& a, const Running& b);
  void pop_waiting();
  bool live(const Running& r) const { return running_[r.id] && epoch_[r.id] == r.epoch; }
  bool preempt_for(const Waiting& head, SchedulingContext& ctx);

  void absorb_pending(SchedulingContext& ctx);
  void dispatch_free(SchedulingContext& ctx);

  bool free_ = false;
  std::vector<uint32_t> running_ids_, running_pos_;  // free preemption: the running jobs
  std::vector<Waiting> all_;                         // free preemption's scratch
  std::vector<uint32_t> order_, started_;

  std::vector<Waiting> waiting_;  // min-heap
  std::vector<uint32_t> pending_; // pushed since the last dispatch: remaining work not read yet
  std::vector<Running> victims_;  // heap: best victim on top; stale entries dropped lazily
  std::vector<Running> scratch_;
  std::vector<uint8_t> running_;
  std::vector<uint32_t> epoch_;
  std::vector<uint8_t> rank_;
  BlockedHead blocked_;
};

}  // namespace gpufleet::sched
