#include "util/job_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace gpufleet {
namespace {

std::vector<uint32_t> walk(const JobList& list) {
  std::vector<uint32_t> out;
  for (uint32_t id = list.front(); id != JobList::kEnd; id = list.next(id)) out.push_back(id);
  return out;
}

// insert_ordered keeps a list in the order its predicate gives, wherever the new element
// belongs (empty list, front, back, middle, among equals), and the list stays linked both ways.
TEST(JobList, InsertOrderedPutsEachElementAtItsPlaceFromEitherEnd) {
  // Order by a key that is not the id: key[id], ties by id.
  std::mt19937 rng(3);
  const uint32_t n = 200;
  std::vector<int> key(n);
  for (auto& k : key) k = static_cast<int>(rng() % 40);
  JobList list;
  list.reserve(n);
  std::vector<uint32_t> ids(n);
  for (uint32_t i = 0; i < n; ++i) ids[i] = i;
  std::shuffle(ids.begin(), ids.end(), rng);
  for (uint32_t id : ids)
    list.insert_ordered(id, [&](uint32_t x) { return key[x] != key[id] ? key[x] > key[id] : x > id; });
  std::vector<uint32_t> want(n);
  for (uint32_t i = 0; i < n; ++i) want[i] = i;
  std::sort(want.begin(), want.end(), [&](uint32_t a, uint32_t b) { return key[a] != key[b] ? key[a] < key[b] : a < b; });
  EXPECT_EQ(walk(list), want);
  EXPECT_EQ(list.size(), n);
  std::vector<uint32_t> backwards;
  for (uint32_t id = list.back(); id != JobList::kEnd; id = list.prev(id)) backwards.push_back(id);
  std::reverse(backwards.begin(), backwards.end());
  EXPECT_EQ(backwards, want);
}

TEST(JobList, ContainsFollowsPushAndRemove) {
  JobList list;
  list.reserve(5);
  EXPECT_FALSE(list.contains(0));
  list.push_back(3);
  EXPECT_TRUE(list.contains(3));  // alone: head and tail
  list.push_back(1);
  list.push_back(4);
  EXPECT_TRUE(list.contains(1));
  EXPECT_FALSE(list.contains(2));
  list.remove(1);  // from the middle
  EXPECT_FALSE(list.contains(1));
  EXPECT_EQ(walk(list), (std::vector<uint32_t>{3, 4}));
  list.remove(3);  // the head
  EXPECT_FALSE(list.contains(3));
  EXPECT_TRUE(list.contains(4));
  list.remove(4);
  EXPECT_FALSE(list.contains(4));
  EXPECT_TRUE(list.empty());
  list.push_back(1);  // back in
  EXPECT_TRUE(list.contains(1));
}

}  // namespace
}  // namespace gpufleet
