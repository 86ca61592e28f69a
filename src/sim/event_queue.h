// The simulator's clock: a binary min-heap of small POD events ordered by (time, sequence).
// Cancellation is by version stamps: cancel(target) bumps the target's version, and events
// stamped with an older version are dropped when they reach the top, never searched for.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace gpufleet::sim {

enum class EventKind : uint8_t { job_end = 0, capacity_change = 1 };

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
  // Pushes an event that cancel(target) can void. Targets are small dense integers.
  void push(double time_s, EventKind kind, uint32_t target);
  // Pushes an event that is never cancelled.
  void push_permanent(double time_s, EventKind kind, uint32_t target);
  // Voids every pending cancellable event of target. O(1).
  void cancel(uint32_t target);

  // Time of the earliest live event, dropping stale ones on the way.
  std::optional<double> next_time();
  // Removes and returns the earliest live event.
  std::optional<Event> pop();

  // Entries in the heap, stale ones included.
  size_t heap_size() const { return heap_.size(); }
  void reserve(size_t events) { heap_.reserve(events); }

 private:
  bool stale(const Event& e) const {
    return e.version != kNotCancellable && e.version != versions_[e.target];
  }
  void drop_stale_top();
  void sift_up(size_t i);
  void sift_down(size_t i);
  void pop_top();

  std::vector<Event> heap_;
  std::vector<uint32_t> versions_;  // per target
  uint64_t next_seq_ = 0;
};

}  // namespace gpufleet::sim
