#include "sim/event_queue.h"

#include <gtest/gtest.h>

namespace gpufleet::sim {
namespace {

TEST(EventQueue, OrdersByTimeThenPushOrder) {
  EventQueue q;
  q.push_permanent(5.0, EventKind::job_end, 1);
  q.push_permanent(2.0, EventKind::job_end, 2);
  q.push_permanent(5.0, EventKind::capacity_change, 3);
  q.push_permanent(2.0, EventKind::job_end, 4);
  q.push_permanent(9.0, EventKind::job_end, 5);
  std::vector<uint32_t> order;
  while (auto e = q.pop()) order.push_back(e->target);
  EXPECT_EQ(order, (std::vector<uint32_t>{2, 4, 1, 3, 5}));
  EXPECT_FALSE(q.next_time().has_value());
}

TEST(EventQueue, ManyEventsComeOutSorted) {
  EventQueue q;
  uint64_t x = 12345;
  for (uint32_t i = 0; i < 10000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    q.push_permanent(static_cast<double>(x >> 40), EventKind::job_end, i);
  }
  double last = -1;
  int n = 0;
  while (auto e = q.pop()) {
    EXPECT_LE(last, e->time_s);
    last = e->time_s;
    ++n;
  }
  EXPECT_EQ(n, 10000);
}

TEST(EventQueue, CancelVoidsPendingEventsOfTheTargetOnly) {
  EventQueue q;
  q.push(1.0, EventKind::job_end, 7);
  q.push(2.0, EventKind::job_end, 8);
  q.push(3.0, EventKind::job_end, 7);
  q.cancel(7);
  q.push(4.0, EventKind::job_end, 7);  // pushed after the cancel: live
  ASSERT_EQ(q.next_time(), 2.0);
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->target, 8u);
  e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->target, 7u);
  EXPECT_EQ(e->time_s, 4.0);
  EXPECT_FALSE(q.pop().has_value());
}

TEST(EventQueue, PermanentEventsIgnoreCancel) {
  EventQueue q;
  q.push_permanent(1.0, EventKind::capacity_change, 3);
  q.cancel(3);
  auto e = q.pop();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EventKind::capacity_change);
}

}  // namespace
}  // namespace gpufleet::sim
