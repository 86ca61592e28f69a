// Where the jobs that the service places run. Every site has one backend: a real Slurm
// cluster (slurm_backend.h) when the scenario gives the site `backend: {slurm: ...}`, else the
// dry run, which only logs what it would do (the jobs' ends then come from POST
// /v1/jobs/{id}/events, or from the virtual clock).
//
// A backend is handed runs (a job's n-th run, n = its restarts when it was placed) and reports
// back what became of them, as the runner's HTTP job events would: submitted (with the
// backend's own job id, which the service stores with the job), started, finished, failed,
// preempted, cancelled there, or refused (the cluster would not take it: the job waits again
// and the site takes no jobs until the backend lifts its hold). It also reports its nodes
// failing, drained and coming back.
//
// Threads: submit() and cancel() are called under the service's lock and must not block
// (they queue work for the backend's own thread); the sink is called from that thread, never
// under the backend's lock.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpufleet/scenario.h"
#include "serve/subprocess.h"

namespace gpufleet::serve {

struct RunSpec {
  int64_t job_id = 0;
  int32_t run = 0;              // the job's restarts when this run was placed
  std::string name;             // the job's name ("" = none given)
  std::string tenant;
  uint32_t gpus = 0;
  int gpus_per_node = 8;        // of the site
  double estimated_duration_s = 0;
  int64_t backend_job_id = 0;   // known from before a restart; 0 = none recorded
  bool resume = false;          // the service restarted: this run may be in the cluster already
};

// failed: the run ended by itself (its exit, its time, its memory), counted against the job;
// lost: the cluster lost it (its node failed, it never booted); both requeue the job.
// refused: the cluster takes no job now (the site is held); rejected: it refused this job for
// a reason of its own while it takes others (counted against the job, the site not held).
enum class RunEvent : uint8_t { submitted, started, finished, failed, preempted, cancelled, refused, lost, rejected };

struct RunReport {
  int64_t job_id = 0;
  int32_t run = 0;
  RunEvent event = RunEvent::submitted;
  int64_t backend_job_id = 0;  // submitted: the cluster's id
  std::string message;         // refused: why ("slurm cluster us-west: sbatch failed: ..."); else a note
};

// What a node of the cluster can be, as the fleet counts it: in service; failed (down, not
// responding: its jobs are lost); drained by the cluster's operator (its jobs run on, no new
// one starts there).
enum class NodeCondition : uint8_t { in_service, failed, drained };

// A node of the cluster whose condition changed.
struct NodeReport {
  std::string node;
  NodeCondition condition = NodeCondition::in_service;
  std::string reason;
  int64_t job_id = 0;   // a job of ours that ran on it (0: none known) ...
  int32_t run = 0;
  int node_index = 0;   // ... and the node's position in that job's node list
};

struct BackendSink {
  std::function<void(const RunReport&)> run;
  std::function<void(const NodeReport&)> node;
  // The site refuses jobs (reason) or takes them again ("").
  std::function<void(const std::string& reason)> hold;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // "slurm cluster us-west (partition gpu)", "dry run": for /healthz and the logs.
  virtual std::string describe() const = 0;
  // Starts reporting to sink (and the backend's thread, if it has one) until stop().
  virtual void start(BackendSink sink) = 0;
  virtual void stop() = 0;
  // A placed run: submit it (or, resuming, find it in the cluster first). REQUIRES: not blocking.
  virtual void submit(const RunSpec& run) = 0;
  // The service ended the run (cancelled, preempted, requeued by an outage): end it there too.
  virtual void cancel(int64_t job_id, int32_t run) = 0;
};

// The dry run: logs to `log` what it would do (nothing when log is null); reports nothing.
std::unique_ptr<Backend> make_dry_run_backend(std::string site, std::FILE* log);

// Why the service cannot start on this scenario's clusters: exit status 2 (bad input: no such
// partition, wrong cluster name, no Slurm commands) or 4 (a cluster that does not answer).
struct BackendProblem {
  Error error;
  int exit_status = kExitBadInput;
};
// Asks each Slurm-backed site's controller, once; nullopt when all can take jobs.
std::optional<BackendProblem> check_backends(const Scenario& scenario, const CommandRunner& runner = run_command);

// One backend per site (by site index): Slurm where the site has one, else the dry run.
std::vector<std::unique_ptr<Backend>> make_backends(const Scenario& scenario, std::FILE* dry_run_log,
                                                    const CommandRunner& runner = run_command);

}  // namespace gpufleet::serve
