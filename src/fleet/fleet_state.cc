#include "fleet/fleet_state.h"

#include <algorithm>
#include <cassert>

namespace gpufleet::fleet {

namespace {
// An index for a new element of items: the last one freed (popped from freed) if any, else a
// new default element at the end.
template <class T>
uint32_t reuse_or_grow(std::vector<T>& items, std::vector<uint32_t>& freed) {
  if (!freed.empty()) {
    const uint32_t i = freed.back();
    freed.pop_back();
    return i;
  }
  items.emplace_back();
  return static_cast<uint32_t>(items.size() - 1);
}
}  // namespace

uint32_t FleetState::add_pool(PoolSpec spec) {
  assert(spec.gpus_per_node >= 1 && spec.gpus_per_node <= 65535);
  Pool pool;
  pool.spec = std::move(spec);
  const auto& s = pool.spec.schedule;
  pool.suffix_peak.assign(s.size() + 1, 0);
  for (size_t i = s.size(); i-- > 0;) pool.suffix_peak[i] = std::max(s[i].gpus, pool.suffix_peak[i + 1]);
  pool.buckets.resize(static_cast<size_t>(pool.spec.gpus_per_node) + 1);
  pools_.push_back(std::move(pool));
  return static_cast<uint32_t>(pools_.size() - 1);
}

const uint32_t* FleetState::alloc_nodes(const Allocation& a, uint32_t* count) const {
  if (a.list == kNone) {
    *count = 1;
    return &a.node;
  }
  *count = static_cast<uint32_t>(node_lists_[a.list].size());
  return node_lists_[a.list].data();
}

int64_t FleetState::scheduled_at(uint32_t p, double t_s) const {
  const auto& s = pools_[p].spec.schedule;
  auto it = std::upper_bound(s.begin(), s.end(), t_s,
                             [](double t, const CapacityPoint& c) { return t < c.time_s; });
  return it == s.begin() ? 0 : std::prev(it)->gpus;
}

int64_t FleetState::peak_from(uint32_t p, double t_s) const {
  const Pool& pool = pools_[p];
  const auto& s = pool.spec.schedule;
  auto it = std::upper_bound(s.begin(), s.end(), t_s,
                             [](double t, const CapacityPoint& c) { return t < c.time_s; });
  const auto i = static_cast<size_t>(it - s.begin());
  return std::max(pool.nominal_gpus, pool.suffix_peak[i]);
}

bool FleetState::fits(uint32_t p, uint32_t gpus) const {
  const Pool& pool = pools_[p];
  if (layout_ == GpuLayout::any_free) return static_cast<int64_t>(gpus) <= pool.free_gpus;
  const auto n = static_cast<uint32_t>(pool.spec.gpus_per_node);
  if (gpus >= n) return pool.buckets[n].size() >= (gpus + n - 1) / n;
  if (static_cast<int64_t>(gpus) > pool.free_gpus) return false;
  for (uint32_t k = gpus; k <= n; ++k)
    if (!pool.buckets[k].empty()) return true;
  return false;
}

uint32_t FleetState::new_node(uint32_t p, uint16_t capacity) {
  const uint32_t n = reuse_or_grow(nodes_, spare_nodes_);
  Node& node = nodes_[n];
  node.pool = p;
  node.capacity = capacity;
  node.free = capacity;
  node.state = NodeState::active;
  node.first_slot = kNone;
  node.leaving = false;
  Pool& pool = pools_[p];
  pool.in_service_gpus += capacity;
  pool.free_gpus += capacity;
  bucket_insert(pool, n);
  member_add(pool, n);
  return n;
}

void FleetState::bucket_insert(Pool& pool, uint32_t n) {
  auto& b = pool.buckets[nodes_[n].free];
  nodes_[n].pos = static_cast<uint32_t>(b.size());
  b.push_back(n);
}

void FleetState::bucket_remove(Pool& pool, uint32_t n) {
  auto& b = pool.buckets[nodes_[n].free];
  const uint32_t pos = nodes_[n].pos;
  assert(pos < b.size() && b[pos] == n);
  b[pos] = b.back();
  nodes_[b[pos]].pos = pos;
  b.pop_back();
}

void FleetState::list_remove(std::vector<uint32_t>& list, uint32_t n) {
  const uint32_t pos = nodes_[n].pos;
  assert(pos < list.size() && list[pos] == n);
  list[pos] = list.back();
  nodes_[list[pos]].pos = pos;
  list.pop_back();
}

void FleetState::member_add(Pool& pool, uint32_t n) {
  nodes_[n].member_pos = static_cast<uint32_t>(pool.members.size());
  pool.members.push_back(n);
}

void FleetState::member_remove(Pool& pool, uint32_t n) {
  const uint32_t pos = nodes_[n].member_pos;
  assert(pos < pool.members.size() && pool.members[pos] == n);
  pool.members[pos] = pool.members.back();
  nodes_[pool.members[pos]].member_pos = pos;
  pool.members.pop_back();
  nodes_[n].member_pos = kNone;
}

void FleetState::retire(Pool& pool, uint32_t n) {
  Node& node = nodes_[n];
  pool.in_service_gpus -= node.capacity;
  member_remove(pool, n);
  node.state = NodeState::retired;
  spare_nodes_.push_back(n);
}

void FleetState::withdraw(Pool& pool, uint32_t n) {
  Node& node = nodes_[n];
  if (node.state == NodeState::failed || node.state == NodeState::cordoned) {  // the remainder node, out
    node.leaving = true;
    return;
  }
  assert(node.state == NodeState::active);
  if (held_whole(n)) {
    node.free = 0;  // kept up to date from now on: it drains until its gang ends
  } else {
    bucket_remove(pool, n);
  }
  pool.free_gpus -= node.free;
  if (node.capacity == pool.spec.gpus_per_node) --pool.active_full_nodes;
  if (node.free == node.capacity) {
    retire(pool, n);
    return;
  }
  node.state = NodeState::draining;
  auto& list = node.capacity == pool.spec.gpus_per_node ? pool.draining_full : pool.draining_other;
  node.pos = static_cast<uint32_t>(list.size());
  list.push_back(n);
}

void FleetState::reactivate(Pool& pool, uint32_t n) {
  Node& node = nodes_[n];
  assert(node.state == NodeState::draining);
  list_remove(node.capacity == pool.spec.gpus_per_node ? pool.draining_full : pool.draining_other, n);
  node.state = NodeState::active;
  pool.free_gpus += node.free;
  if (node.capacity == pool.spec.gpus_per_node) ++pool.active_full_nodes;
  bucket_insert(pool, n);
}

void FleetState::set_capacity(uint32_t p, int64_t gpus) {
  Pool& pool = pools_[p];
  pool.nominal_gpus = gpus;
  if (pool.down) return;  // rebuilt at this capacity when the outage ends
  const int64_t per_node = pool.spec.gpus_per_node;
  const int64_t want_full = gpus / per_node;
  const auto want_rem = static_cast<uint16_t>(gpus % per_node);
  const uint16_t have_rem = pool.remainder_node == kNone ? 0 : nodes_[pool.remainder_node].capacity;
  if (have_rem != want_rem) {
    if (pool.remainder_node != kNone) withdraw(pool, pool.remainder_node);
    pool.remainder_node = want_rem > 0 ? new_node(p, want_rem) : kNone;
  }
  while (pool.active_full_nodes + pool.failed_full_nodes < want_full) {
    if (!pool.draining_full.empty()) {
      reactivate(pool, pool.draining_full.back());
    } else {
      new_node(p, static_cast<uint16_t>(per_node));
      ++pool.active_full_nodes;
    }
  }
  while (pool.active_full_nodes + pool.failed_full_nodes > want_full) {
    // Idle full nodes first, then the least busy full node (never the remainder node); when
    // every full node left is in repair, one of them retires once repaired.
    if (pool.active_full_nodes == 0) {
      --pool.failed_full_nodes;
      ++pool.leave_on_repair;
      continue;
    }
    uint32_t victim = kNone;
    for (int64_t k = per_node; k >= 0 && victim == kNone; --k) {
      const auto& b = pool.buckets[static_cast<size_t>(k)];
      for (size_t i = b.size(); i-- > 0;) {
        if (b[i] != pool.remainder_node) {
          victim = b[i];
          break;
        }
      }
    }
    if (victim == kNone) victim = whole_held_node(pool);
    assert(victim != kNone);
    withdraw(pool, victim);
  }
}

uint32_t FleetState::whole_held_node(const Pool& pool) const {
  for (uint32_t slot : pool.running) {
    const Allocation& a = slots_[slot];
    uint32_t count = 0;
    const uint32_t* nodes = alloc_nodes(a, &count);
    for (uint32_t i = 0; i < count; ++i)
      if (held_whole(nodes[i])) return nodes[i];
  }
  return kNone;
}

bool FleetState::needs_spread(const Pool& pool, uint32_t gpus) const {
  const auto n = static_cast<uint32_t>(pool.spec.gpus_per_node);
  if (gpus >= n) return gpus % n != 0 || pool.buckets[n].size() < gpus / n;
  for (uint32_t k = gpus; k <= n; ++k)
    if (!pool.buckets[k].empty()) return false;
  return true;
}

void FleetState::allocate_spread(Pool& pool, Allocation& a, uint32_t gpus) {
  const auto n = static_cast<uint32_t>(pool.spec.gpus_per_node);
  a.list = reuse_or_grow(node_lists_, free_lists_);
  if (spread_gpus_.size() < node_lists_.size()) spread_gpus_.resize(node_lists_.size());
  auto& nodes = node_lists_[a.list];
  auto& parts = spread_gpus_[a.list];
  nodes.clear();
  parts.clear();
  uint32_t left = gpus;
  while (left > 0) {
    // The best-fit node for what is left (a whole free node while N or more are left), else
    // the node with the most free GPUs.
    const uint32_t want = std::min(left, n);
    uint32_t k = want;
    while (k <= n && pool.buckets[k].empty()) ++k;
    uint32_t take = want;
    if (k > n) {
      k = want - 1;
      while (k > 0 && pool.buckets[k].empty()) --k;
      assert(k > 0);  // fits(): the pool's free GPUs are at least gpus
      take = k;
    }
    const uint32_t node = pool.buckets[k].back();
    bucket_remove(pool, node);
    nodes_[node].free = static_cast<uint16_t>(k - take);
    bucket_insert(pool, node);
    nodes.push_back(node);
    parts.push_back(static_cast<uint16_t>(take));
    left -= take;
  }
  a.spread = true;
  a.next_on_node = kNone;
  a.gpus = gpus;
}

uint32_t FleetState::allocate(uint32_t p, uint32_t job, uint32_t gpus, double start_s, double end_s, double work_s) {
  assert(fits(p, gpus));
  Pool& pool = pools_[p];
  const auto per_node = static_cast<uint32_t>(pool.spec.gpus_per_node);
  const uint32_t slot = reuse_or_grow(slots_, free_slots_);
  Allocation& a = slots_[slot];
  a.job = job;
  a.pool = p;
  a.start_s = start_s;
  a.end_s = end_s;
  a.work_s = work_s;
  a.node = kNone;
  a.list = kNone;
  a.spread = false;
  if (layout_ == GpuLayout::any_free && needs_spread(pool, gpus)) {
    allocate_spread(pool, a, gpus);
  } else if (gpus >= per_node) {
    // Whole nodes leave the free bucket in one block and join no bucket while held.
    const uint32_t count = (gpus + per_node - 1) / per_node;
    auto& whole = pool.buckets[per_node];
    const size_t first = whole.size() - count;
    if (count > 1) {
      a.list = reuse_or_grow(node_lists_, free_lists_);
      node_lists_[a.list].assign(whole.begin() + static_cast<std::ptrdiff_t>(first), whole.end());
    } else {
      a.node = whole.back();
    }
    // The nodes are not touched (held_whole()): no write per node, unless faults need to
    // know which allocation is on which node.
    if (track_node_slots_)
      for (size_t i = first; i < whole.size(); ++i) nodes_[whole[i]].first_slot = slot;
    a.next_on_node = kNone;
    whole.resize(first);
    a.gpus = count * per_node;
  } else {
    uint32_t k = gpus;
    while (pool.buckets[k].empty()) ++k;
    const uint32_t n = pool.buckets[k].back();
    bucket_remove(pool, n);
    nodes_[n].free = static_cast<uint16_t>(k - gpus);
    bucket_insert(pool, n);
    a.node = n;
    a.gpus = gpus;
    if (track_node_slots_) {
      a.next_on_node = nodes_[n].first_slot;
      nodes_[n].first_slot = slot;
    }
  }
  a.used = gpus;
  pool.busy_gpus += a.gpus;
  pool.used_gpus += gpus;
  pool.free_gpus -= a.gpus;
  a.pos_in_pool = static_cast<uint32_t>(pool.running.size());
  pool.running.push_back(slot);
  return slot;
}

void FleetState::give_back(Pool& pool, uint32_t n, uint16_t gpus) {
  Node& node = nodes_[n];
  if (node.state == NodeState::active) {
    if (held_whole(n)) {
      node.free = 0;  // in no bucket; its free count was not kept while held
    } else {
      bucket_remove(pool, n);
    }
    node.free = static_cast<uint16_t>(node.free + gpus);
    pool.free_gpus += gpus;
    bucket_insert(pool, n);
    return;
  }
  node.free = static_cast<uint16_t>(node.free + gpus);
  if (node.state == NodeState::cordoned) {
    if (node.free == node.capacity) {
      list_remove(pool.cordoned, n);
      leave_service_drained(pool, n);
    }
    return;
  }
  assert(node.state == NodeState::draining);
  if (node.free == node.capacity) {
    list_remove(node.capacity == pool.spec.gpus_per_node ? pool.draining_full : pool.draining_other, n);
    retire(pool, n);
  }
}

void FleetState::leave_service_drained(Pool& pool, uint32_t n) {
  Node& node = nodes_[n];
  if (node.leaving && pool.remainder_node != n) {  // not wanted since: gone
    node.leaving = false;
    retire(pool, n);
    return;
  }
  pool.in_service_gpus -= node.capacity;
  member_remove(pool, n);
  node.state = NodeState::failed;
  node.drained = true;
}

bool FleetState::drain_node(uint32_t n) {
  Node& node = nodes_[n];
  Pool& pool = pools_[node.pool];
  assert(node.state == NodeState::active);
  const bool full = node.capacity == pool.spec.gpus_per_node && pool.remainder_node != n;
  if (held_whole(n)) {
    node.free = 0;  // kept up to date from now on: it drains until its gang ends
  } else {
    bucket_remove(pool, n);
  }
  pool.free_gpus -= node.free;
  if (full) {  // counted in the capacity like a failed node
    --pool.active_full_nodes;
    ++pool.failed_full_nodes;
  }
  if (node.free == node.capacity) {
    leave_service_drained(pool, n);
    return true;
  }
  node.state = NodeState::cordoned;
  node.pos = static_cast<uint32_t>(pool.cordoned.size());
  pool.cordoned.push_back(n);
  return false;
}

void FleetState::undrain_node(uint32_t n) {
  Node& node = nodes_[n];
  Pool& pool = pools_[node.pool];
  if (node.state == NodeState::failed) {
    assert(node.drained);
    repair_node(n);
    return;
  }
  assert(node.state == NodeState::cordoned);
  list_remove(pool.cordoned, n);
  const bool full = node.capacity == pool.spec.gpus_per_node && pool.remainder_node != n;
  bool unwanted = node.leaving;
  if (full) {
    if (pool.leave_on_repair > 0) {
      --pool.leave_on_repair;
      unwanted = true;
    } else {
      --pool.failed_full_nodes;
    }
  }
  node.leaving = false;
  if (unwanted) {  // the pool shrank meanwhile: it leaves when its jobs end
    if (pool.remainder_node == n) pool.remainder_node = kNone;
    node.state = NodeState::draining;
    auto& list = full ? pool.draining_full : pool.draining_other;
    node.pos = static_cast<uint32_t>(list.size());
    list.push_back(n);
    return;
  }
  node.state = NodeState::active;
  pool.free_gpus += node.free;
  if (full) ++pool.active_full_nodes;
  bucket_insert(pool, n);
}

void FleetState::release(uint32_t slot) {
  Allocation& a = slots_[slot];
  Pool& pool = pools_[a.pool];
  if (a.spread) {
    const auto& list = node_lists_[a.list];
    const auto& parts = spread_gpus_[a.list];
    for (size_t i = 0; i < list.size(); ++i) give_back(pool, list[i], parts[i]);
    free_lists_.push_back(a.list);
    a.list = kNone;
    a.spread = false;
  } else if (a.list == kNone) {
    if (track_node_slots_) unlink_slot(a.node, slot);
    give_back(pool, a.node, static_cast<uint16_t>(a.gpus));
  } else {
    const auto& list = node_lists_[a.list];
    // A node held by a job is active or draining (never failed or retired), and a gang holds
    // full nodes only: with no full node draining in the pool, every node here is active.
    if (pool.draining_full.empty() && pool.cordoned.empty()) {
      // The common case: the whole block goes back to the fully free bucket at once (what
      // give_back() would do node by node, in the same order, without its per-node upkeep).
      const bool tracked = track_node_slots_;
      auto& whole = pool.buckets[static_cast<size_t>(pool.spec.gpus_per_node)];
      auto pos = static_cast<uint32_t>(whole.size());
      const auto per_node = static_cast<uint16_t>(pool.spec.gpus_per_node);
      whole.insert(whole.end(), list.begin(), list.end());
      for (uint32_t n : list) {
        Node& node = nodes_[n];
        assert(node.state == NodeState::active && node.capacity == per_node);
        // Held whole since taken, it still reads per_node free and is in no bucket; one that
        // drained meanwhile (free kept, 0) and was then wanted again sits in bucket 0.
        if (node.free == 0) bucket_remove(pool, n);
        node.free = per_node;
        node.pos = pos++;
        if (tracked) node.first_slot = kNone;
      }
      pool.free_gpus += a.gpus;
    } else {
      for (uint32_t n : list) {
        if (track_node_slots_) nodes_[n].first_slot = kNone;
        give_back(pool, n, nodes_[n].capacity);
      }
    }
    free_lists_.push_back(a.list);
    a.list = kNone;
  }
  pool.busy_gpus -= a.gpus;
  pool.used_gpus -= a.used;
  // Swap-remove from the pool's running list.
  const uint32_t pos = a.pos_in_pool;
  assert(pos < pool.running.size() && pool.running[pos] == slot);
  pool.running[pos] = pool.running.back();
  slots_[pool.running[pos]].pos_in_pool = pos;
  pool.running.pop_back();
  free_slots_.push_back(slot);
}

void FleetState::unlink_slot(uint32_t n, uint32_t slot) {
  uint32_t* link = &nodes_[n].first_slot;
  while (*link != slot) {
    assert(*link != kNone);
    link = &slots_[*link].next_on_node;
  }
  *link = slots_[slot].next_on_node;
}

uint32_t FleetState::pick_member(uint32_t p, double u1, double u2) const {
  const Pool& pool = pools_[p];
  assert(!pool.members.empty());
  const auto per_node = static_cast<double>(pool.spec.gpus_per_node);
  // Uniform over nodes, then a partial node is kept with probability capacity / per_node:
  // at most one node is partial, so the second try almost never happens.
  auto at = [&](double u) {
    return pool.members[static_cast<size_t>(u * static_cast<double>(pool.members.size())) % pool.members.size()];
  };
  uint32_t n = at(u1);
  if (nodes_[n].capacity < per_node && u2 * per_node >= nodes_[n].capacity) n = at(u2);
  return n;
}

void FleetState::slots_on_node(uint32_t n, std::vector<uint32_t>& out) const {
  for (uint32_t s = nodes_[n].first_slot; s != kNone; s = slots_[s].next_on_node) out.push_back(s);
  if (layout_ != GpuLayout::any_free) return;
  // Spread allocations are on no node's list (they hold parts of several): found through the
  // pool's running jobs, O(running), only when a node fails or is reclaimed.
  for (uint32_t s : pools_[nodes_[n].pool].running) {
    const Allocation& a = slots_[s];
    if (!a.spread) continue;
    const auto& list = node_lists_[a.list];
    if (std::find(list.begin(), list.end(), n) != list.end()) out.push_back(s);
  }
}

bool FleetState::fail_node(uint32_t n) {
  Node& node = nodes_[n];
  Pool& pool = pools_[node.pool];
  if (node.state == NodeState::failed && node.drained) {  // drained, and now broken too
    node.drained = false;
    return true;
  }
  assert(node.free == node.capacity);
  const bool full = node.capacity == pool.spec.gpus_per_node;
  if (node.state == NodeState::draining) {
    list_remove(full ? pool.draining_full : pool.draining_other, n);
    retire(pool, n);
    return false;
  }
  assert(node.state == NodeState::active);
  bucket_remove(pool, n);
  pool.free_gpus -= node.free;
  pool.in_service_gpus -= node.capacity;
  member_remove(pool, n);
  if (full) {
    --pool.active_full_nodes;
    ++pool.failed_full_nodes;
  }
  node.state = NodeState::failed;
  node.leaving = false;
  return true;
}

void FleetState::repair_node(uint32_t n) {
  Node& node = nodes_[n];
  Pool& pool = pools_[node.pool];
  assert(node.state == NodeState::failed);
  node.drained = false;
  const bool full = node.capacity == pool.spec.gpus_per_node && pool.remainder_node != n;
  bool retire_it = node.leaving;
  if (full) {
    if (pool.leave_on_repair > 0) {
      --pool.leave_on_repair;
      retire_it = true;
    } else {
      --pool.failed_full_nodes;
    }
  }
  if (retire_it) {
    if (pool.remainder_node == n) pool.remainder_node = kNone;
    node.state = NodeState::retired;
    node.leaving = false;
    spare_nodes_.push_back(n);
    return;
  }
  node.state = NodeState::active;
  node.free = node.capacity;
  node.first_slot = kNone;
  pool.in_service_gpus += node.capacity;
  pool.free_gpus += node.capacity;
  if (full) ++pool.active_full_nodes;
  bucket_insert(pool, n);
  member_add(pool, n);
}

void FleetState::set_down(uint32_t p, bool down) {
  Pool& pool = pools_[p];
  if (pool.down == down) return;
  if (!down) {
    pool.down = false;
    set_capacity(p, pool.nominal_gpus);
    return;
  }
  assert(pool.running.empty());
  // Every node leaves: idle ones now, those in repair once repaired.
  for (auto& bucket : pool.buckets) {
    for (uint32_t n : bucket) {
      Node& node = nodes_[n];
      pool.in_service_gpus -= node.capacity;
      member_remove(pool, n);
      node.state = NodeState::retired;
      spare_nodes_.push_back(n);
    }
    bucket.clear();
  }
  assert(pool.draining_full.empty() && pool.draining_other.empty() && pool.cordoned.empty());
  if (pool.remainder_node != kNone && nodes_[pool.remainder_node].state == NodeState::failed)
    nodes_[pool.remainder_node].leaving = true;
  pool.remainder_node = kNone;
  pool.leave_on_repair += pool.failed_full_nodes;
  pool.failed_full_nodes = 0;
  pool.active_full_nodes = 0;
  pool.free_gpus = 0;
  pool.down = true;
}

}  // namespace gpufleet::fleet
