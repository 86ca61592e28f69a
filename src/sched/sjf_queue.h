// `sjf`: shortest job first by reference duration (Job::duration_s), ties by arrival. Strict:
// the shortest waiting job that does not fit blocks the rest, so large jobs are not starved
// by a stream of small ones that always fit.
#pragma once

#include <vector>

#include "sched/blocked_head.h"
#include "sched/queue_policy.h"

namespace gpufleet::sched {

class SjfQueue final : public QueuePolicy {
 public:
  void reserve(size_t jobs) override {}
  void push(const Job& job) override;
  size_t size() const override { return heap_.size(); }
  void dispatch(SchedulingContext& ctx) override;

 private:
  struct Entry {
    double duration_s;
    double submit_s;
    uint32_t id;
  };
  void pop();

  std::vector<Entry> heap_;  // min-heap on (duration_s, arrival)
  BlockedHead blocked_;
};

}  // namespace gpufleet::sched
