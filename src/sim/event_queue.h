// The simulator's clock: a binary min-heap of small POD events ordered by (time, sequence).
// Cancellation is by version stamps: cancel(target) bumps the target's version, and events
// stamped with an older version are dropped when they reach the top, never searched for.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace gpufleet::sim {

enum class EventKind : uint8_t {
  job_end = 0,          // target: allocation slot (cancellable)
  capacity_change = 1,  // target: pool
  node_failure = 2,     // target: pool; the pool's next node failure (cancellable)
  spot_preemption = 3,  // target: pool; the spot pool's next reclaim (cancellable)
  node_repair = 4,      // target: node
  outage_start = 5,     // target: outage index
  outage_end = 6,       // target: outage index
  trace_fault = 7,      // target: index into the fault trace's faults
  policy_timer = 8,     // target: job id; a queue policy's timer (cancellable)
  delayed_arrival = 9,  // target: job id; a flexible job enters the queue
};
inline constexpr size_t kEventKinds = 10;

inline constexpr uint32_t kNotCancellable = ~uint32_t{0};

struct Event {
  double time_s = 0;     // simulated seconds
  uint64_t seq = 0;      // push order; breaks ties in time so that runs are deterministic
  uint32_t target = 0;   // what the event is about (a running slot, a pool)
  uint32_t version = 0;  // the target's version when pushed, or kNotCancellable
  EventKind kind = EventKind::job_end;
};

class EventQueue {
 public:
  // Pushes an event that cancel(kind, target) can void. Targets are small dense integers,
  // numbered separately for each kind.
  void push(double time_s, EventKind kind, uint32_t target);
  // Pushes an event that is never cancelled.
  void push_permanent(double time_s, EventKind kind, uint32_t target);
  // Voids every pending cancellable event of (kind, target). O(1).
  void cancel(EventKind kind, uint32_t target);
  // Same, for job_end events.
  void cancel(uint32_t target) { cancel(EventKind::job_end, target); }

  // Time of the earliest live event, dropping stale ones on the way.
  std::optional<double> next_time();
  // Removes and returns the earliest live event.
  std::optional<Event> pop();

  // Entries in the heap, stale ones included.
  size_t heap_size() const { return heap_.size(); }
  void reserve(size_t events) { heap_.reserve(events); }

 private:
  bool stale(const Event& e) const {
    return e.version != kNotCancellable && e.version != versions_[static_cast<size_t>(e.kind)][e.target];
  }
  void drop_stale_top();
  void sift_up(size_t i);
  void sift_down(size_t i);
  void pop_top();

  std::vector<Event> heap_;
  std::vector<uint32_t> versions_[kEventKinds];  // per kind, per target
  uint64_t next_seq_ = 0;
};

}  // namespace gpufleet::sim
