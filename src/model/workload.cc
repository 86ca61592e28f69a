#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gpufleet/workload.h"

namespace gpufleet {

namespace {

// Index of name in table (creating it); table[0] is always "" (none / any).
// REQUIRES: fewer than 65,536 distinct names; readers check before interning.
uint16_t intern(std::vector<std::string>& table, const std::string& name) {
  if (table.empty()) table.emplace_back();
  if (name.empty()) return 0;
  for (size_t i = 1; i < table.size(); ++i)
    if (table[i] == name) return static_cast<uint16_t>(i);
  assert(table.size() <= std::numeric_limits<uint16_t>::max());
  table.push_back(name);
  return static_cast<uint16_t>(table.size() - 1);
}

}  // namespace

uint16_t Workload::intern_tenant(const std::string& name) { return intern(tenants, name); }

uint16_t Workload::intern_jurisdiction(const std::string& name) {
  return intern(jurisdictions, name);
}

void Workload::finalize() {
  if (tenants.empty()) tenants.emplace_back();
  if (jurisdictions.empty()) jurisdictions.emplace_back();
  assert(names.empty() || names.size() == jobs.size());
  const auto by_submit = [](const Job& a, const Job& b) {
    return a.submit_s < b.submit_s || (a.submit_s == b.submit_s && a.id < b.id);
  };
  // The id holds the insertion order while sorting; most sources arrive already sorted.
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].id = static_cast<uint32_t>(i);
  if (!std::is_sorted(jobs.begin(), jobs.end(), by_submit)) {
    std::sort(jobs.begin(), jobs.end(), by_submit);
    if (!names.empty()) {
      std::vector<std::string> sorted(names.size());
      for (size_t i = 0; i < jobs.size(); ++i) sorted[i] = std::move(names[jobs[i].id]);
      names = std::move(sorted);
    }
    for (size_t i = 0; i < jobs.size(); ++i) jobs[i].id = static_cast<uint32_t>(i);
  }
}

}  // namespace gpufleet
