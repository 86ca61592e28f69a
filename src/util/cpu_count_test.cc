// "Every core" is the CPUs this process may run on: one when bound to one (as mpirun binds a
// rank), the machine shared out among its processes when they are not bound.
#include <sched.h>
#include <sys/sysinfo.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "util/cpu_count.h"

namespace gpufleet {
namespace {

TEST(CpuCount, FollowsTheAffinityMaskAndSharesAnUnboundMachine) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
  const int all = CPU_COUNT(&saved);
  EXPECT_EQ(usable_cpu_count(), all);
  EXPECT_EQ(default_worker_threads(1), all);
  if (all == get_nprocs()) EXPECT_EQ(default_worker_threads(2), std::max(1, all / 2));  // unbound: shared
  // Bound to one CPU (sched_setaffinity(0) binds the calling thread, which is what is read).
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &saved)) {
      CPU_SET(c, &one);
      break;
    }
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  EXPECT_EQ(usable_cpu_count(), 1);
  EXPECT_EQ(default_worker_threads(2), 1);  // bound: its own share, not divided again
  ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
}

}  // namespace
}  // namespace gpufleet
