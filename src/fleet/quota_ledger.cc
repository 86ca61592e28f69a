#include "fleet/quota_ledger.h"

#include <algorithm>

namespace gpufleet::fleet {

void QuotaLedger::configure(const std::vector<TenantQuota>& quotas, const std::vector<std::string>& tenant_names,
                            size_t job_capacity) {
  enabled_ = !quotas.empty();
  if (!enabled_) return;
  const size_t tenants = std::max<size_t>(tenant_names.size(), 1);
  guaranteed_.assign(tenants, -1);
  can_borrow_.assign(tenants, 1);
  used_.assign(tenants, 0);
  for (const TenantQuota& q : quotas) {
    for (size_t t = 0; t < tenant_names.size(); ++t) {
      if (tenant_names[t] != q.tenant) continue;
      guaranteed_[t] = q.guaranteed_gpus;
      can_borrow_[t] = q.can_borrow ? 1 : 0;
    }
  }
  borrowed_flag_.assign(job_capacity, 0);
  borrowed_.reserve(job_capacity);
}

void QuotaLedger::on_start(const Job& job, bool borrowed) {
  used_[job.tenant] += job.gpus;
  if (!borrowed) return;
  borrowed_flag_[job.id] = 1;
  borrowed_.push_back(job.id);
  borrowed_gpus_ += job.gpus;
}

void QuotaLedger::on_stop(const Job& job) {
  used_[job.tenant] -= job.gpus;
  if (!borrowed_flag_[job.id]) return;
  borrowed_flag_[job.id] = 0;
  borrowed_.remove(job.id);
  borrowed_gpus_ -= job.gpus;
}

}  // namespace gpufleet::fleet
