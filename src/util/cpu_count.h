// How many threads "every core" means for this process.
#pragma once

namespace gpufleet {

// The CPUs this process may run on (its affinity mask: what mpirun, taskset or a Slurm job
// bound it to), at least 1.
int usable_cpu_count();

// Worker threads for "every core" when `processes_here` processes of one run share this
// machine (MPI ranks on this node; 1 otherwise): the usable CPUs, shared out when the
// processes are not bound to CPUs of their own (each may use every CPU), at least 1.
int default_worker_threads(int processes_here);

}  // namespace gpufleet
