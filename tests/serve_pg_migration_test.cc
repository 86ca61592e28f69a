// The PostgreSQL store migrates a database of the first schema (before the backends' job ids)
// forward in place, keeping its jobs, on a real PostgreSQL server (postgres_process.h).
#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include "postgres_process.h"
#include "serve/store.h"

namespace gpufleet::testing {
namespace {

TEST(PgStoreMigration, AVersion1DatabaseGainsTheBackendJobIdAndKeepsItsJobs) {
  PostgresProcess pg("migration");
  if (!pg.available()) GTEST_SKIP() << "PostgreSQL: " << pg.reason();
  {
    pqxx::connection c(pg.url());
    pqxx::work w(c);
    w.exec0(R"sql(
CREATE TABLE gpufleet_schema (version INTEGER NOT NULL);
INSERT INTO gpufleet_schema VALUES (1);
CREATE TABLE gpufleet_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE gpufleet_tokens (sha256 TEXT PRIMARY KEY, tenant TEXT NOT NULL, role INTEGER NOT NULL);
CREATE TABLE gpufleet_jobs (id BIGINT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, gpus BIGINT NOT NULL,
  accelerators TEXT NOT NULL, jurisdiction TEXT NOT NULL, kind INTEGER NOT NULL, priority INTEGER NOT NULL,
  estimated_duration_s DOUBLE PRECISION NOT NULL, checkpoint_interval_s DOUBLE PRECISION NOT NULL, idempotency_key TEXT NOT NULL,
  state INTEGER NOT NULL, submit_s DOUBLE PRECISION NOT NULL, start_s DOUBLE PRECISION NOT NULL, end_s DOUBLE PRECISION NOT NULL,
  pool INTEGER NOT NULL, remaining_s DOUBLE PRECISION NOT NULL, restarts INTEGER NOT NULL, gpu_seconds DOUBLE PRECISION NOT NULL,
  spend_usd DOUBLE PRECISION NOT NULL);
INSERT INTO gpufleet_jobs VALUES (1, 'research', 'old', 8, '', '', 1, 0, 3600, 0, '', 1, 5, 6, -1, 0, 3600, 0, 0, 0);
)sql");
    w.commit();
  }
  {
    auto store = serve::open_postgresql_store(pg.url());
    ASSERT_TRUE(store) << store.error().to_string();
    auto state = (*store)->load();
    ASSERT_TRUE(state) << state.error().to_string();
    ASSERT_EQ(state->jobs.size(), 1u);
    EXPECT_EQ(state->jobs[0].request.name, "old");
    EXPECT_EQ(state->jobs[0].backend_job_id, 0);
    serve::Batch b;
    b.jobs.push_back(state->jobs[0]);
    b.jobs[0].backend_job_id = 77;
    ASSERT_TRUE((*store)->commit(b));
  }
  auto store = serve::open_postgresql_store(pg.url());
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ((*store)->load()->jobs[0].backend_job_id, 77);
  pqxx::connection c(pg.url());
  pqxx::nontransaction n(c);
  EXPECT_EQ(n.exec1("SELECT version FROM gpufleet_schema")[0].as<int>(), 2);
}

}  // namespace
}  // namespace gpufleet::testing
