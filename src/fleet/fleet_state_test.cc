#include "fleet/fleet_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace gpufleet::fleet {
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


// Random allocations, releases, capacity changes, node failures and repairs, and outages,
// with every invariant of the fleet's bookkeeping checked after each step.
TEST(FleetState, RandomOperationsKeepEveryInvariant) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    FleetState f;
    f.track_node_slots(true);
    const uint32_t pools[] = {f.add_pool(spec(8)), f.add_pool(spec(4))};
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL;
    auto pick = [&](uint64_t n) { x = x * 6364136223846793005ULL + 1442695040888963407ULL; return (x >> 33) % n; };
    std::vector<uint32_t> running;  // slots
    std::vector<uint32_t> failed;   // nodes
    std::vector<uint32_t> drained;  // nodes the operator drained (some may have moved on since)
    uint32_t job = 0;
    for (uint32_t p : pools) f.set_capacity(p, 48);
    for (int step = 0; step < 3000; ++step) {
      const uint32_t p = pools[pick(2)];
      const uint64_t op = pick(100);
      auto release_slot = [&](uint32_t slot) {
        f.release(slot);
        running.erase(std::find(running.begin(), running.end(), slot));
      };
      if (op < 44) {
        const uint32_t sizes[] = {1, 2, 3, 5, 8, 12, 16, 24};
        const uint32_t gpus = sizes[pick(8)];
        if (!f.pool(p).down && f.fits(p, gpus)) running.push_back(f.allocate(p, job++, gpus, step, step + 10));
      } else if (op < 76) {
        if (!running.empty()) release_slot(running[pick(running.size())]);
      } else if (op < 86) {
        f.set_capacity(p, static_cast<int64_t>(pick(70)));
      } else if (op < 91) {
        const auto& members = f.pool(p).members;
        if (!members.empty()) {
          const uint32_t n = members[pick(members.size())];
          std::vector<uint32_t> on;
          f.slots_on_node(n, on);
          for (uint32_t slot : on) release_slot(slot);
          // As the simulator does: a draining node whose last job left has retired already.
          if (f.node(n).state != NodeState::retired && f.fail_node(n)) failed.push_back(n);
        }
      } else if (op < 94) {
        if (!failed.empty()) {
          const size_t i = pick(failed.size());
          f.repair_node(failed[i]);
          failed.erase(failed.begin() + static_cast<std::ptrdiff_t>(i));
        }
      } else if (op < 96) {
        const auto& members = f.pool(p).members;
        if (!members.empty()) {
          const uint32_t n = members[pick(members.size())];
          if (f.node(n).state == NodeState::active) {
            f.drain_node(n);
            drained.push_back(n);
          }
        }
      } else if (op < 98) {
        if (!drained.empty()) {
          const size_t i = pick(drained.size());
          const Node& node = f.node(drained[i]);
          if (node.state == NodeState::cordoned || (node.state == NodeState::failed && node.drained)) f.undrain_node(drained[i]);
          drained.erase(drained.begin() + static_cast<std::ptrdiff_t>(i));
        }
      } else {
        const bool down = !f.pool(p).down;
        if (down) {
          const std::vector<uint32_t> here = f.pool(p).running;
          for (uint32_t slot : here) release_slot(slot);
        }
        f.set_down(p, down);
      }
      // Invariants, per pool.
      for (uint32_t q : pools) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step) + " pool " + std::to_string(q));
        const Pool& pool = f.pool(q);
        expect_buckets_consistent(f, q);
        std::vector<int64_t> used_on(f.node_count(), 0);
        int64_t busy = 0, used = 0;
        for (size_t i = 0; i < pool.running.size(); ++i) {
          const Allocation& a = f.allocation(pool.running[i]);
          ASSERT_EQ(a.pos_in_pool, i);
          busy += a.gpus;
          used += a.used;
          uint32_t count = 0;
          const uint32_t* nodes = f.alloc_nodes(a, &count);
          for (uint32_t k = 0; k < count; ++k) {
            const Node& node = f.node(nodes[k]);
            ASSERT_TRUE(node.state == NodeState::active || node.state == NodeState::draining ||
                        node.state == NodeState::cordoned)
                << "node " << nodes[k];
            used_on[nodes[k]] += count > 1 || a.gpus >= static_cast<uint32_t>(pool.spec.gpus_per_node) ? node.capacity : a.gpus;
          }
        }
        EXPECT_EQ(pool.busy_gpus, busy);
        EXPECT_EQ(pool.used_gpus, used);
        int64_t in_service = 0;
        for (size_t i = 0; i < pool.members.size(); ++i) {
          const uint32_t n = pool.members[i];
          const Node& node = f.node(n);
          ASSERT_EQ(node.member_pos, i);
          ASSERT_EQ(node.pool, q);
          ASSERT_TRUE(node.state == NodeState::active || node.state == NodeState::draining ||
                      node.state == NodeState::cordoned);
          in_service += node.capacity;
          EXPECT_EQ(static_cast<int64_t>(f.free_on(n)), node.capacity - used_on[n]) << "node " << n;
          if (node.state != NodeState::active) {
            EXPECT_GT(used_on[n], 0) << "an idle draining or drained node should have left service";
          }
        }
        EXPECT_EQ(pool.in_service_gpus, in_service);
        for (const auto* list : {&pool.draining_full, &pool.draining_other})
          for (size_t i = 0; i < list->size(); ++i) {
            EXPECT_EQ(f.node((*list)[i]).state, NodeState::draining);
            EXPECT_EQ(f.node((*list)[i]).pos, i);
          }
        for (size_t i = 0; i < pool.cordoned.size(); ++i) {
          EXPECT_EQ(f.node(pool.cordoned[i]).state, NodeState::cordoned);
          EXPECT_EQ(f.node(pool.cordoned[i]).pos, i);
        }
        // Free GPUs to place on: those of active nodes only.
        int64_t free_active = 0;
        for (uint32_t n : pool.members)
          if (f.node(n).state == NodeState::active) free_active += f.free_on(n);
        EXPECT_EQ(pool.free_gpus, free_active);
        if (pool.down) {
          EXPECT_EQ(pool.in_service_gpus, 0);
        } else {
          // Active capacity never exceeds what the contract grants.
          int64_t active = 0;
          for (uint32_t n : pool.members)
            if (f.node(n).state == NodeState::active) active += f.node(n).capacity;
          EXPECT_LE(active, pool.nominal_gpus);
        }
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
}


// Six nodes of 8; five 5-GPU jobs on five nodes: 23 GPUs free (3 on each of five nodes and one
// whole node). Whole nodes: a 16-GPU job does not fit. Any free GPUs: it takes exactly 16 (the
// whole node, then 3 + 3 + 2 from partial nodes), and gives them all back.
TEST(FleetStateAnyFree, SixteenGpusStartOnTwentyThreeFreeWithoutTwoWholeNodes) {
  for (const GpuLayout layout : {GpuLayout::whole_nodes, GpuLayout::any_free}) {
    FleetState f;
    f.set_layout(layout);
    const uint32_t p = f.add_pool(spec());
    f.set_capacity(p, 48);
    std::vector<uint32_t> small;
    for (uint32_t j = 0; j < 5; ++j) small.push_back(f.allocate(p, j, 5, 0, 10));
    for (uint32_t s : small) EXPECT_EQ(f.allocation(s).list, kNone);  // one node each
    EXPECT_EQ(f.pool(p).free_gpus, 23);
    EXPECT_EQ(f.fully_free_nodes(p), 1);
    if (layout == GpuLayout::whole_nodes) {
      EXPECT_FALSE(f.fits(p, 16));
      EXPECT_EQ(f.gpus_taken(p, 12), 16u);
      continue;
    }
    EXPECT_TRUE(f.fits(p, 16));
    EXPECT_TRUE(f.fits(p, 23));
    EXPECT_FALSE(f.fits(p, 24));
    EXPECT_EQ(f.gpus_taken(p, 12), 12u);
    const uint32_t big = f.allocate(p, 9, 16, 1, 20);
    const Allocation& a = f.allocation(big);
    EXPECT_TRUE(a.spread);
    EXPECT_EQ(a.gpus, 16u);
    EXPECT_EQ(a.used, 16u);
    uint32_t count = 0;
    const uint32_t* nodes = f.alloc_nodes(a, &count);
    ASSERT_EQ(count, 4u);
    uint32_t sum = 0;
    for (uint32_t k = 0; k < count; ++k) sum += f.gpus_on(a, k);
    EXPECT_EQ(sum, 16u);
    EXPECT_EQ(f.gpus_on(a, 0), 8u);  // the whole node first
    EXPECT_EQ(f.node(nodes[0]).capacity, 8);
    EXPECT_EQ(f.pool(p).busy_gpus, 25 + 16);
    EXPECT_EQ(f.pool(p).free_gpus, 7);
    expect_buckets_consistent(f, p);
    // Every node the spread job touches lists it once among the slots on it.
    for (uint32_t k = 0; k < count; ++k) {
      std::vector<uint32_t> on;
      f.slots_on_node(nodes[k], on);
      EXPECT_EQ(std::count(on.begin(), on.end(), big), 1) << "node " << nodes[k];
    }
    f.release(big);
    EXPECT_EQ(f.pool(p).busy_gpus, 25);
    EXPECT_EQ(f.pool(p).free_gpus, 23);
    EXPECT_EQ(f.fully_free_nodes(p), 1);
    expect_buckets_consistent(f, p);
    for (uint32_t s : small) f.release(s);
    EXPECT_EQ(f.fully_free_nodes(p), 6);
    expect_buckets_consistent(f, p);
  }
}

// A 12-GPU job under any_free takes 12, not 16; a multiple of a node on free whole nodes takes
// them whole; jobs spread over a node that then drains give their GPUs back to the draining
// node, which leaves once empty.
TEST(FleetStateAnyFree, ExactGpusAndDrainingNodesStayConsistent) {
  FleetState f;
  f.set_layout(GpuLayout::any_free);
  const uint32_t p = f.add_pool(spec());
  f.set_capacity(p, 32);
  const uint32_t twelve = f.allocate(p, 0, 12, 0, 10);
  EXPECT_EQ(f.allocation(twelve).gpus, 12u);
  EXPECT_EQ(f.pool(p).free_gpus, 20);
  const uint32_t sixteen = f.allocate(p, 1, 16, 0, 10);  // two whole nodes: a gang
  EXPECT_FALSE(f.allocation(sixteen).spread);
  EXPECT_EQ(f.allocation(sixteen).gpus, 16u);
  const uint32_t four = f.allocate(p, 2, 4, 0, 10);  // the 4 left of the 12's second node
  EXPECT_EQ(f.pool(p).free_gpus, 0);
  EXPECT_FALSE(f.fits(p, 1));
  expect_buckets_consistent(f, p);
  f.set_capacity(p, 16);  // two nodes drain (none idle)
  EXPECT_EQ(f.pool(p).in_service_gpus, 32);
  f.release(twelve);
  f.release(four);
  expect_buckets_consistent(f, p);
  f.release(sixteen);
  EXPECT_EQ(f.pool(p).in_service_gpus, 16);
  EXPECT_EQ(f.pool(p).busy_gpus, 0);
  EXPECT_EQ(f.pool(p).free_gpus, 16);
  expect_buckets_consistent(f, p);
  EXPECT_TRUE(f.could_fit_in(p, 13, 16));
  EXPECT_FALSE(f.could_fit_in(p, 17, 16));
}

}  // namespace
}  // namespace gpufleet::fleet
