// Live state of the fleet: pools of nodes, what is free where, and which job holds what.
//
// A pool is (site, accelerator, source); contract pools are one per contract so that
// take-or-pay is accounted per contract. A pool of C GPUs on nodes of N GPUs is laid out as
// floor(C / N) full nodes plus one remainder node of C mod N GPUs (when non-zero).
//
// Placement cost: free nodes are kept in buckets by free-GPU count, so that "are there k
// fully free nodes?" and "best-fit node with at least g free GPUs" are O(N), not O(nodes).
// A gang takes its whole nodes off the end of the fully free bucket in one block without
// touching the nodes themselves (held_whole()), and gives them back in one block.
//
// Layouts (GpuLayout, one for the whole fleet, chosen by the placement policy):
// - whole_nodes (the default): jobs of N GPUs or more take ceil(gpus / N) whole full nodes; the
//   leftover GPUs of the last node belong to the job (allocated, busy for accounting and
//   cost). Smaller jobs take g GPUs of one node, best fit (the node with the fewest free GPUs
//   that still has g).
// - any_free (the `count` placement, as the Tiresias simulator's `count` scheme): a job of g
//   GPUs takes exactly g free GPUs of one pool, on as many nodes as it needs. It takes the
//   layout whole_nodes would when that is exact (g < N on one node, best fit; g a multiple of
//   N on whole nodes); otherwise it is spread: whole free nodes while g - taken >= N, then the
//   best-fit node for what is left, else the node with the most free GPUs, and so on.
//
// Capacity shrinking below what is in use removes idle nodes first; busy nodes are marked
// draining and leave when their last job ends. No job is ever killed for it.
//
// Faults: a node may fail (out of service until repaired; it still counts towards the pool's
// capacity, so no replacement appears), and a whole pool may go down (an outage: no node in
// service until it comes up again, when the pool is rebuilt at its nominal capacity). Both
// REQUIRE the jobs there to have been released first: the simulator interrupts them.
#pragma once

#include <cstdint>
#include <vector>

#include "gpufleet/simulate.h"

namespace gpufleet::fleet {

inline constexpr uint32_t kNone = ~uint32_t{0};

// How a job's GPUs are laid out on a pool's nodes (see the file comment).
enum class GpuLayout : uint8_t { whole_nodes = 0, any_free = 1 };

// A change of a pool's contractual / market capacity, from time_s on.
struct CapacityPoint {
  double time_s = 0;
  int64_t gpus = 0;
};

// What a pool is; filled by build_pools() (or directly in tests).
struct PoolSpec {
  int site = -1;
  int provider = -1;
  int accelerator = -1;
  CapacitySource source = CapacitySource::contract;
  int contract = -1;                // index into Scenario::contracts for contract pools
  int gpus_per_node = 8;
  double usd_per_gpu_hour = 0;      // contract rate, or the market's on-demand / spot price
  double take_or_pay_share = 0;     // contracts only
  double speed_factor = 1.0;        // of the accelerator
  int jurisdiction_code = -1;       // index into Workload::jurisdictions of the site's, or -1
  std::vector<CapacityPoint> schedule;  // sorted by time; capacity before the first is 0
};

// cordoned: drained by the operator while busy: its jobs run on, no new one starts there, and
// it counts in the pool's capacity like a failed node (no replacement appears); when its last
// job ends it is failed with Node::drained set, until undrain_node() or repair_node().
enum class NodeState : uint8_t { active = 0, draining = 1, retired = 2, failed = 3, cordoned = 4 };

struct Node {
  uint32_t pool = 0;
  uint16_t capacity = 0;  // GPUs
  uint16_t free = 0;      // GPUs; left as it was while a gang holds the node whole (then
                          // FleetState::free_on() says 0)
  uint32_t pos = 0;       // position in its bucket (active; stale while a gang holds it whole,
                          // when it is in no bucket), or in the draining list (draining)
  uint32_t member_pos = kNone;  // position in Pool::members while in service
  uint32_t first_slot = kNone;  // allocations on this node, linked by Allocation::next_on_node
  NodeState state = NodeState::retired;
  bool leaving = false;   // failed or cordoned and no longer wanted: retires instead of coming back
  bool drained = false;   // failed because the operator drained it (nothing is broken)
};

// One running job's hold on the fleet.
struct Allocation {
  uint32_t job = 0;
  uint32_t pool = 0;
  uint32_t gpus = 0;        // allocated (whole nodes for gang jobs), >= the job's request
  uint32_t used = 0;        // the job's request: GPUs doing work
  uint32_t node = kNone;    // the node of a one-node allocation
  uint32_t list = kNone;    // index of the node list of a multi-node allocation
  bool spread = false;      // the multi-node allocation holds parts of nodes (GpuLayout::any_free):
                            // FleetState::gpus_on() says how many GPUs of each
  uint32_t pos_in_pool = 0; // position in Pool::running
  uint32_t next_on_node = kNone;  // next allocation on the node of a one-node allocation
  double start_s = 0;
  double end_s = 0;         // planned end, simulated seconds
  double work_s = 0;        // work this run does, pool seconds (restart and checkpoints aside)
};

struct Pool {
  PoolSpec spec;
  std::vector<int64_t> suffix_peak;  // max schedule gpus from index i on
  // Live levels, GPUs.
  int64_t nominal_gpus = 0;     // capacity the contract / market grants now
  int64_t in_service_gpus = 0;  // on active and draining nodes
  int64_t busy_gpus = 0;        // allocated to jobs (paid for, unavailable to others)
  int64_t used_gpus = 0;        // requested by the jobs holding them (computing, drawing power)
  int64_t free_gpus = 0;        // free on active nodes
  int64_t active_full_nodes = 0;
  uint32_t remainder_node = kNone;
  // [free GPUs] -> active nodes with that many free; nodes held whole by gang jobs are in none.
  std::vector<std::vector<uint32_t>> buckets;
  std::vector<uint32_t> draining_full, draining_other;
  std::vector<uint32_t> running;  // allocation slots running here
  std::vector<uint32_t> cordoned;  // nodes drained by the operator that still run jobs
  std::vector<uint32_t> members;  // nodes in service (active, draining or cordoned), any order
  int64_t failed_full_nodes = 0;  // failed full nodes that come back into service when repaired
  int64_t leave_on_repair = 0;    // failed full nodes no longer wanted: retire when repaired
  bool down = false;              // an outage: nothing in service until brought up
};

class FleetState {
 public:
  // Adds a pool with zero capacity; returns its index. REQUIRES: 1 <= gpus_per_node <= 65535.
  uint32_t add_pool(PoolSpec spec);

  size_t pool_count() const { return pools_.size(); }
  const Pool& pool(uint32_t p) const { return pools_[p]; }
  const Node& node(uint32_t n) const { return nodes_[n]; }
  size_t node_count() const { return nodes_.size(); }
  const Allocation& allocation(uint32_t slot) const { return slots_[slot]; }
  // Whether node n is active and held whole by a gang: then it is in no bucket (its pos
  // does not point back at it), and its free and pos were not updated when it was taken, so
  // that a gang of thousands of nodes costs no write per node.
  bool held_whole(uint32_t n) const {
    const Node& node = nodes_[n];
    if (node.state != NodeState::active) return false;
    const auto& bucket = pools_[node.pool].buckets[node.free];
    return !(node.pos < bucket.size() && bucket[node.pos] == n);
  }
  // Free GPUs on node n now.
  uint16_t free_on(uint32_t n) const { return held_whole(n) ? 0 : nodes_[n].free; }
  // Nodes of an allocation (one or many), in the order they were taken.
  const uint32_t* alloc_nodes(const Allocation& a, uint32_t* count) const;
  // GPUs allocation a holds on its k-th node (alloc_nodes() order).
  uint32_t gpus_on(const Allocation& a, uint32_t k) const {
    if (a.spread) return spread_gpus_[a.list][k];
    if (a.list != kNone) return nodes_[node_lists_[a.list][k]].capacity;
    return a.gpus;
  }

  // The layout every allocation follows. REQUIRES: set before the first allocation.
  void set_layout(GpuLayout layout) { layout_ = layout; }
  GpuLayout layout() const { return layout_; }

  // Sets the pool's capacity to gpus (GPUs), adding nodes or removing idle ones first and
  // draining busy ones.
  void set_capacity(uint32_t p, int64_t gpus);

  // GPUs a job of `gpus` takes in pool p (whole nodes when gpus >= gpus_per_node, unless the
  // layout is any_free).
  uint32_t gpus_taken(uint32_t p, uint32_t gpus) const {
    const auto n = static_cast<uint32_t>(pools_[p].spec.gpus_per_node);
    if (layout_ == GpuLayout::any_free) return gpus;
    return gpus >= n ? (gpus + n - 1) / n * n : gpus;
  }
  // Whether a job of `gpus` can start in pool p now (under the fleet's layout).
  bool fits(uint32_t p, uint32_t gpus) const;
  // Whether it could run in pool p were the pool empty with `capacity` GPUs. Monotone in
  // capacity.
  static bool fits_capacity(int gpus_per_node, uint32_t gpus, int64_t capacity) {
    const auto n = static_cast<int64_t>(gpus_per_node);
    if (gpus >= static_cast<uint32_t>(gpus_per_node)) return (gpus + n - 1) / n <= capacity / n;
    // One node: a full one, or the remainder node.
    return capacity >= n || capacity % n >= static_cast<int64_t>(gpus);
  }
  // fits_capacity() under this fleet's layout, for pool p.
  bool could_fit_in(uint32_t p, uint32_t gpus, int64_t capacity) const {
    if (layout_ == GpuLayout::any_free) return static_cast<int64_t>(gpus) <= capacity;
    return fits_capacity(pools_[p].spec.gpus_per_node, gpus, capacity);
  }
  // Largest capacity pool p will have at any time from t_s on (its current one included).
  int64_t peak_from(uint32_t p, double t_s) const;
  // Capacity of pool p's schedule at t_s.
  int64_t scheduled_at(uint32_t p, double t_s) const;

  // Takes GPUs for a job. REQUIRES: fits(p, gpus). Returns the allocation slot.
  uint32_t allocate(uint32_t p, uint32_t job, uint32_t gpus, double start_s, double end_s, double work_s = 0);
  // Gives an allocation's GPUs back; its slot becomes reusable.
  void release(uint32_t slot);

  // A node in service in pool p, drawn with probability proportional to its GPUs, from u1 and
  // u2 uniform in [0, 1). REQUIRES: the pool has a node in service.
  uint32_t pick_member(uint32_t p, double u1, double u2) const;
  // Whether slots_on_node() is needed (node failures or reclaims can happen): keeping the
  // per-node lists costs a little on every allocation, so fault-free runs turn it off.
  // REQUIRES: called before the first allocation.
  void track_node_slots(bool on) { track_node_slots_ = on; }
  // Appends the allocation slots holding GPUs of node n to out (each once). REQUIRES:
  // track_node_slots(true).
  void slots_on_node(uint32_t n, std::vector<uint32_t>& out) const;
  // Takes node n out of service for repair. REQUIRES: no allocation on it, node in service.
  // Returns false when the node was draining: it simply leaves (nothing to repair).
  bool fail_node(uint32_t n);
  // Node n is repaired: back in service, or retired if no longer wanted. REQUIRES: failed.
  void repair_node(uint32_t n);
  // The operator drains node n: no new job starts there; it leaves service (failed, drained)
  // now if idle, else once its last job ends (cordoned meanwhile). Returns whether it is out
  // of service now. REQUIRES: active.
  bool drain_node(uint32_t n);
  // Ends a drain: back in service (or draining, or retired, if the pool no longer wants it).
  // REQUIRES: cordoned, or failed with drained set.
  void undrain_node(uint32_t n);
  // Outage start (down = true) or end. REQUIRES for down: no allocation in the pool.
  void set_down(uint32_t p, bool down);

  int64_t fully_free_nodes(uint32_t p) const {
    const Pool& pool = pools_[p];
    return static_cast<int64_t>(pool.buckets[static_cast<size_t>(pool.spec.gpus_per_node)].size());
  }

 private:
  uint32_t new_node(uint32_t p, uint16_t capacity);
  void bucket_insert(Pool& pool, uint32_t n);
  void bucket_remove(Pool& pool, uint32_t n);
  void retire(Pool& pool, uint32_t n);
  // Takes an active node out of service: retired if idle, draining if busy.
  void withdraw(Pool& pool, uint32_t n);
  void reactivate(Pool& pool, uint32_t n);
  // A drained node's last job ended: out of service (failed, drained), or retired if unwanted.
  void leave_service_drained(Pool& pool, uint32_t n);
  void list_remove(std::vector<uint32_t>& list, uint32_t n);
  void give_back(Pool& pool, uint32_t n, uint16_t gpus);
  void member_add(Pool& pool, uint32_t n);
  void member_remove(Pool& pool, uint32_t n);
  void unlink_slot(uint32_t n, uint32_t slot);
  // An active node held whole by a running job (in no bucket), or kNone. O(running jobs).
  uint32_t whole_held_node(const Pool& pool) const;
  // Whether GpuLayout::any_free must spread a job of `gpus` over parts of nodes (no exact
  // whole_nodes layout fits now). REQUIRES: fits().
  bool needs_spread(const Pool& pool, uint32_t gpus) const;
  // Takes `gpus` free GPUs of pool p over several nodes into allocation a (GpuLayout::any_free).
  void allocate_spread(Pool& pool, Allocation& a, uint32_t gpus);

  std::vector<Pool> pools_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> spare_nodes_;           // retired node ids, reused first
  std::vector<Allocation> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<std::vector<uint32_t>> node_lists_;
  std::vector<std::vector<uint16_t>> spread_gpus_;  // by node list: GPUs of each node (spread lists)
  std::vector<uint32_t> free_lists_;
  bool track_node_slots_ = true;
  GpuLayout layout_ = GpuLayout::whole_nodes;
};

}  // namespace gpufleet::fleet
