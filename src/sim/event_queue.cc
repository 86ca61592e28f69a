#include "sim/event_queue.h"

namespace gpufleet::sim {

namespace {
__extension__ typedef unsigned __int128 Wide;
// True when a must leave the heap before b: a compare and a subtract with borrow, no branch.
template <class K>
inline bool earlier(const K& a, const K& b) {
  return (static_cast<Wide>(a.time_bits) << 64 | a.order) < (static_cast<Wide>(b.time_bits) << 64 | b.order);
}
constexpr size_t kArity = 4;
}  // namespace

// Slot s (from kFirst) has its parent at kFirst + (s - kFirst - 1) / 4 and its children at
// kFirst + 4 (s - kFirst) + 1 .. + 4.
void EventQueue::insert(double time_s, EventKind kind, uint32_t target, uint32_t version) {
  const Key key{bits_of(time_s), next_seq_++ << 8 | static_cast<uint64_t>(kind)};
  const Payload payload{target, version};
  size_t i = size_++;  // heap index (0 = root)
  keys_.push_back(key);
  payloads_.push_back(payload);
  while (i > 0) {
    const size_t parent = (i - 1) / kArity;
    if (!earlier(key, keys_[kFirst + parent])) break;
    keys_[kFirst + i] = keys_[kFirst + parent];
    payloads_[kFirst + i] = payloads_[kFirst + parent];
    i = parent;
  }
  keys_[kFirst + i] = key;
  payloads_[kFirst + i] = payload;
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
  if (size_ == 0) return std::nullopt;
  const Event top = top_event();
  pop_top();
  return top;
}

bool EventQueue::pop_if_at(double time_s, Event& out) {
  drop_stale_top();
  if (size_ == 0 || keys_[kFirst].time_bits != bits_of(time_s)) return false;
  out = top_event();
  pop_top();
  return true;
}

void EventQueue::pop_top() {
  assert(size_ > 0);
  const size_t n = --size_;
  const Key last = keys_[kFirst + n];
  const Payload last_payload = payloads_[kFirst + n];
  keys_.pop_back();
  payloads_.pop_back();
  if (n == 0) return;
  Key* keys = keys_.data() + kFirst;
  Payload* payloads = payloads_.data() + kFirst;
  // Sink the hole at the root to a leaf along the smallest children...
  size_t i = 0;
  for (;;) {
    const size_t first = kArity * i + 1;
    if (first >= n) break;
    size_t best = first;
    if (first + kArity <= n) {
      // All four children exist: pick the smallest without branching.
      const size_t a = first + earlier(keys[first + 1], keys[first]);
      const size_t b = first + 2 + earlier(keys[first + 3], keys[first + 2]);
      best = earlier(keys[b], keys[a]) ? b : a;
    } else {
      for (size_t c = first + 1; c < n; ++c)
        if (earlier(keys[c], keys[best])) best = c;
    }
    keys[i] = keys[best];
    payloads[i] = payloads[best];
    i = best;
  }
  // ...then lift the last entry from there to its place.
  while (i > 0) {
    const size_t parent = (i - 1) / kArity;
    if (!earlier(last, keys[parent])) break;
    keys[i] = keys[parent];
    payloads[i] = payloads[parent];
    i = parent;
  }
  keys[i] = last;
  payloads[i] = last_payload;
}

}  // namespace gpufleet::sim
