// Unit tests of the service's parts: the SQLite store, the live scheduler, the request parser.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "fleet/pool_builder.h"
#include "sched/policy_registry.h"
#include "serve/job_request.h"
#include "serve/live_scheduler.h"
#include "serve/store.h"
#include "sim/sim_test_fixtures.h"

namespace gpufleet::serve {
namespace {

std::filesystem::path temp_db(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("gpufleet-serve-" + name + "-" + std::to_string(::getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
  return p;
}

TEST(SqliteStore, WhatIsCommittedIsReadBackWholeAfterReopening) {
  const auto path = temp_db("roundtrip");
  {
    auto store = open_sqlite_store(path, Durability::full);
    ASSERT_TRUE(store) << store.error().to_string();
    Batch b;
    JobRecord j;
    j.id = 1;
    j.tenant = "research";
    j.request.name = "llama \xe2\x9c\x93";
    j.request.gpus = 64;
    j.request.accelerators = {"H100-SXM", "B200"};
    j.request.jurisdiction = "EU";
    j.request.kind = JobKind::training;
    j.request.priority = 7;
    j.request.estimated_duration_s = 7200.5;
    j.request.checkpoint_interval_s = 600;
    j.request.idempotency_key = "k";
    j.state = JobState::running;
    j.submit_s = 1.25;
    j.start_s = 2.5;
    j.pool = 3;
    j.remaining_s = 7000;
    j.restarts = 2;
    j.gpu_seconds = 99;
    j.spend_usd = 12.5;
    j.backend_job_id = 4242;
    b.jobs.push_back(j);
    b.clock_s = 123.456789012345;
    b.tokens.push_back({"abc", "research", Role::tenant});
    ASSERT_TRUE((*store)->commit(b));
    j.state = JobState::finished;  // an upsert replaces the row whole
    j.end_s = 9;
    Batch update;
    update.jobs.push_back(j);
    ASSERT_TRUE((*store)->commit(update));
  }
  auto store = open_sqlite_store(path, Durability::normal);
  ASSERT_TRUE(store);
  auto state = (*store)->load();
  ASSERT_TRUE(state) << state.error().to_string();
  ASSERT_EQ(state->jobs.size(), 1u);
  const JobRecord& j = state->jobs[0];
  EXPECT_EQ(j.request.name, "llama \xe2\x9c\x93");
  EXPECT_EQ(j.request.accelerators, (std::vector<std::string>{"H100-SXM", "B200"}));
  EXPECT_EQ(j.request.kind, JobKind::training);
  EXPECT_EQ(j.state, JobState::finished);
  EXPECT_EQ(j.end_s, 9);
  EXPECT_EQ(j.request.estimated_duration_s, 7200.5);
  EXPECT_EQ(j.restarts, 2);
  EXPECT_EQ(j.backend_job_id, 4242);
  EXPECT_EQ(state->clock_s, 123.456789012345);
  ASSERT_EQ(state->tokens.size(), 1u);
  EXPECT_EQ(state->tokens[0].tenant, "research");
  EXPECT_NE((*store)->describe().find("WAL, synchronous=NORMAL"), std::string::npos);
}

TEST(SqliteStore, ADatabaseFromANewerGpufleetIsRefusedNotDamaged) {
  const auto path = temp_db("newer");
  { ASSERT_TRUE(open_sqlite_store(path, Durability::full)); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = open_sqlite_store(path, Durability::full);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("schema version 99, newer than this gpufleet's 2"), std::string::npos);
}

// The first schema, as gpufleet wrote it before the backends' job ids.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tokens (sha256 TEXT PRIMARY KEY, tenant TEXT NOT NULL, role INTEGER NOT NULL);
CREATE TABLE jobs (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, gpus INTEGER NOT NULL,
  accelerators TEXT NOT NULL, jurisdiction TEXT NOT NULL, kind INTEGER NOT NULL, priority INTEGER NOT NULL,
  estimated_duration_s REAL NOT NULL, checkpoint_interval_s REAL NOT NULL, idempotency_key TEXT NOT NULL,
  state INTEGER NOT NULL, submit_s REAL NOT NULL, start_s REAL NOT NULL, end_s REAL NOT NULL, pool INTEGER NOT NULL,
  remaining_s REAL NOT NULL, restarts INTEGER NOT NULL, gpu_seconds REAL NOT NULL, spend_usd REAL NOT NULL);
INSERT INTO jobs VALUES (1, 'research', 'old', 8, '', '', 1, 0, 3600, 0, '', 1, 5, 6, -1, 0, 3600, 0, 0, 0);
PRAGMA user_version = 1;
)sql";

TEST(SqliteStore, AVersion1DatabaseIsMigratedKeepingItsJobs) {
  const auto path = temp_db("v1");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kSchemaV1, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  {
    auto store = open_sqlite_store(path, Durability::full);
    ASSERT_TRUE(store) << store.error().to_string();
    auto state = (*store)->load();
    ASSERT_TRUE(state) << state.error().to_string();
    ASSERT_EQ(state->jobs.size(), 1u);
    EXPECT_EQ(state->jobs[0].request.name, "old");
    EXPECT_EQ(state->jobs[0].state, JobState::running);
    EXPECT_EQ(state->jobs[0].backend_job_id, 0);
    Batch b;
    b.jobs.push_back(state->jobs[0]);
    b.jobs[0].backend_job_id = 77;
    ASSERT_TRUE((*store)->commit(b));
  }
  auto store = open_sqlite_store(path, Durability::full);
  ASSERT_TRUE(store);
  EXPECT_EQ((*store)->load()->jobs[0].backend_job_id, 77);
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 2);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST(SqliteStore, NotADatabaseIsAnError) {
  const auto path = temp_db("garbage");
  std::ofstream(path) << std::string(4096, 'x');
  auto store = open_sqlite_store(path, Durability::full);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().file, path.string());
}

// A live scheduler on one 16-GPU pool (two 8-GPU nodes), FIFO unless told.
struct Live {
  Scenario scenario;
  std::vector<uint32_t> started, rejected, stopped;
  std::unique_ptr<LiveScheduler> s;
  explicit Live(size_t capacity, Scenario sc = testing::one_site_scenario(16, 1e6), const std::string& queue = "fifo")
      : scenario(std::move(sc)) {
    Workload names;
    names.jurisdictions = {"", "US"};
    LiveScheduler::Hooks hooks;
    hooks.started = [this](uint32_t slot) { started.push_back(slot); };
    hooks.rejected = [this](uint32_t slot) { rejected.push_back(slot); };
    hooks.stopped = [this](uint32_t slot, StopReason, double) { stopped.push_back(slot); };
    s = std::make_unique<LiveScheduler>(scenario, fleet::build_pools(scenario, names),
                                        std::move(*sched::make_queue_policy(queue, scenario.policy)),
                                        std::move(*sched::make_placement_policy("cost", scenario)), capacity,
                                        std::vector<std::string>{""}, hooks);
  }
  uint32_t submit(uint32_t gpus, double submit_s = 0, double duration_s = 100) {
    Job j;
    j.gpus = gpus;
    j.duration_s = duration_s;
    j.submit_s = submit_s;
    const uint32_t slot = s->add(j, duration_s, 0, false);
    if (slot != fleet::kNone) s->submit(slot);
    return slot;
  }
};

TEST(LiveScheduler, ACancelledHeadStopsBlockingAndItsSlotIsReused) {
  Live live(3);
  const uint32_t a = live.submit(16);
  live.s->dispatch_now();
  ASSERT_EQ(live.started, std::vector<uint32_t>{a});
  const uint32_t b = live.submit(16);  // waits behind a's GPUs
  const uint32_t c = live.submit(8);   // FIFO: waits behind b
  EXPECT_EQ(live.submit(1), fleet::kNone) << "three slots, all taken";
  live.s->finish(a);  // a ends: b starts, c waits
  live.s->dispatch_now();
  ASSERT_EQ(live.started.size(), 2u);
  EXPECT_EQ(live.started[1], b);
  const uint32_t d = live.submit(1);
  EXPECT_EQ(d, a) << "a's slot is reused";
  live.s->cancel(c);  // c was the head blocking d
  live.s->dispatch_now();
  EXPECT_EQ(live.started.size(), 2u) << "b still holds every GPU";
  live.s->finish(b);
  live.s->dispatch_now();
  // c was dropped (no "rejected" for a cancellation) and d ran.
  EXPECT_TRUE(live.rejected.empty());
  ASSERT_EQ(live.started.size(), 3u);
  EXPECT_EQ(live.started[2], d);
  EXPECT_EQ(live.s->free_slots(), 2u);
  // A job that can never fit is rejected at once and frees its slot.
  const uint32_t huge = live.submit(32);
  EXPECT_EQ(live.rejected, std::vector<uint32_t>{huge});
  EXPECT_EQ(live.s->free_slots(), 2u);
}

TEST(LiveScheduler, TheClockAppliesCapacityStepsAndAnOutageRequeues) {
  Scenario sc = testing::one_site_scenario(8, 1e6);
  sc.contracts[0].ramp.push_back({50, 16});  // grows to 16 GPUs at t = 50
  Live live(8, sc);
  live.submit(8);
  const uint32_t second = live.submit(8);
  live.s->advance(10);
  live.s->dispatch_now();
  EXPECT_EQ(live.started.size(), 1u);
  EXPECT_EQ(live.s->next_event_s(), 50);
  live.s->advance(50);  // the step is applied at 50; the caller dispatches
  EXPECT_EQ(live.started.size(), 1u);
  live.s->dispatch_now();
  ASSERT_EQ(live.started.size(), 2u);
  EXPECT_EQ(live.started[1], second);
  EXPECT_EQ(live.s->allocation(second).start_s, 50);
  EXPECT_EQ(live.s->next_event_s(), 1e6) << "the contract's end";
  // The pool goes down: both jobs are requeued, and start again when it is back.
  live.s->set_down({0}, true);
  EXPECT_EQ(live.stopped.size(), 2u);
  EXPECT_FALSE(live.s->running(second));
  live.s->dispatch_now();
  EXPECT_EQ(live.started.size(), 2u);
  live.s->set_down({0}, false);
  live.s->dispatch_now();
  EXPECT_EQ(live.started.size(), 4u);
}

// Slots are reused, so a job's slot says nothing of when it came: an interrupted job goes
// back to its place by arrival, ahead of a later job that holds a lower slot.
TEST(LiveScheduler, AnInterruptedJobGoesBackAheadOfLaterJobsWhateverItsSlot) {
  Live live(3);
  const uint32_t a = live.submit(8, 0);
  const uint32_t x = live.submit(8, 1);
  live.s->dispatch_now();
  ASSERT_EQ(live.started.size(), 2u);
  live.s->advance(2);
  live.s->finish(a);
  const uint32_t b = live.submit(16, 2);  // reuses a's slot, lower than x's
  ASSERT_EQ(b, a);
  ASSERT_LT(b, x);
  const uint32_t c = live.submit(8, 3);
  live.s->advance(3);
  live.s->dispatch_now();
  ASSERT_EQ(live.started.size(), 2u) << "b needs both nodes; c waits behind it";
  live.s->interrupt(x, StopReason::failed);
  live.s->dispatch_now();
  // x (arrived at 1) is ahead of b (2): it starts again, and b still waits.
  ASSERT_EQ(live.started.size(), 3u);
  EXPECT_EQ(live.started[2], x);
  EXPECT_FALSE(live.s->running(b));
  EXPECT_FALSE(live.s->running(c));
}

// las keeps a job's level (its attained service) in the job's slot: a new job in a reused
// slot starts at level 0, ahead of (and able to preempt) a job demoted since.
TEST(LiveScheduler, ANewLasJobInAReusedSlotHasAttainedNothing) {
  Live live(3, testing::one_site_scenario(16, 1e6), "las");
  const uint32_t a = live.submit(8, 0, 10000);
  const uint32_t z = live.submit(8, 0, 10000);
  live.s->dispatch_now();
  ASSERT_EQ(live.started.size(), 2u);
  live.s->advance(500);  // both passed 3,600 GPU-s (8 GPUs x 450 s): demoted to level 1
  live.s->dispatch_now();
  live.s->finish(a);
  const uint32_t b = live.submit(16, 500, 100);
  ASSERT_EQ(b, a);
  live.s->dispatch_now();
  // b is at level 0: it preempts z (level 1) and starts on all 16 GPUs.
  EXPECT_EQ(live.stopped, std::vector<uint32_t>{z});
  ASSERT_EQ(live.started.size(), 3u);
  EXPECT_EQ(live.started[2], b);
}

TEST(JobRequest, AValidRequestIsReadWithItsUnits) {
  RequestLimits limits{{"H100-SXM", "B200"}, {"US", "EU"}, 1024};
  auto r = parse_job_request(R"({"gpus": 512, "estimated_duration": "3d", "checkpoint_interval": 1800, "kind": "training",
                                 "accelerators": ["B200"], "jurisdiction": "EU", "priority": 9, "name": "pre", "idempotency_key": "x"})",
                             limits);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->gpus, 512u);
  EXPECT_EQ(r->estimated_duration_s, 3 * 86400.0);
  EXPECT_EQ(r->checkpoint_interval_s, 1800);
  EXPECT_EQ(r->kind, JobKind::training);
  EXPECT_EQ(accelerator_mask(*r, limits), 2u);
  auto none = parse_job_request(R"({"gpus": 1, "estimated_duration": 60})", limits);
  ASSERT_TRUE(none);
  EXPECT_EQ(accelerator_mask(*none, limits), kAnyAccelerator);
}

}  // namespace
}  // namespace gpufleet::serve
