#include "sim/fleet_state.h"

#include <gtest/gtest.h>

#include <vector>

namespace gpufleet::sim {
namespace {

PoolSpec spec(int gpus_per_node = 8) {
  PoolSpec s;
  s.site = 0;
  s.provider = 0;
  s.accelerator = 0;
  s.gpus_per_node = gpus_per_node;
  return s;
}

TEST(FleetState, WholeNodeJobsTakeWholeNodesAndCountLeftoverAsBusy) {
  FleetState f;
  const uint32_t p = f.add_pool(spec());
  f.set_capacity(p, 32);
  EXPECT_EQ(f.pool(p).in_service_gpus, 32);
  EXPECT_EQ(f.fully_free_nodes(p), 4);
  EXPECT_TRUE(f.fits(p, 12));
  const uint32_t a = f.allocate(p, 0, 12, 0, 10);  // 2 nodes, 16 GPUs
  EXPECT_EQ(f.allocation(a).gpus, 16u);
  EXPECT_EQ(f.pool(p).busy_gpus, 16);
  EXPECT_EQ(f.pool(p).free_gpus, 16);
  EXPECT_EQ(f.fully_free_nodes(p), 2);
  EXPECT_FALSE(f.fits(p, 17));
  EXPECT_TRUE(f.fits(p, 16));
  f.release(a);
  EXPECT_EQ(f.pool(p).busy_gpus, 0);
  EXPECT_EQ(f.fully_free_nodes(p), 4);
}

TEST(FleetState, SmallJobsBestFitOnPartialNodes) {
  FleetState f;
  const uint32_t p = f.add_pool(spec());
  f.set_capacity(p, 16);
  const uint32_t a = f.allocate(p, 0, 5, 0, 1);  // node A: 3 free
  const uint32_t b = f.allocate(p, 1, 2, 0, 1);  // best fit: node A (3 free) -> 1 free
  EXPECT_EQ(f.allocation(a).node, f.allocation(b).node);
  EXPECT_EQ(f.fully_free_nodes(p), 1);
  const uint32_t c = f.allocate(p, 2, 2, 0, 1);  // A has 1 free: takes node B
  EXPECT_NE(f.allocation(c).node, f.allocation(a).node);
  EXPECT_EQ(f.fully_free_nodes(p), 0);
  EXPECT_FALSE(f.fits(p, 8));
  EXPECT_TRUE(f.fits(p, 6));
  EXPECT_FALSE(f.fits(p, 7));
  EXPECT_EQ(f.pool(p).busy_gpus, 9);
  f.release(c);
  EXPECT_EQ(f.fully_free_nodes(p), 1);
}

TEST(FleetState, RemainderNodeHoldsSmallJobsOnly) {
  FleetState f;
  const uint32_t p = f.add_pool(spec());
  f.set_capacity(p, 12);  // one full node + a 4-GPU node
  EXPECT_EQ(f.pool(p).in_service_gpus, 12);
  EXPECT_EQ(f.fully_free_nodes(p), 1);
  EXPECT_FALSE(f.fits(p, 12));
  f.allocate(p, 0, 8, 0, 1);
  EXPECT_TRUE(f.fits(p, 4));
  EXPECT_FALSE(f.fits(p, 5));
  EXPECT_TRUE(FleetState::fits_capacity(8, 4, 12));
  EXPECT_FALSE(FleetState::fits_capacity(8, 12, 12));
  EXPECT_TRUE(FleetState::fits_capacity(8, 3, 3));
  EXPECT_FALSE(FleetState::fits_capacity(8, 4, 3));
}

TEST(FleetState, ShrinkRemovesIdleNodesFirstThenDrainsBusyOnes) {
  FleetState f;
  const uint32_t p = f.add_pool(spec());
  f.set_capacity(p, 32);
  const uint32_t a = f.allocate(p, 0, 16, 0, 10);  // two busy nodes
  f.set_capacity(p, 16);                           // the two idle nodes go
  EXPECT_EQ(f.pool(p).in_service_gpus, 16);
  EXPECT_EQ(f.pool(p).busy_gpus, 16);
  EXPECT_TRUE(f.pool(p).draining_full.empty());
  f.set_capacity(p, 0);  // busy nodes drain, the job keeps running
  EXPECT_EQ(f.pool(p).in_service_gpus, 16);
  EXPECT_EQ(f.pool(p).draining_full.size(), 2u);
  EXPECT_EQ(f.pool(p).free_gpus, 0);
  EXPECT_FALSE(f.fits(p, 1));
  f.release(a);  // drained nodes leave
  EXPECT_EQ(f.pool(p).in_service_gpus, 0);
  EXPECT_EQ(f.pool(p).busy_gpus, 0);
  EXPECT_TRUE(f.pool(p).draining_full.empty());
  f.set_capacity(p, 8);  // grows again, reusing a node id
  EXPECT_EQ(f.fully_free_nodes(p), 1);
  EXPECT_EQ(f.node_count(), 4u);
}

TEST(FleetState, GrowingReactivatesDrainingNodes) {
  FleetState f;
  const uint32_t p = f.add_pool(spec());
  f.set_capacity(p, 16);
  const uint32_t a = f.allocate(p, 0, 3, 0, 10);
  f.set_capacity(p, 0);  // the idle node retires, the busy one drains
  EXPECT_EQ(f.pool(p).in_service_gpus, 8);
  EXPECT_EQ(f.pool(p).draining_full.size(), 1u);
  f.set_capacity(p, 8);  // the draining node is back in service with its 5 free GPUs
  EXPECT_TRUE(f.pool(p).draining_full.empty());
  EXPECT_EQ(f.pool(p).in_service_gpus, 8);
  EXPECT_EQ(f.pool(p).free_gpus, 5);
  EXPECT_TRUE(f.fits(p, 5));
  f.release(a);
  EXPECT_EQ(f.fully_free_nodes(p), 1);
}

TEST(FleetState, PeakFromLooksAhead) {
  FleetState f;
  PoolSpec s = spec();
  s.schedule = {{0, 8}, {100, 64}, {200, 0}};
  const uint32_t p = f.add_pool(s);
  f.set_capacity(p, 8);
  EXPECT_EQ(f.peak_from(p, 0), 64);
  f.set_capacity(p, 64);  // what the capacity event at 100 does
  EXPECT_EQ(f.peak_from(p, 150), 64);
  f.set_capacity(p, 0);
  EXPECT_EQ(f.peak_from(p, 250), 0);
  EXPECT_EQ(f.scheduled_at(p, 150), 64);
  EXPECT_EQ(f.scheduled_at(p, 250), 0);
}


// Every active node in service sits in exactly one bucket, at its recorded position, unless a
// gang holds it whole (then in none); the pool's free count is the sum over its buckets.
void expect_buckets_consistent(const FleetState& f, uint32_t p) {
  const Pool& pool = f.pool(p);
  std::vector<int> seen(f.node_count(), 0);
  int64_t free = 0;
  for (size_t k = 0; k < pool.buckets.size(); ++k) {
    for (size_t i = 0; i < pool.buckets[k].size(); ++i) {
      const uint32_t n = pool.buckets[k][i];
      ++seen[n];
      EXPECT_EQ(f.node(n).state, NodeState::active) << "node " << n << " in bucket " << k;
      EXPECT_EQ(f.node(n).free, k) << "node " << n;
      EXPECT_EQ(f.node(n).pos, i) << "node " << n;
      free += static_cast<int64_t>(k);
    }
  }
  for (size_t n = 0; n < seen.size(); ++n) EXPECT_LE(seen[n], 1) << "node " << n << " is in " << seen[n] << " buckets";
  EXPECT_EQ(pool.free_gpus, free);
}

TEST(FleetState, GangNodesDrainedThenWantedAgainGoBackOnce) {
  FleetState f;
  const uint32_t p = f.add_pool(spec());
  f.set_capacity(p, 32);
  const uint32_t gang = f.allocate(p, 0, 16, 0, 10);  // two whole nodes
  const uint32_t small = f.allocate(p, 1, 8, 0, 10);  // a third whole node
  f.set_capacity(p, 8);  // the idle node retires; two of the busy ones drain
  expect_buckets_consistent(f, p);
  f.set_capacity(p, 32);  // the draining nodes are wanted again
  expect_buckets_consistent(f, p);
  f.release(gang);
  expect_buckets_consistent(f, p);
  f.release(small);
  expect_buckets_consistent(f, p);
  EXPECT_EQ(f.fully_free_nodes(p), 4);
  EXPECT_EQ(f.pool(p).free_gpus, 32);
  // Shrinking to nothing retires every node exactly once.
  f.set_capacity(p, 0);
  expect_buckets_consistent(f, p);
  EXPECT_EQ(f.pool(p).in_service_gpus, 0);
  EXPECT_EQ(f.pool(p).free_gpus, 0);
  EXPECT_TRUE(f.pool(p).members.empty());
}

}  // namespace
}  // namespace gpufleet::sim
