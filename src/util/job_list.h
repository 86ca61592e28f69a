// An intrusive doubly-linked list of job ids over flat arrays: O(1) append, removal anywhere
// and ordered walk, no allocation after reserve().
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/huge_pages.h"

namespace gpufleet {

class JobList {
 public:
  static constexpr uint32_t kEnd = ~uint32_t{0};

  void reserve(size_t ids) {
    reserve_huge(next_, ids);
    reserve_huge(prev_, ids);
    next_.assign(ids, kEnd);
    prev_.assign(ids, kEnd);
  }
  bool empty() const { return head_ == kEnd; }
  size_t size() const { return size_; }
  uint32_t front() const { return head_; }
  uint32_t back() const { return tail_; }
  uint32_t next(uint32_t id) const { return next_[id]; }
  uint32_t prev(uint32_t id) const { return prev_[id]; }
  // Inserts id into a list kept in an order where after(x) says whether element x comes after
  // id: before the first element that does, after the last that does not. Walks from both
  // ends at once, so an element that belongs near either end costs little:
  // O(min(elements before it, elements after it)). REQUIRES: the list is in that order; id
  // < reserved ids and not in the list.
  template <class After>
  void insert_ordered(uint32_t id, After after) {
    uint32_t from_head = head_, from_tail = tail_;
    for (;;) {
      if (from_head == kEnd) {  // every element comes before id (or the list is empty)
        push_back(id);
        return;
      }
      if (after(from_head)) {
        insert_before(from_head, id);
        return;
      }
      if (!after(from_tail)) {
        insert_after(from_tail, id);
        return;
      }
      from_head = next_[from_head];
      from_tail = prev_[from_tail];
    }
  }
  // REQUIRES: id < reserved ids and not in the list.
  void push_front(uint32_t id) {
    assert(id < next_.size());
    next_[id] = head_;
    prev_[id] = kEnd;
    if (head_ == kEnd) tail_ = id; else prev_[head_] = id;
    head_ = id;
    ++size_;
  }

  // REQUIRES: id < reserved ids and not in the list.
  void push_back(uint32_t id) {
    assert(id < next_.size());
    prev_[id] = tail_;
    next_[id] = kEnd;
    if (tail_ == kEnd) head_ = id; else next_[tail_] = id;
    tail_ = id;
    ++size_;
  }
  // REQUIRES: at in the list; id < reserved ids and not in it.
  void insert_before(uint32_t at, uint32_t id) {
    const uint32_t p = prev_[at];
    if (p == kEnd) {
      push_front(id);
      return;
    }
    insert_after(p, id);
  }
  void insert_after(uint32_t at, uint32_t id) {
    const uint32_t n = next_[at];
    prev_[id] = at;
    next_[id] = n;
    next_[at] = id;
    if (n == kEnd) tail_ = id; else prev_[n] = id;
    ++size_;
  }
  // REQUIRES: id in the list.
  void remove(uint32_t id) {
    const uint32_t p = prev_[id], n = next_[id];
    if (p == kEnd) head_ = n; else next_[p] = n;
    if (n == kEnd) tail_ = p; else prev_[n] = p;
    next_[id] = prev_[id] = kEnd;  // so that contains(id) is false; read next(id) before removing
    --size_;
  }
  // Whether id is in the list. REQUIRES: id < reserved ids.
  bool contains(uint32_t id) const { return id == head_ || prev_[id] != kEnd; }

 private:
  std::vector<uint32_t> next_, prev_;
  uint32_t head_ = kEnd, tail_ = kEnd;
  size_t size_ = 0;
};

}  // namespace gpufleet
