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
  // Inserts id after the last element smaller than it (walking from the tail): keeps a list
  // that is in id order in id order. O(elements after it).
  void insert_by_id(uint32_t id) {
    uint32_t after = tail_;
    while (after != kEnd && after > id) after = prev_[after];
    if (after == kEnd) {
      push_front(id);
      return;
    }
    const uint32_t n = next_[after];
    prev_[id] = after;
    next_[id] = n;
    next_[after] = id;
    if (n == kEnd) tail_ = id; else prev_[n] = id;
    ++size_;
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
  // REQUIRES: id in the list.
  void remove(uint32_t id) {
    const uint32_t p = prev_[id], n = next_[id];
    if (p == kEnd) head_ = n; else next_[p] = n;
    if (n == kEnd) tail_ = p; else prev_[n] = p;
    --size_;
  }

 private:
  std::vector<uint32_t> next_, prev_;
  uint32_t head_ = kEnd, tail_ = kEnd;
  size_t size_ = 0;
};

}  // namespace gpufleet
