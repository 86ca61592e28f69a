// Tenant quotas (guaranteed GPUs per tenant or virtual cluster, with borrowing): who holds how
// many GPUs, and which running jobs are borrowed capacity that may be reclaimed.
//
// A job starts within its tenant's guarantee when the tenant's GPUs in use plus the job's stay
// within guaranteed_gpus; otherwise it borrows idle capacity (if its tenant may borrow).
// Tenants without a quota entry always borrow. Borrowed jobs are reclaimed most recent first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"
#include "util/job_list.h"

namespace gpufleet::fleet {

class QuotaLedger {
 public:
  // Enabled when quotas is non-empty. Quota tenant names resolve against tenant_names (a
  // job's tenant indexes it); job ids are below job_capacity.
  void configure(const std::vector<TenantQuota>& quotas, const std::vector<std::string>& tenant_names,
                 size_t job_capacity);
  bool enabled() const { return enabled_; }

  bool within_guarantee(const Job& job) const {
    const int64_t g = guaranteed_[job.tenant];
    return g >= 0 && used_[job.tenant] + static_cast<int64_t>(job.gpus) <= g;
  }
  bool may_borrow(const Job& job) const { return can_borrow_[job.tenant] != 0; }
  void on_start(const Job& job, bool borrowed);
  void on_stop(const Job& job);

  // Borrowed running jobs: walk from newest() with older().
  uint32_t newest() const { return borrowed_.back(); }
  uint32_t older(uint32_t id) const { return borrowed_.prev(id); }
  int64_t borrowed_gpus() const { return borrowed_gpus_; }
  int64_t used_by_tenant(uint16_t tenant) const { return used_[tenant]; }

 private:
  bool enabled_ = false;
  std::vector<int64_t> guaranteed_;  // per tenant; -1 = no quota
  std::vector<uint8_t> can_borrow_;  // per tenant
  std::vector<int64_t> used_;        // per tenant: GPUs of its running jobs
  std::vector<uint8_t> borrowed_flag_;  // per job
  JobList borrowed_;          // borrowed running jobs in start order
  int64_t borrowed_gpus_ = 0;
};

}  // namespace gpufleet::fleet
