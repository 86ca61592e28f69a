// The shared storage engine: PostgreSQL through libpqxx, for several `gpufleet serve`
// processes on one database. The schema is versioned in gpufleet_schema and migrated forward
// on open under a table lock (two processes starting at once migrate once). Leadership is a
// session-level advisory lock held on the store's own connection: it is released the moment
// that connection dies, so a standby takes over as soon as the leader's process is gone.
#include <algorithm>
#include <mutex>

#include <pqxx/pqxx>

#include <fmt/format.h>

#include "serve/name_lines.h"
#include "serve/store.h"

namespace gpufleet::serve {

namespace {

// Schema steps: kMigrations[i] takes a database from version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE gpufleet_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE gpufleet_tokens (sha256 TEXT PRIMARY KEY, tenant TEXT NOT NULL, role INTEGER NOT NULL);
CREATE TABLE gpufleet_jobs (
  id BIGINT PRIMARY KEY,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  gpus BIGINT NOT NULL,
  accelerators TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  kind INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  estimated_duration_s DOUBLE PRECISION NOT NULL,
  checkpoint_interval_s DOUBLE PRECISION NOT NULL,
  idempotency_key TEXT NOT NULL,
  state INTEGER NOT NULL,
  submit_s DOUBLE PRECISION NOT NULL,
  start_s DOUBLE PRECISION NOT NULL,
  end_s DOUBLE PRECISION NOT NULL,
  pool INTEGER NOT NULL,
  remaining_s DOUBLE PRECISION NOT NULL,
  restarts INTEGER NOT NULL,
  gpu_seconds DOUBLE PRECISION NOT NULL,
  spend_usd DOUBLE PRECISION NOT NULL
);
)sql",
    // 2: the backend's id of a job's current run (a Slurm job id): see sqlite_store.cc.
    R"sql(
ALTER TABLE gpufleet_jobs ADD COLUMN backend_job_id BIGINT NOT NULL DEFAULT 0;
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);
// Jobs written per INSERT statement by a commit (a batch may hold many more).
constexpr size_t kRowsPerStatement = 1000;
// The advisory lock key of leadership: "gpufleet" in ASCII.
constexpr int64_t kLeaderLock = 0x67707566'6c656574;


// The URL without its password, for messages.
std::string redact(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

class PgStore final : public Store {
 public:
  explicit PgStore(std::string url) : url_(std::move(url)) {}

  Result<void> open() {
    try {
      conn_ = std::make_unique<pqxx::connection>(url_);
      {
        pqxx::work w(*conn_);
        w.exec0("CREATE TABLE IF NOT EXISTS gpufleet_schema (version INTEGER NOT NULL)");
        w.exec0("LOCK TABLE gpufleet_schema IN EXCLUSIVE MODE");
        const pqxx::result r = w.exec("SELECT version FROM gpufleet_schema");
        int version = r.empty() ? 0 : r[0][0].as<int>();
        if (version > kSchemaVersion)
          return fail(redact(url_), 0, 0, "", fmt::format("the database has schema version {}, newer than this gpufleet's {}; "
                                                          "expected a database written by this or an older version", version, kSchemaVersion));
        for (; version < kSchemaVersion; ++version) w.exec(kMigrations[version]);
        w.exec0("DELETE FROM gpufleet_schema");
        w.exec0(fmt::format("INSERT INTO gpufleet_schema VALUES ({})", kSchemaVersion));
        w.commit();
      }
      conn_->prepare("set_meta", "INSERT INTO gpufleet_meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2");
      conn_->prepare("add_token", "INSERT INTO gpufleet_tokens VALUES ($1, $2, $3) ON CONFLICT (sha256) DO UPDATE SET tenant = $2, role = $3");
    } catch (const std::exception& e) {
      return fail(redact(url_), 0, 0, "", fmt::format("cannot open the PostgreSQL database: {}", first_line(e.what())));
    }
    return {};
  }

  Result<StoredState> load() override {
    std::lock_guard lock(mu_);
    StoredState out;
    try {
      pqxx::work w(*conn_);
      for (const auto& row : w.exec("SELECT * FROM gpufleet_jobs ORDER BY id")) {
        JobRecord j;
        j.id = row[0].as<int64_t>();
        j.tenant = row[1].as<std::string>();
        j.request.name = row[2].as<std::string>();
        j.request.gpus = row[3].as<uint32_t>();
        j.request.accelerators = split_lines(row[4].as<std::string>());
        j.request.jurisdiction = row[5].as<std::string>();
        j.request.kind = static_cast<JobKind>(row[6].as<int>());
        j.request.priority = static_cast<uint8_t>(row[7].as<int>());
        j.request.estimated_duration_s = row[8].as<double>();
        j.request.checkpoint_interval_s = row[9].as<double>();
        j.request.idempotency_key = row[10].as<std::string>();
        j.state = static_cast<JobState>(row[11].as<int>());
        j.submit_s = row[12].as<double>();
        j.start_s = row[13].as<double>();
        j.end_s = row[14].as<double>();
        j.pool = row[15].as<int>();
        j.remaining_s = row[16].as<double>();
        j.restarts = row[17].as<int>();
        j.gpu_seconds = row[18].as<double>();
        j.spend_usd = row[19].as<double>();
        j.backend_job_id = row[20].as<int64_t>();
        out.jobs.push_back(std::move(j));
      }
      for (const auto& row : w.exec("SELECT sha256, tenant, role FROM gpufleet_tokens"))
        out.tokens.push_back(TokenRecord{row[0].as<std::string>(), row[1].as<std::string>(), static_cast<Role>(row[2].as<int>())});
      for (const auto& row : w.exec("SELECT key, value FROM gpufleet_meta")) {
        const std::string key = row[0].as<std::string>(), value = row[1].as<std::string>();
        if (key == "clock_s") out.clock_s = std::stod(value);
        if (key == "pools_down")
          out.pools_down = split_pool_lines(value);
      }
      w.commit();
    } catch (const std::exception& e) {
      return fail(redact(url_), 0, 0, "", fmt::format("reading the state: {}", first_line(e.what())));
    }
    return out;
  }

  Result<void> commit(const Batch& batch) override {
    if (batch.empty()) return {};
    std::lock_guard lock(mu_);
    try {
      pqxx::work w(*conn_);
      // Jobs in statements of up to kRowsPerStatement rows: one round trip each, not one per job.
      for (size_t from = 0; from < batch.jobs.size(); from += kRowsPerStatement) {
        std::string sql = "INSERT INTO gpufleet_jobs VALUES ";
        const size_t to = std::min(batch.jobs.size(), from + kRowsPerStatement);
        for (size_t i = from; i < to; ++i) {
          const JobRecord& j = batch.jobs[i];
          auto num = [&](double x) { return w.quote(fmt::format("{:.17g}", x)); };
          sql += fmt::format("{}({},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{})", i == from ? "" : ",", j.id,
                             w.quote(j.tenant), w.quote(j.request.name), j.request.gpus, w.quote(join_lines(j.request.accelerators)),
                             w.quote(j.request.jurisdiction), static_cast<int>(j.request.kind), static_cast<int>(j.request.priority),
                             num(j.request.estimated_duration_s), num(j.request.checkpoint_interval_s),
                             w.quote(j.request.idempotency_key), static_cast<int>(j.state), num(j.submit_s), num(j.start_s),
                             num(j.end_s), j.pool, num(j.remaining_s), j.restarts, num(j.gpu_seconds), num(j.spend_usd),
                             j.backend_job_id);
        }
        sql += " ON CONFLICT (id) DO UPDATE SET tenant=EXCLUDED.tenant, name=EXCLUDED.name, gpus=EXCLUDED.gpus, "
               "accelerators=EXCLUDED.accelerators, jurisdiction=EXCLUDED.jurisdiction, kind=EXCLUDED.kind, "
               "priority=EXCLUDED.priority, estimated_duration_s=EXCLUDED.estimated_duration_s, "
               "checkpoint_interval_s=EXCLUDED.checkpoint_interval_s, idempotency_key=EXCLUDED.idempotency_key, "
               "state=EXCLUDED.state, submit_s=EXCLUDED.submit_s, start_s=EXCLUDED.start_s, end_s=EXCLUDED.end_s, "
               "pool=EXCLUDED.pool, remaining_s=EXCLUDED.remaining_s, restarts=EXCLUDED.restarts, "
               "gpu_seconds=EXCLUDED.gpu_seconds, spend_usd=EXCLUDED.spend_usd, backend_job_id=EXCLUDED.backend_job_id";
        w.exec0(sql);
      }
      for (const TokenRecord& t : batch.tokens) w.exec_prepared0("add_token", t.sha256_hex, t.tenant, static_cast<int>(t.role));
      if (batch.clock_s) w.exec_prepared0("set_meta", "clock_s", fmt::format("{:.17g}", *batch.clock_s));
      if (batch.pools_down) {
        w.exec_prepared0("set_meta", "pools_down", join_pool_lines(*batch.pools_down));
      }
      w.commit();
    } catch (const std::exception& e) {
      return fail(redact(url_), 0, 0, "", fmt::format("committing: {}", first_line(e.what())));
    }
    return {};
  }

  Result<bool> try_lead(const std::string& my_url) override {
    std::lock_guard lock(mu_);
    try {
      pqxx::nontransaction n(*conn_);
      const bool got = n.exec1(fmt::format("SELECT pg_try_advisory_lock({})", kLeaderLock))[0].as<bool>();
      if (got) n.exec_prepared0("set_meta", "leader_url", my_url);
      return got;
    } catch (const std::exception& e) {
      return fail(redact(url_), 0, 0, "", fmt::format("asking for leadership: {}", first_line(e.what())));
    }
  }

  Result<std::string> leader_url() override {
    std::lock_guard lock(mu_);
    try {
      pqxx::nontransaction n(*conn_);
      const pqxx::result r = n.exec("SELECT value FROM gpufleet_meta WHERE key = 'leader_url'");
      return r.empty() ? std::string() : r[0][0].as<std::string>();
    } catch (const std::exception& e) {
      return fail(redact(url_), 0, 0, "", fmt::format("reading the leader: {}", first_line(e.what())));
    }
  }

  std::string describe() const override {
    return fmt::format("postgresql {} (server {}.{})", redact(url_), conn_->server_version() / 10000, conn_->server_version() % 10000);
  }

 private:
  static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

  std::string url_;
  std::mutex mu_;  // one connection, used by one thread at a time (see Store)
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& url) {
  auto store = std::make_unique<PgStore>(url);
  if (auto r = store->open(); !r) return tl::unexpected(r.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace gpufleet::serve
