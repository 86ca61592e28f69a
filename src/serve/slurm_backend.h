// A real Slurm cluster behind a site: the runs placed there are submitted with sbatch, their
// state is polled with squeue (sacct for jobs the controller has forgotten), cancelled with
// scancel, and the partition's nodes are watched with sinfo. All through the Slurm commands
// (CommandRunner), as a user would: no Slurm library is linked.
//
// What a run is in Slurm: `sbatch --parsable --partition=P --job-name=NAME --nodes=N
// --gres=GRES:G --time=MINUTES --no-requeue --comment="gpufleet:JOB:RUN tenant=T"
// [--account=A] [--output=O] [sbatch_args...] (--wrap=COMMAND | SCRIPT)` with GPUFLEET_JOB_ID,
// GPUFLEET_RUN, GPUFLEET_JOB_NAME, GPUFLEET_TENANT, GPUFLEET_GPUS and
// GPUFLEET_ESTIMATED_DURATION_S in its environment. The comment names the run: after a
// restart, a run the service had submitted but not yet recorded is found by it, so that no
// run is ever submitted twice.
//
// States: PENDING, CONFIGURING, RUNNING, COMPLETING, SUSPENDED -> started (once); COMPLETED ->
// finished; FAILED, NODE_FAIL, TIMEOUT, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE -> failed;
// PREEMPTED -> preempted; CANCELLED (by someone else) -> cancelled. Nodes: down, fail,
// inval, or not responding ('*', aside from idle*) -> failed; draining, drained -> drained.
//
// When sbatch fails (the controller does not answer, the partition is gone) the run is
// refused with sbatch's words and the site is held: it takes no jobs until sinfo shows the
// partition up again (probed every retry_interval).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "serve/backend.h"

namespace gpufleet::serve {

std::unique_ptr<Backend> make_slurm_backend(std::string site, SlurmBackendSpec spec, int gpus_per_node, CommandRunner runner);

// At start: the Slurm commands are there, the controller answers, its ClusterName is
// spec.cluster and the partition exists. nullopt when so.
std::optional<BackendProblem> check_slurm_cluster(const std::string& site, const SlurmBackendSpec& spec, const CommandRunner& runner);

// For the poller and its tests: "n[1-3,7],gpu-a01" -> n1 n2 n3 n7 gpu-a01 (Slurm's hostlist
// syntax, one bracket group per name).
std::vector<std::string> expand_hostlist(const std::string& list);
// The sbatch command line of a run (what make_slurm_backend runs), and its environment.
std::vector<std::string> sbatch_argv(const SlurmBackendSpec& spec, const RunSpec& run);
std::vector<std::string> sbatch_env(const SlurmBackendSpec& spec, const RunSpec& run);

}  // namespace gpufleet::serve
