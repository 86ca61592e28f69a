#include "sim/event_queue.h"

namespace gpufleet::sim {

namespace {
__extension__ typedef unsigned __int128 Key;
// True when a must leave the heap before b. Compiles to a compare and a subtract with
// borrow: no branch.
template <class E>
inline bool earlier(const E& a, const E& b) {
  const Key ka = static_cast<Key>(a.time_bits) << 64 | a.order;
  const Key kb = static_cast<Key>(b.time_bits) << 64 | b.order;
  return ka < kb;
}
}  // namespace

void EventQueue::insert(double time_s, EventKind kind, uint32_t target, uint32_t version) {
  const Entry e{bits_of(time_s), next_seq_++ << 8 | static_cast<uint64_t>(kind), target, version};
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!earlier(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::push(double time_s, EventKind kind, uint32_t target) {
  auto& versions = versions_[static_cast<size_t>(kind)];
  if (target >= versions.size()) versions.resize(static_cast<size_t>(target) + 1, 0);
  insert(time_s, kind, target, versions[target]);
}

void EventQueue::push_permanent(double time_s, EventKind kind, uint32_t target) {
  insert(time_s, kind, target, kNotCancellable);
}

void EventQueue::cancel(EventKind kind, uint32_t target) {
  auto& versions = versions_[static_cast<size_t>(kind)];
  if (target >= versions.size()) versions.resize(static_cast<size_t>(target) + 1, 0);
  ++versions[target];
  // A version would have to wrap 2^32 times with an event still pending to alias.
  if (versions[target] == kNotCancellable) versions[target] = 0;
}

std::optional<Event> EventQueue::pop() {
  drop_stale_top();
  if (heap_.empty()) return std::nullopt;
  const Event top = event_of(heap_.front());
  pop_top();
  return top;
}

bool EventQueue::pop_if_at(double time_s, Event& out) {
  drop_stale_top();
  if (heap_.empty() || heap_.front().time_bits != bits_of(time_s)) return false;
  out = event_of(heap_.front());
  pop_top();
  return true;
}

void EventQueue::pop_top() {
  assert(!heap_.empty());
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return;
  // Sink the hole at the root to a leaf along the smaller children...
  size_t i = 0;
  for (size_t child = 1; child < n; child = 2 * i + 1) {
    if (child + 1 < n) child += earlier(heap_[child + 1], heap_[child]);
    heap_[i] = heap_[child];
    i = child;
  }
  // ...then lift the last entry from there to its place (rarely more than a step or two).
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!earlier(last, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = last;
}

}  // namespace gpufleet::sim
