#include "gpufleet/scenario.h"

namespace gpufleet {

namespace {
template <class T>
int find_by_name(const std::vector<T>& items, std::string_view name) {
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return static_cast<int>(i);
  return -1;
}
}  // namespace

int Scenario::find_accelerator(std::string_view name) const { return find_by_name(accelerators, name); }
int Scenario::find_provider(std::string_view name) const { return find_by_name(providers, name); }
int Scenario::find_site(std::string_view name) const { return find_by_name(sites, name); }

bool Scenario::has_on_demand_market(int provider) const {
  for (const Market& m : markets)
    if (m.on_demand_gpus > 0 && m.site >= 0 && sites[static_cast<size_t>(m.site)].provider == provider) return true;
  return false;
}

}  // namespace gpufleet
