#include "sched/dispatcher.h"

#include <algorithm>

namespace gpufleet::sched {

Dispatcher::Dispatcher(std::vector<fleet::PoolSpec> pools, std::unique_ptr<QueuePolicy> queue,
                       std::unique_ptr<PlacementPolicy> placement)
    : queue_(std::move(queue)), placement_(std::move(placement)) {
  for (auto& spec : pools) fleet_.add_pool(std::move(spec));
  fleet_.set_layout(placement_->layout());
  placement_->prepare(fleet_);
  shrink_generation_.assign(fleet_.pool_count(), 0);
}

void Dispatcher::prepare_jobs(const std::vector<Job>* jobs, size_t job_capacity,
                              const std::vector<std::string>& tenant_names, const std::vector<TenantQuota>& quotas,
                              bool track_slots) {
  jobs_ = jobs;
  queue_->reserve(job_capacity);
  quotas_.configure(quotas, tenant_names, job_capacity);
  track_slots_ = track_slots || queue_->preemptive() || quotas_.enabled();
  if (track_slots_) slot_of_.assign(job_capacity, fleet::kNone);
  if (quotas_.enabled()) parked_.reserve(job_capacity, std::max<size_t>(tenant_names.size(), 1));
}

void Dispatcher::enqueue(const Job& j, bool requeue) {
  if (park_if_held(j.id)) return;
  if (requeue) {
    queue_->requeue(j, *this);
  } else {
    queue_->push(j);
  }
}

bool Dispatcher::park_if_held(uint32_t id) {
  const Job& j = job(id);
  if (!quotas_.enabled() || quotas_.within_guarantee(j) || quotas_.may_borrow(j)) return false;
  parked_.push_back(j.tenant, j.id);
  return true;
}

void Dispatcher::unpark(uint16_t tenant) {
  uint32_t id = parked_.front(tenant);
  while (id != MultiList::kEnd) {
    const uint32_t next = parked_.next(id);
    const Job& j = job(id);
    if (!quotas_.within_guarantee(j)) break;
    parked_.remove(id);
    queue_->requeue(j, *this);
    id = next;
  }
}

bool Dispatcher::try_start(uint32_t id) {
  const Job& j = job(id);
  if (quotas_.enabled()) {
    const bool guaranteed = quotas_.within_guarantee(j);
    if (!guaranteed && !quotas_.may_borrow(j)) return false;
    const uint32_t p = placement_->choose(j, fleet_, fleet::kNone);
    if (p == fleet::kNone) return guaranteed && reclaim_for(id);
    start(id, p);
    quotas_.on_start(j, !guaranteed);
    return true;
  }
  const uint32_t p = placement_->choose(j, fleet_, fleet::kNone);
  if (p == fleet::kNone) return false;
  start(id, p);
  return true;
}

bool Dispatcher::reclaim_for(uint32_t id) {
  const Job& j = job(id);
  // Not worth preempting anyone unless the borrowed GPUs and the free ones could make room.
  if (quotas_.borrowed_gpus() + free_gpus_for(id) < static_cast<int64_t>(j.gpus)) return false;
  uint32_t victim = quotas_.newest();
  while (victim != JobList::kEnd) {
    const uint32_t older = quotas_.older(victim);
    if (could_use_gpus_of(id, victim)) {
      preempt(victim);
      const uint32_t p = placement_->choose(j, fleet_, fleet::kNone);
      if (p != fleet::kNone) {
        start(id, p);
        quotas_.on_start(j, false);
        return true;
      }
    }
    victim = older;
  }
  return false;
}

bool Dispatcher::try_backfill(uint32_t id, Reservation& r) {
  const Job& j = job(id);
  if (quotas_.enabled() && !quotas_.within_guarantee(j) && !quotas_.may_borrow(j)) return false;
  const uint32_t p = placement_->choose(j, fleet_, fleet::kNone);
  if (p == fleet::kNone) return false;
  auto go = [&](uint32_t pool) {
    const bool borrowed = quotas_.enabled() && !quotas_.within_guarantee(j);
    start(id, pool);
    if (quotas_.enabled()) quotas_.on_start(j, borrowed);
    return true;
  };
  if (!r.valid || p != r.pool || now_ + remaining_of(id) / fleet_.pool(p).spec.speed_factor <= r.start_s)
    return go(p);
  // What the job uses up of the reservation's spare: GPUs under the any_free layout, else nodes.
  const auto per_node = static_cast<uint32_t>(fleet_.pool(p).spec.gpus_per_node);
  const int64_t units = fleet_.layout() == fleet::GpuLayout::any_free ? j.gpus
                        : j.gpus >= per_node                         ? (j.gpus + per_node - 1) / per_node
                                                                     : 1;
  if (units <= r.spare_nodes) {
    r.spare_nodes -= units;
    return go(p);
  }
  const uint32_t other = placement_->choose(j, fleet_, r.pool);
  if (other == fleet::kNone) return false;
  return go(other);
}

Reservation Dispatcher::reserve(uint32_t id) {
  const Job& j = job(id);
  Reservation best;
  for (uint32_t p : placement_->preference()) {
    if (!pool_allows(fleet_.pool(p).spec, j)) continue;
    const Reservation r = finder_.find(fleet_, p, j.gpus, now_);
    if (r.valid && (!best.valid || r.start_s < best.start_s)) best = r;
  }
  return best;
}

bool Dispatcher::can_ever_fit(uint32_t id) const {
  const Job& j = job(id);
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    const fleet::Pool& pool = fleet_.pool(p);
    if (!pool_allows(pool.spec, j)) continue;
    // The peak ahead is at least today's capacity, and fitting is monotone in capacity:
    // today's answers most jobs without searching the schedule.
    if (fleet_.could_fit_in(p, j.gpus, pool.nominal_gpus) || fleet_.could_fit_in(p, j.gpus, fleet_.peak_from(p, now_)))
      return true;
  }
  return false;
}

bool Dispatcher::could_use_gpus_of(uint32_t waiting, uint32_t victim) const {
  const uint32_t slot = track_slots_ ? slot_of_[victim] : fleet::kNone;
  if (slot == fleet::kNone) return false;
  return pool_allows(fleet_.pool(fleet_.allocation(slot).pool).spec, job(waiting));
}

int64_t Dispatcher::free_gpus_for(uint32_t id) const {
  const Job& j = job(id);
  int64_t free = 0;
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p)
    if (pool_allows(fleet_.pool(p).spec, j)) free += fleet_.pool(p).free_gpus;
  return free;
}

void Dispatcher::repack(const std::vector<uint32_t>& order, std::vector<uint32_t>& started) {
  // Room per pool once every job of the order is out: free GPUs plus what the running ones hold.
  room_.assign(fleet_.pool_count(), 0);
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) room_[p] = fleet_.pool(p).free_gpus;
  for (uint32_t id : order) {
    const uint32_t slot = slot_of_[id];
    if (slot != fleet::kNone) room_[fleet_.allocation(slot).pool] += fleet_.allocation(slot).gpus;
  }
  // The fill, in order.
  given_pool_.assign(order.size(), fleet::kNone);
  left_out_.clear();
  for (size_t i = 0; i < order.size(); ++i) {
    const uint32_t id = order[i];
    const uint32_t slot = slot_of_[id];
    if (slot != fleet::kNone) {
      const fleet::Allocation& a = fleet_.allocation(slot);
      if (room_[a.pool] >= static_cast<int64_t>(a.gpus)) {
        room_[a.pool] -= a.gpus;
      } else {
        left_out_.push_back(id);
      }
      continue;
    }
    const Job& j = job(id);
    for (uint32_t p : placement_->preference()) {
      const int64_t taken = fleet_.gpus_taken(p, j.gpus);
      if (pool_allows(fleet_.pool(p).spec, j) && taken <= room_[p]) {
        room_[p] -= taken;
        given_pool_[i] = p;
        break;
      }
    }
  }
  for (uint32_t id : left_out_) preempt_free(id);
  for (size_t i = 0; i < order.size(); ++i) {
    uint32_t p = given_pool_[i];
    if (p == fleet::kNone) continue;
    const Job& j = job(order[i]);
    if (!fleet_.fits(p, j.gpus)) p = placement_->choose(j, fleet_, fleet::kNone);  // fragmentation
    if (p == fleet::kNone) continue;
    start(order[i], p);
    started.push_back(order[i]);
  }
}

}  // namespace gpufleet::sched
