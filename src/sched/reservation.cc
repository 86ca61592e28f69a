#include "sched/reservation.h"

#include <algorithm>

namespace gpufleet::sched {

Reservation ReservationFinder::find(const fleet::FleetState& fleet, uint32_t p, uint32_t gpus,
                                    double now_s) {
  const fleet::Pool& pool = fleet.pool(p);
  const auto per_node = static_cast<uint32_t>(pool.spec.gpus_per_node);
  // Under the any_free layout (`count` placement) what is counted is free GPUs on active nodes,
  // not nodes.
  const bool any_free = fleet.layout() == fleet::GpuLayout::any_free;
  const bool whole = gpus >= per_node;
  const int64_t need = any_free ? gpus : whole ? (gpus + per_node - 1) / per_node : 1;
  auto qualifies = [&](const fleet::Node& node, uint32_t free) {
    if (node.state != fleet::NodeState::active) return false;
    return whole ? node.capacity == per_node && free == per_node : free >= gpus;
  };
  int64_t count = 0;
  if (any_free) {
    count = pool.free_gpus;
  } else if (whole) {
    count = static_cast<int64_t>(pool.buckets[per_node].size());
  } else {
    for (uint32_t k = gpus; k <= per_node; ++k) count += static_cast<int64_t>(pool.buckets[k].size());
  }
  Reservation r;
  r.pool = p;
  if (count >= need) {
    r.valid = true;
    r.start_s = now_s;
    r.spare_nodes = count - need;
    return r;
  }
  if (free_.size() < fleet.node_count()) {
    free_.resize(fleet.node_count());
    touched_.resize(fleet.node_count(), 0);
  }
  order_.assign(pool.running.begin(), pool.running.end());
  std::sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    const auto& x = fleet.allocation(a);
    const auto& y = fleet.allocation(b);
    return x.end_s < y.end_s || (x.end_s == y.end_s && a < b);
  });
  for (size_t i = 0; i < order_.size(); ++i) {
    const fleet::Allocation& a = fleet.allocation(order_[i]);
    uint32_t n_nodes = 0;
    const uint32_t* nodes = fleet.alloc_nodes(a, &n_nodes);
    if (any_free) {
      // Its GPUs on active nodes become free (a draining or cordoned node's do not).
      for (uint32_t k = 0; k < n_nodes; ++k)
        if (fleet.node(nodes[k]).state == fleet::NodeState::active) count += fleet.gpus_on(a, k);
      n_nodes = 0;
    }
    // A gang holds its nodes alone and whole; with no full node draining they are all active
    // full nodes, each fully free when it ends: no need to visit them one by one (a
    // pre-training run holds thousands).
    const bool gang = a.list != fleet::kNone || a.gpus >= per_node;
    if (!any_free && whole && gang && pool.draining_full.empty()) {
      count += n_nodes;
      n_nodes = 0;
    }
    for (uint32_t k = 0; k < n_nodes; ++k) {
      const uint32_t n = nodes[k];
      const fleet::Node& node = fleet.node(n);
      if (!touched_[n]) {
        touched_[n] = 1;
        touched_list_.push_back(n);
        free_[n] = fleet.free_on(n);
      }
      const uint32_t before = free_[n];
      const uint32_t given = a.list == fleet::kNone && a.gpus < per_node ? a.gpus : node.capacity;
      free_[n] = static_cast<uint16_t>(before + given);
      if (!qualifies(node, before) && qualifies(node, free_[n])) ++count;
    }
    const bool last_at_this_time =
        i + 1 == order_.size() || fleet.allocation(order_[i + 1]).end_s != a.end_s;
    if (count >= need && last_at_this_time) {
      r.valid = true;
      r.start_s = a.end_s;
      r.spare_nodes = count - need;
      break;
    }
  }
  for (uint32_t n : touched_list_) touched_[n] = 0;
  touched_list_.clear();
  return r;
}

}  // namespace gpufleet::sched
