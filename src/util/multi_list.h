// Several intrusive doubly-linked lists of job ids over one pair of flat arrays: each id is in
// at most one list at a time. O(1) append, removal anywhere and walk; a bitmap of non-empty
// lists finds the first one in O(lists / 64). No allocation after reserve().
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gpufleet {

class MultiList {
 public:
  static constexpr uint32_t kEnd = ~uint32_t{0};

  void reserve(size_t ids, size_t lists) {
    next_.assign(ids, kEnd);
    prev_.assign(ids, kEnd);
    list_of_.assign(ids, kEnd);
    head_.assign(lists, kEnd);
    tail_.assign(lists, kEnd);
    count_.assign(lists, 0);
    nonempty_.assign((lists + 63) / 64, 0);
  }
  size_t lists() const { return head_.size(); }
  uint32_t front(uint32_t list) const { return head_[list]; }
  uint32_t back(uint32_t list) const { return tail_[list]; }
  uint32_t next(uint32_t id) const { return next_[id]; }
  uint32_t prev(uint32_t id) const { return prev_[id]; }
  size_t size(uint32_t list) const { return count_[list]; }
  // The list id is in, or kEnd.
  uint32_t list_of(uint32_t id) const { return list_of_[id]; }
  // The first non-empty list at or after `from`, or kEnd.
  uint32_t first_nonempty(uint32_t from = 0) const {
    for (size_t w = from / 64; w < nonempty_.size(); ++w) {
      uint64_t bits = nonempty_[w];
      if (w == from / 64) bits &= ~uint64_t{0} << (from % 64);
      if (bits) return static_cast<uint32_t>(w * 64 + static_cast<size_t>(std::countr_zero(bits)));
    }
    return kEnd;
  }
  // The last non-empty list before `before` (exclusive), or kEnd.
  uint32_t last_nonempty_before(uint32_t before) const {
    if (before == 0) return kEnd;
    const uint32_t last = before - 1;
    for (size_t w = last / 64 + 1; w-- > 0;) {
      uint64_t bits = nonempty_[w];
      if (w == last / 64 && last % 64 != 63) bits &= (uint64_t{1} << (last % 64 + 1)) - 1;
      if (bits) return static_cast<uint32_t>(w * 64 + 63 - static_cast<size_t>(std::countl_zero(bits)));
    }
    return kEnd;
  }
  // REQUIRES: id in no list.
  void push_back(uint32_t list, uint32_t id) {
    assert(list_of_[id] == kEnd);
    list_of_[id] = list;
    prev_[id] = tail_[list];
    next_[id] = kEnd;
    if (tail_[list] == kEnd) head_[list] = id; else next_[tail_[list]] = id;
    tail_[list] = id;
    if (count_[list]++ == 0) nonempty_[list / 64] |= uint64_t{1} << (list % 64);
  }
  // REQUIRES: id in no list.
  void push_front(uint32_t list, uint32_t id) {
    assert(list_of_[id] == kEnd);
    list_of_[id] = list;
    next_[id] = head_[list];
    prev_[id] = kEnd;
    if (head_[list] == kEnd) tail_[list] = id; else prev_[head_[list]] = id;
    head_[list] = id;
    if (count_[list]++ == 0) nonempty_[list / 64] |= uint64_t{1} << (list % 64);
  }
  // REQUIRES: id in a list.
  void remove(uint32_t id) {
    const uint32_t list = list_of_[id];
    assert(list != kEnd);
    const uint32_t p = prev_[id], n = next_[id];
    if (p == kEnd) head_[list] = n; else next_[p] = n;
    if (n == kEnd) tail_[list] = p; else prev_[n] = p;
    list_of_[id] = kEnd;
    if (--count_[list] == 0) nonempty_[list / 64] &= ~(uint64_t{1} << (list % 64));
  }

 private:
  std::vector<uint32_t> next_, prev_, list_of_;
  std::vector<uint32_t> head_, tail_;
  std::vector<uint32_t> count_;
  std::vector<uint64_t> nonempty_;
};

}  // namespace gpufleet
