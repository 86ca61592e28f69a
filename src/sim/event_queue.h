// The simulator's clock: a binary min-heap of small POD events ordered by (time, sequence).
// Cancellation is by version stamps: cancel(target) bumps the target's version, and events
// stamped with an older version are dropped when they reach the top, never searched for.
//
// Layout for speed (this heap is the simulator's hottest structure): an entry is 24 bytes,
// its key two unsigned words compared as one 128-bit number (the bits of a non-negative
// double order like the double), so that choosing a child on the way down takes no branch;
// a pop sinks the hole to a leaf along the smaller children and lifts the last entry from
// there (Floyd's bottom-up heap, about half the comparisons of the textbook sift-down).
#pragma once

#include <bit>
#include <cassert>
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
  // numbered separately for each kind. REQUIRES: time_s >= 0 and not NaN.
  void push(double time_s, EventKind kind, uint32_t target);
  // Pushes an event that is never cancelled. REQUIRES: as push().
  void push_permanent(double time_s, EventKind kind, uint32_t target);
  // Voids every pending cancellable event of (kind, target). O(1).
  void cancel(EventKind kind, uint32_t target);
  // Same, for job_end events.
  void cancel(uint32_t target) { cancel(EventKind::job_end, target); }

  // Time of the earliest live event, dropping stale ones on the way.
  std::optional<double> next_time() {
    drop_stale_top();
    if (heap_.empty()) return std::nullopt;
    return time_of(heap_.front());
  }
  // Removes and returns the earliest live event.
  std::optional<Event> pop();
  // Removes the earliest live event into `out` if it is due at time_s exactly; false (and
  // nothing removed) otherwise. The simulator's loop: one look at the top per event.
  bool pop_if_at(double time_s, Event& out);

  // Entries in the heap, stale ones included.
  size_t heap_size() const { return heap_.size(); }
  void reserve(size_t events) { heap_.reserve(events); }

 private:
  struct Entry {
    uint64_t time_bits;  // std::bit_cast of the (non-negative) time
    uint64_t order;      // seq << 8 | kind: unique, so (time_bits, order) orders like (time, seq)
    uint32_t target;
    uint32_t version;
  };
  static uint64_t bits_of(double time_s) {
    assert(time_s >= 0);
    return std::bit_cast<uint64_t>(time_s + 0.0);  // + 0.0 turns -0.0 into +0.0
  }
  static double time_of(const Entry& e) { return std::bit_cast<double>(e.time_bits); }
  static EventKind kind_of(const Entry& e) { return static_cast<EventKind>(e.order & 0xff); }
  static Event event_of(const Entry& e) {
    return Event{time_of(e), e.order >> 8, e.target, e.version, kind_of(e)};
  }
  bool stale(const Entry& e) const {
    return e.version != kNotCancellable && e.version != versions_[e.order & 0xff][e.target];
  }
  void drop_stale_top() {
    while (!heap_.empty() && stale(heap_.front())) pop_top();
  }
  void insert(double time_s, EventKind kind, uint32_t target, uint32_t version);
  void pop_top();

  std::vector<Entry> heap_;
  std::vector<uint32_t> versions_[kEventKinds];  // per kind, per target
  uint64_t next_seq_ = 0;
};

}  // namespace gpufleet::sim
