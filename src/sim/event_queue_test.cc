#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

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


TEST(EventQueue, PopIfAtTakesOnlyEventsDueThen) {
  EventQueue q;
  q.push_permanent(3.0, EventKind::job_end, 1);
  q.push(3.0, EventKind::node_failure, 2);
  q.push_permanent(4.0, EventKind::job_end, 3);
  q.cancel(EventKind::node_failure, 2);
  Event e;
  EXPECT_FALSE(q.pop_if_at(2.0, e));
  ASSERT_TRUE(q.pop_if_at(3.0, e));
  EXPECT_EQ(e.target, 1u);
  EXPECT_EQ(e.time_s, 3.0);
  EXPECT_FALSE(q.pop_if_at(3.0, e));  // the other 3.0 event was cancelled
  ASSERT_TRUE(q.pop_if_at(4.0, e));
  EXPECT_EQ(e.target, 3u);
  EXPECT_FALSE(q.pop_if_at(4.0, e));
}

TEST(EventQueue, NegativeZeroIsTimeZero) {
  EventQueue q;
  q.push_permanent(0.0, EventKind::job_end, 1);
  q.push_permanent(-0.0, EventKind::job_end, 2);
  q.push_permanent(1e-300, EventKind::job_end, 3);
  Event e;
  ASSERT_TRUE(q.pop_if_at(0.0, e));
  EXPECT_EQ(e.target, 1u);
  ASSERT_TRUE(q.pop_if_at(-0.0, e));
  EXPECT_EQ(e.target, 2u);
  ASSERT_TRUE(q.pop_if_at(1e-300, e));
  EXPECT_EQ(e.target, 3u);
}

// Random pushes (many ties in time), cancels and pops against a sorted reference.
TEST(EventQueue, MatchesAReferenceUnderRandomPushesCancelsAndPops) {
  EventQueue q;
  struct Ref {
    double t;
    uint64_t seq;
    uint32_t target;
    uint32_t version;  // kNotCancellable for permanent events
  };
  std::vector<Ref> ref;
  std::vector<uint32_t> versions(50, 0);
  uint64_t seq = 0, x = 99;
  auto next = [&] { return (x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  double now = 0;
  for (int step = 0; step < 20000; ++step) {
    const uint64_t r = next() % 10;
    if (r < 5) {
      const double t = now + static_cast<double>(next() % 20);
      const auto target = static_cast<uint32_t>(next() % versions.size());
      if (r < 3) {
        q.push(t, EventKind::job_end, target);
        ref.push_back({t, seq++, target, versions[target]});
      } else {
        q.push_permanent(t, EventKind::job_end, target);
        ref.push_back({t, seq++, target, kNotCancellable});
      }
    } else if (r < 6) {
      const auto target = static_cast<uint32_t>(next() % versions.size());
      q.cancel(target);
      ++versions[target];
    } else {
      // The reference's earliest live event.
      auto live = [&](const Ref& e) { return e.version == kNotCancellable || e.version == versions[e.target]; };
      std::erase_if(ref, [&](const Ref& e) { return !live(e); });
      auto it = std::min_element(ref.begin(), ref.end(), [](const Ref& a, const Ref& b) {
        return std::tie(a.t, a.seq) < std::tie(b.t, b.seq);
      });
      auto got = q.pop();
      if (it == ref.end()) {
        ASSERT_FALSE(got.has_value());
        continue;
      }
      ASSERT_TRUE(got.has_value());
      EXPECT_EQ(got->time_s, it->t);
      EXPECT_EQ(got->target, it->target);
      EXPECT_EQ(got->seq, it->seq);
      now = it->t;
      ref.erase(it);
    }
  }
}


// The simulator's loop over events spread from seconds to years ahead, with "arrivals"
// between them that push more: every event comes out at its time, in push order among equal
// times, cancelled ones never.
TEST(EventQueue, SimulatorLoopMatchesAReferenceFromSecondsToYears) {
  EventQueue q;
  struct Ref {
    double t;
    uint64_t seq;
    uint32_t target;
    uint32_t version;
  };
  std::vector<Ref> ref;
  std::vector<uint32_t> versions(64, 0);
  uint64_t seq = 0, x = 7;
  auto next = [&] { return (x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  auto uniform = [&] { return (static_cast<double>(next() % 1000000) + 0.5) / 1e6; };
  const double scales[] = {1.0, 3600.0, 86400.0, 100 * 86400.0, 3 * 365 * 86400.0};
  double now = 0, next_arrival = 0;
  int popped = 0;
  auto push_some = [&] {
    const int n = static_cast<int>(next() % 4);
    for (int i = 0; i < n; ++i) {
      const double scale = scales[next() % 5];
      // A few exact ties with now or with each other.
      const double t = next() % 10 == 0 ? now : now + std::floor(-std::log(uniform()) * scale);
      const auto target = static_cast<uint32_t>(next() % versions.size());
      if (next() % 2) {
        q.push(t, EventKind::job_end, target);
        ref.push_back({t, seq++, target, versions[target]});
      } else {
        q.push_permanent(t, EventKind::node_repair, target);
        ref.push_back({t, seq++, target, kNotCancellable});
      }
    }
    if (next() % 5 == 0) {
      const auto target = static_cast<uint32_t>(next() % versions.size());
      q.cancel(target);
      ++versions[target];
    }
  };
  auto live = [&](const Ref& e) { return e.version == kNotCancellable || e.version == versions[e.target]; };
  auto earliest = [&] {
    std::erase_if(ref, [&](const Ref& e) { return !live(e); });
    return std::min_element(ref.begin(), ref.end(),
                            [](const Ref& a, const Ref& b) { return std::tie(a.t, a.seq) < std::tie(b.t, b.seq); });
  };
  for (int step = 0; step < 15000; ++step) {
    // As in Simulator::run: the next event if it comes by the next arrival, else the arrival.
    const auto t_event = q.next_time();
    auto it = earliest();
    if (it != ref.end() && it->t <= next_arrival) {
      ASSERT_TRUE(t_event.has_value()) << "step " << step;
      ASSERT_EQ(*t_event, it->t) << "step " << step;
    }
    const double t = t_event && *t_event <= next_arrival ? *t_event : next_arrival;
    now = t;
    Event e;
    while (q.pop_if_at(t, e)) {
      it = earliest();
      ASSERT_NE(it, ref.end());
      ASSERT_EQ(e.time_s, it->t);
      ASSERT_EQ(e.seq, it->seq);
      ASSERT_EQ(e.target, it->target);
      ref.erase(it);
      ++popped;
      push_some();
    }
    it = earliest();
    if (it != ref.end()) {
      ASSERT_GT(it->t, t) << "an event due at " << t << " was left behind";
    }
    if (t == next_arrival) {
      push_some();
      next_arrival = now + std::floor(-std::log(uniform()) * scales[next() % 4]);
    }
  }
  // Drain what is left, without a limit.
  while (auto e = q.pop()) {
    auto it = earliest();
    ASSERT_NE(it, ref.end());
    ASSERT_EQ(e->time_s, it->t);
    ASSERT_EQ(e->seq, it->seq);
    ref.erase(it);
    ++popped;
  }
  EXPECT_TRUE(earliest() == ref.end());
  EXPECT_GT(popped, 5000);
}

TEST(EventQueue, InfiniteAndFarTimesComeLast) {
  EventQueue q;
  q.push_permanent(std::numeric_limits<double>::infinity(), EventKind::job_end, 1);
  q.push_permanent(1e15, EventKind::job_end, 2);
  q.push_permanent(5e8, EventKind::job_end, 3);
  q.push_permanent(10.0, EventKind::job_end, 4);
  std::vector<uint32_t> order;
  while (auto e = q.pop()) order.push_back(e->target);
  EXPECT_EQ(order, (std::vector<uint32_t>{4, 3, 2, 1}));
}

}  // namespace
}  // namespace gpufleet::sim
