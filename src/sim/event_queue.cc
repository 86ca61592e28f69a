#include "sim/event_queue.h"

#include <cassert>

namespace gpufleet::sim {

namespace {
// True when a must leave the heap before b.
inline bool earlier(const Event& a, const Event& b) {
  return a.time_s < b.time_s || (a.time_s == b.time_s && a.seq < b.seq);
}
}  // namespace

void EventQueue::push(double time_s, EventKind kind, uint32_t target) {
  auto& versions = versions_[static_cast<size_t>(kind)];
  if (target >= versions.size()) versions.resize(static_cast<size_t>(target) + 1, 0);
  heap_.push_back(Event{time_s, next_seq_++, target, versions[target], kind});
  sift_up(heap_.size() - 1);
}

void EventQueue::push_permanent(double time_s, EventKind kind, uint32_t target) {
  heap_.push_back(Event{time_s, next_seq_++, target, kNotCancellable, kind});
  sift_up(heap_.size() - 1);
}

void EventQueue::cancel(EventKind kind, uint32_t target) {
  auto& versions = versions_[static_cast<size_t>(kind)];
  if (target >= versions.size()) versions.resize(static_cast<size_t>(target) + 1, 0);
  ++versions[target];
  // A version would have to wrap 2^32 times with an event still pending to alias.
  if (versions[target] == kNotCancellable) versions[target] = 0;
}

void EventQueue::drop_stale_top() {
  while (!heap_.empty() && stale(heap_.front())) pop_top();
}

std::optional<double> EventQueue::next_time() {
  drop_stale_top();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().time_s;
}

std::optional<Event> EventQueue::pop() {
  drop_stale_top();
  if (heap_.empty()) return std::nullopt;
  const Event top = heap_.front();
  pop_top();
  return top;
}

void EventQueue::pop_top() {
  assert(!heap_.empty());
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void EventQueue::sift_up(size_t i) {
  const Event e = heap_[i];
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (!earlier(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::sift_down(size_t i) {
  const size_t n = heap_.size();
  const Event e = heap_[i];
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
    if (!earlier(heap_[child], e)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = e;
}

}  // namespace gpufleet::sim
