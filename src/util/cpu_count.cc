#include "util/cpu_count.h"

#include <sched.h>
#include <sys/sysinfo.h>

#include <algorithm>

namespace gpufleet {

int usable_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, get_nprocs());
}

int default_worker_threads(int processes_here) {
  const int usable = usable_cpu_count();
  // Bound to a share of the machine: that share is this process's. Unbound: split the machine.
  if (processes_here > 1 && usable >= get_nprocs()) return std::max(1, usable / processes_here);
  return usable;
}

}  // namespace gpufleet
