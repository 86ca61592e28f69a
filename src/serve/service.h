// The online service's state and operations, independent of HTTP (http_api.h serves them):
// jobs, tenants and tokens, the live fleet (LiveScheduler), and the writer that makes every
// change durable (Store) before it is acknowledged.
//
// Durability: an operation changes the state in memory under one lock and adds the changed
// rows to the pending batch with a sequence number; the writer thread commits pending batches
// in order, one transaction each, and an operation replies only once its number is durable.
// What the store holds is therefore always a prefix of the history in memory: a crash loses
// only changes nobody was told about. A failed commit stops the service from acknowledging
// anything more (503) rather than answer from a state the disk does not have.
//
// Clock: real (seconds since the scenario's start, from the system clock; a scheduler thread
// dispatches every tick) or virtual (only POST /v1/admin/clock moves it, and dispatches:
// then a replay is deterministic and matches `gpufleet simulate`).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpufleet/scenario.h"
#include "serve/backend.h"
#include "serve/job_record.h"
#include "serve/live_scheduler.h"
#include "serve/store.h"

namespace gpufleet::serve {

struct ServiceOptions {
  bool virtual_clock = false;
  size_t job_capacity = size_t{1} << 21;  // jobs waiting or running at once (slots); more: 503
  double tick_s = 0.005;                  // real clock: wall seconds between dispatch passes
  std::string queue_policy;               // empty: the scenario's
  std::string placement_policy;           // empty: the scenario's
  // A standby's copy (set by Service::snapshot): it answers reads from the state as it read
  // it, and every change with 503 naming the leader (leader_url()).
  bool read_only = false;
  std::function<std::string()> leader_url;
  std::FILE* backend_log = nullptr;       // what the backends do (dry run: what they would do); null: nowhere
  CommandRunner slurm_runner;             // how Slurm commands run; empty: run_command (subprocess.h)
};

// Who is calling, from their token.
struct Caller {
  Role role = Role::tenant;
  std::string tenant;  // "" for admin
  std::string token_hash;
};

// An answer: HTTP status and JSON body (errors: {"error": message, "field": name}).
struct Reply {
  int status = 200;
  nlohmann::ordered_json body;
};

// Filters of GET /v1/jobs.
struct JobFilter {
  std::string tenant;                // admin only; a tenant always sees its own
  std::optional<JobState> state;
  std::string site;
  int64_t after_id = 0;              // paging cursor: ids greater than this
  int64_t limit = 100;               // 1..1000
};

class Service {
 public:
  // Reads the store back (queue, allocations, tenants' usage, clock) and resumes.
  static Result<std::unique_ptr<Service>> open(const Scenario& scenario, std::unique_ptr<Store> store,
                                               ServiceOptions options);
  // A read-only copy of the state in store as of now, for a standby (see ServiceOptions::
  // read_only); the store stays the caller's. start() and stop() do nothing.
  static Result<std::unique_ptr<Service>> snapshot(const Scenario& scenario, Store& store, ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Starts the writer and, with a real clock, the scheduler thread.
  void start();
  // Stops them after writing what is pending.
  void stop();

  // The caller of a bearer token, or nullopt (401).
  std::optional<Caller> authenticate(const std::string& token);

  Reply submit(const Caller& caller, const std::string& body);
  Reply get_job(const Caller& caller, int64_t id);
  Reply list_jobs(const Caller& caller, const JobFilter& filter);
  Reply cancel_job(const Caller& caller, int64_t id);
  // {"event": "started" | "finished" | "failed" | "preempted"}: from whatever runs the job.
  Reply job_event(const Caller& caller, int64_t id, const std::string& body);
  Reply fleet(const Caller& caller);
  // {"site": NAME} or {"provider": NAME}, with "down": true (an outage begins) or false.
  Reply outage(const Caller& caller, const std::string& body);
  // {"down": true} a node fails (its jobs are requeued) or {"down": false} it is repaired.
  Reply node(const Caller& caller, int64_t node, const std::string& body);
  Reply tenant(const Caller& caller, const std::string& name);
  // {"advance_to_s": T}: virtual clock only.
  Reply advance_clock(const Caller& caller, const std::string& body);
  // Prometheus text exposition.
  std::string metrics();
  Reply health();

  // A new token for a tenant (or the admin role when tenant is empty and admin is true),
  // stored hashed; the token is returned once.
  static Result<std::string> add_token(Store& store, const std::string& tenant, bool admin);

  // For tests and benchmarks: the rows the store would read back.
  size_t jobs_known() const;

 private:
  Service(const Scenario& scenario, std::unique_ptr<Store> store, ServiceOptions options);
  // Builds the scheduler and restores state into it (open() and snapshot()).
  static Result<std::unique_ptr<Service>> from_state(const Scenario& scenario, std::unique_ptr<Store> store,
                                                     StoredState state, ServiceOptions options);
  Result<void> restore(StoredState state);
  // A standby's answer to a change: 503 with the leader's URL.
  Reply refused_by_standby() const;
  int64_t opened_ns_ = 0;  // steady clock when the state was read
  // Records job id's row as changed; returns the sequence number that makes it durable.
  uint64_t touch_job(int64_t id);
  // Waits until seq is durable; false if the store failed.
  bool wait_durable(uint64_t seq);
  void writer_loop();
  void scheduler_loop();
  double clock_now() const;
  // Where a waiting job stands, in words.
  std::string why_pending(const JobRecord& job) const;
  nlohmann::ordered_json job_json(const JobRecord& job) const;
  JobRecord* find_visible(const Caller& caller, int64_t id);
  uint16_t tenant_index(const std::string& tenant) const;
  // Changes a job's state, keeping state_count_.
  void set_state(JobRecord& job, JobState state);
  void on_started(uint32_t slot);
  void on_stopped(uint32_t slot, StopReason why, double kept_s);
  void on_rejected(uint32_t slot);
  // Bills the run of a job that held GPUs from its start until now.
  void close_run(JobRecord& job);
  Reply error_reply(int status, const std::string& field, const std::string& message) const;
  Reply unavailable() const;

  // ---- backends: where placed jobs run (service_backends.cc; called under mu_ unless said) ----
  // The site backends and the placement that skips their held pools. REQUIRES: before restore().
  void make_backends(size_t pool_count);
  std::unique_ptr<sched::PlacementPolicy> hold_aware(std::unique_ptr<sched::PlacementPolicy> placement);
  // After restore(), not under mu_: running jobs are handed to their backends to track again.
  void resume_backends();
  void start_backends();  // not under mu_
  void stop_backends();   // not under mu_
  // A run started in a pool: its site's backend submits it.
  void backend_run_started(JobRecord& job);
  // The service ended a job's current run (requeue, cancel, finished by an event): its
  // backend ends it too, unless the backend itself reported the end.
  void backend_run_ended(JobRecord& job);
  // Reports from a backend's thread (not under mu_).
  void on_run_report(size_t site, const RunReport& report);
  void on_node_report(size_t site, const NodeReport& report);
  void on_hold(size_t site, const std::string& reason);
  // "; slurm cluster x: sbatch failed: ..." for each held site the job may use.
  std::string backend_notes(const Job& job) const;
  nlohmann::ordered_json backends_json() const;

  const Scenario& scenario_;
  std::unique_ptr<Store> store_;
  ServiceOptions options_;
  RequestLimits limits_;
  std::vector<std::string> jurisdictions_;  // index 0: "" (any)
  std::vector<std::string> tenant_names_;   // index 0: "" (tenants without a quota)
  std::unique_ptr<LiveScheduler> scheduler_;

  mutable std::mutex mu_;  // everything below, except where noted
  std::vector<JobRecord> jobs_;                 // by id - 1
  std::vector<int32_t> slot_of_id_;            // by id - 1: its slot while waiting or running, else -1
  std::vector<int64_t> id_of_slot_;            // by slot
  std::map<std::pair<std::string, std::string>, int64_t> idempotent_;  // (tenant, key) -> id
  std::unordered_map<std::string, TokenRecord> tokens_;               // by hash
  std::map<std::string, std::vector<double>> spend_by_tenant_;        // tenant -> USD per provider, closed runs
  double virtual_now_s_ = 0;
  std::vector<int64_t>* started_log_ = nullptr;  // while advancing the virtual clock: ids started
  std::vector<int64_t>* stopped_log_ = nullptr;  // ... and ids stopped (requeued)
  std::unordered_map<int64_t, bool> pending_jobs_;  // ids changed since the last swap
  bool pending_clock_ = false;
  bool pending_outages_ = false;
  std::vector<TokenRecord> pending_tokens_;
  uint64_t next_seq_ = 0;
  int64_t submissions_ = 0;
  int64_t state_count_[kJobStates] = {};  // jobs per JobState
  // Decision latency: wall time from a submission to its placement, for jobs placed in the
  // first pass after they arrived (those that had to wait for capacity aside).
  std::vector<int64_t> submitted_ns_;   // by slot: steady clock at submission, 0 if not measured
  std::vector<uint64_t> latency_buckets_;
  double latency_sum_s_ = 0;
  uint64_t latency_count_ = 0;

  mutable std::mutex durable_mu_;
  std::condition_variable durable_cv_;
  uint64_t durable_seq_ = 0;   // under durable_mu_
  bool store_failed_ = false;  // under durable_mu_
  std::string store_error_;    // under durable_mu_
  std::condition_variable writer_cv_;  // with mu_: something is pending
  std::atomic<bool> stopping_{false};
  std::thread writer_, ticker_;
  int64_t origin_ns_ = 0;  // real clock: steady-clock reading at clock_offset_s_

  // Backends (service_backends.cc), under mu_ except backends_ itself (fixed after open()).
  std::vector<std::unique_ptr<Backend>> backends_;  // by site
  std::vector<std::string> site_hold_;              // by site: why it takes no jobs now; "" = it does
  std::vector<uint8_t> pool_held_;                  // by pool: its site is held (HeldPlacement reads it)
  // (site, cluster node) -> the fleet node standing for it, failed or drained
  std::map<std::pair<size_t, std::string>, std::pair<uint32_t, NodeCondition>> backend_nodes_;
  bool backend_reporting_ = false;                  // a backend's own report is being applied
  double clock_offset_s_ = 0;
};

// Buckets of the decision-latency histogram, seconds (upper bounds; +Inf implied).
extern const std::vector<double> kLatencyBucketsS;

}  // namespace gpufleet::serve
