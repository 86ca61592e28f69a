// The simulator's clock: a binary min-heap of small POD events ordered by (time, sequence).
// Cancellation is by version stamps: cancel(target) bumps the target's version, and events
// stamped with an older version are dropped when they reach the top, never searched for.
//
// Layout for speed (this heap is the simulator's hottest structure, and a pop is a chain of
// dependent loads): a 4-ary heap, half the depth of a binary one, whose keys (16 bytes: two
// unsigned words compared as one 128-bit number; the bits of a non-negative double order
// like the double) sit apart from their payloads, so that the four children of a node fill
// one 64-byte cache line and choosing the smallest takes no branch. A pop sinks the hole to
// a leaf along the smallest children and lifts the last entry from there (Floyd's bottom-up
// pop: one comparison per child, the last entry rarely climbs more than a step).
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <new>
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
    if (size_ == 0) return std::nullopt;
    return top_time();
  }
  // Removes and returns the earliest live event.
  std::optional<Event> pop();
  // Removes the earliest live event into `out` if it is due at time_s exactly; false (and
  // nothing removed) otherwise. The simulator's loop: one look at the top per event.
  bool pop_if_at(double time_s, Event& out);

  // Entries in the heap, stale ones included.
  size_t heap_size() const { return size_; }
  void reserve(size_t events) {
    keys_.reserve(kFirst + events);
    payloads_.reserve(kFirst + events);
  }

 private:
  struct Key {
    uint64_t time_bits;  // std::bit_cast of the (non-negative) time
    uint64_t order;      // seq << 8 | kind: unique, so (time_bits, order) orders like (time, seq)
  };
  struct Payload {
    uint32_t target;
    uint32_t version;
  };
  // Keys start at a cache-line boundary plus 3 slots: the children of slot i are slots
  // 4i + 1 .. 4i + 4, which then always share one line.
  template <class T>
  struct LineAllocator {
    using value_type = T;
    LineAllocator() = default;
    template <class U>
    LineAllocator(const LineAllocator<U>&) {}
    T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
    void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t{64}); }
    bool operator==(const LineAllocator&) const { return true; }
  };
  static constexpr size_t kFirst = 3;  // index of the root in keys_ and payloads_

  static uint64_t bits_of(double time_s) {
    assert(time_s >= 0);
    return std::bit_cast<uint64_t>(time_s + 0.0);  // + 0.0 turns -0.0 into +0.0
  }
  double top_time() const { return std::bit_cast<double>(keys_[kFirst].time_bits); }
  Event top_event() const {
    const Key& k = keys_[kFirst];
    const Payload& p = payloads_[kFirst];
    return Event{std::bit_cast<double>(k.time_bits), k.order >> 8, p.target, p.version,
                 static_cast<EventKind>(k.order & 0xff)};
  }
  bool stale_top() const {
    const uint32_t version = payloads_[kFirst].version;
    return version != kNotCancellable &&
           version != versions_[keys_[kFirst].order & 0xff][payloads_[kFirst].target];
  }
  void drop_stale_top() {
    while (size_ > 0 && stale_top()) pop_top();
  }
  void insert(double time_s, EventKind kind, uint32_t target, uint32_t version);
  void pop_top();

  std::vector<Key, LineAllocator<Key>> keys_ = std::vector<Key, LineAllocator<Key>>(kFirst);
  std::vector<Payload> payloads_ = std::vector<Payload>(kFirst);
  size_t size_ = 0;  // entries in the heap: keys_[kFirst, kFirst + size_)
  std::vector<uint32_t> versions_[kEventKinds];  // per kind, per target
  uint64_t next_seq_ = 0;
};

}  // namespace gpufleet::sim
