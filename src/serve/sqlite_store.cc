// The embedded storage engine: one SQLite file in WAL mode. The schema is versioned by
// PRAGMA user_version and migrated forward on open, each step in its own transaction.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "serve/name_lines.h"
#include "serve/store.h"

namespace gpufleet::serve {

namespace {

// Schema steps: kMigrations[i] takes a database from user_version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tokens (sha256 TEXT PRIMARY KEY, tenant TEXT NOT NULL, role INTEGER NOT NULL);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  gpus INTEGER NOT NULL,
  accelerators TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  kind INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  estimated_duration_s REAL NOT NULL,
  checkpoint_interval_s REAL NOT NULL,
  idempotency_key TEXT NOT NULL,
  state INTEGER NOT NULL,
  submit_s REAL NOT NULL,
  start_s REAL NOT NULL,
  end_s REAL NOT NULL,
  pool INTEGER NOT NULL,
  remaining_s REAL NOT NULL,
  restarts INTEGER NOT NULL,
  gpu_seconds REAL NOT NULL,
  spend_usd REAL NOT NULL
);
)sql",
    // 2: the backend's id of a job's current run (a Slurm job id), so that a restarted service
    // tracks the run it had submitted instead of submitting it again.
    R"sql(
ALTER TABLE jobs ADD COLUMN backend_job_id INTEGER NOT NULL DEFAULT 0;
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, Durability durability) : path_(std::move(path)), durability_(durability) {}
  ~SqliteStore() override {
    for (sqlite3_stmt* s : {upsert_job_, add_token_, set_meta_, begin_, commit_, rollback_}) sqlite3_finalize(s);
    if (db_) sqlite3_close(db_);
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }

  Result<void> open() {
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
      return error("cannot open the database");
    sqlite3_busy_timeout(db_, 5000);
    if (auto r = exec("PRAGMA journal_mode=WAL"); !r) return r;
    if (auto r = exec(durability_ == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !r) return r;
    if (auto r = migrate(); !r) return r;
    for (auto [stmt, sql] : {std::pair{&upsert_job_, "INSERT OR REPLACE INTO jobs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
                             std::pair{&add_token_, "INSERT OR REPLACE INTO tokens VALUES (?,?,?)"},
                             std::pair{&set_meta_, "INSERT OR REPLACE INTO meta VALUES (?,?)"},
                             std::pair{&begin_, "BEGIN IMMEDIATE"}, std::pair{&commit_, "COMMIT"},
                             std::pair{&rollback_, "ROLLBACK"}})
      if (sqlite3_prepare_v2(db_, sql, -1, stmt, nullptr) != SQLITE_OK) return error(sql);
    return {};
  }

  Result<StoredState> load() override {
    StoredState out;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT * FROM jobs ORDER BY id", -1, &s, nullptr) != SQLITE_OK) return error("reading jobs");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      JobRecord j;
      j.id = sqlite3_column_int64(s, 0);
      j.tenant = column_text(s, 1);
      j.request.name = column_text(s, 2);
      j.request.gpus = static_cast<uint32_t>(sqlite3_column_int64(s, 3));
      j.request.accelerators = split_lines(column_text(s, 4));
      j.request.jurisdiction = column_text(s, 5);
      j.request.kind = static_cast<JobKind>(sqlite3_column_int(s, 6));
      j.request.priority = static_cast<uint8_t>(sqlite3_column_int(s, 7));
      j.request.estimated_duration_s = sqlite3_column_double(s, 8);
      j.request.checkpoint_interval_s = sqlite3_column_double(s, 9);
      j.request.idempotency_key = column_text(s, 10);
      j.state = static_cast<JobState>(sqlite3_column_int(s, 11));
      j.submit_s = sqlite3_column_double(s, 12);
      j.start_s = sqlite3_column_double(s, 13);
      j.end_s = sqlite3_column_double(s, 14);
      j.pool = sqlite3_column_int(s, 15);
      j.remaining_s = sqlite3_column_double(s, 16);
      j.restarts = sqlite3_column_int(s, 17);
      j.gpu_seconds = sqlite3_column_double(s, 18);
      j.spend_usd = sqlite3_column_double(s, 19);
      j.backend_job_id = sqlite3_column_int64(s, 20);
      out.jobs.push_back(std::move(j));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return error("reading jobs");
    if (sqlite3_prepare_v2(db_, "SELECT sha256, tenant, role FROM tokens", -1, &s, nullptr) != SQLITE_OK)
      return error("reading tokens");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
      out.tokens.push_back(TokenRecord{column_text(s, 0), column_text(s, 1), static_cast<Role>(sqlite3_column_int(s, 2))});
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key = 'clock_s'", -1, &s, nullptr) != SQLITE_OK)
      return error("reading the clock");
    if (sqlite3_step(s) == SQLITE_ROW) out.clock_s = std::stod(column_text(s, 0));
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key = 'pools_down'", -1, &s, nullptr) != SQLITE_OK)
      return error("reading the outages");
    if (sqlite3_step(s) == SQLITE_ROW)
      out.pools_down = split_pool_lines(column_text(s, 0));
    sqlite3_finalize(s);
    return out;
  }

  Result<void> commit(const Batch& batch) override {
    if (batch.empty()) return {};
    if (!step(begin_)) return error("BEGIN");
    auto undo = [&](const char* what) {
      const Error e = error(what).value();
      step(rollback_);
      return tl::unexpected(e);
    };
    for (const JobRecord& j : batch.jobs) {
      sqlite3_stmt* s = upsert_job_;
      sqlite3_bind_int64(s, 1, j.id);
      sqlite3_bind_text(s, 2, j.tenant.data(), static_cast<int>(j.tenant.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 3, j.request.name.data(), static_cast<int>(j.request.name.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 4, j.request.gpus);
      const std::string accel = join_lines(j.request.accelerators);
      sqlite3_bind_text(s, 5, accel.data(), static_cast<int>(accel.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 6, j.request.jurisdiction.data(), static_cast<int>(j.request.jurisdiction.size()), SQLITE_STATIC);
      sqlite3_bind_int(s, 7, static_cast<int>(j.request.kind));
      sqlite3_bind_int(s, 8, j.request.priority);
      sqlite3_bind_double(s, 9, j.request.estimated_duration_s);
      sqlite3_bind_double(s, 10, j.request.checkpoint_interval_s);
      sqlite3_bind_text(s, 11, j.request.idempotency_key.data(), static_cast<int>(j.request.idempotency_key.size()), SQLITE_STATIC);
      sqlite3_bind_int(s, 12, static_cast<int>(j.state));
      sqlite3_bind_double(s, 13, j.submit_s);
      sqlite3_bind_double(s, 14, j.start_s);
      sqlite3_bind_double(s, 15, j.end_s);
      sqlite3_bind_int(s, 16, j.pool);
      sqlite3_bind_double(s, 17, j.remaining_s);
      sqlite3_bind_int(s, 18, j.restarts);
      sqlite3_bind_double(s, 19, j.gpu_seconds);
      sqlite3_bind_double(s, 20, j.spend_usd);
      sqlite3_bind_int64(s, 21, j.backend_job_id);
      if (!step(s)) return undo("writing a job");
    }
    for (const TokenRecord& t : batch.tokens) {
      sqlite3_bind_text(add_token_, 1, t.sha256_hex.data(), static_cast<int>(t.sha256_hex.size()), SQLITE_STATIC);
      sqlite3_bind_text(add_token_, 2, t.tenant.data(), static_cast<int>(t.tenant.size()), SQLITE_STATIC);
      sqlite3_bind_int(add_token_, 3, static_cast<int>(t.role));
      if (!step(add_token_)) return undo("writing a token");
    }
    if (batch.clock_s) {
      const std::string value = fmt::format("{:.17g}", *batch.clock_s);
      sqlite3_bind_text(set_meta_, 1, "clock_s", -1, SQLITE_STATIC);
      sqlite3_bind_text(set_meta_, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
      if (!step(set_meta_)) return undo("writing the clock");
    }
    if (batch.pools_down) {
      const std::string value = join_pool_lines(*batch.pools_down);
      sqlite3_bind_text(set_meta_, 1, "pools_down", -1, SQLITE_STATIC);
      sqlite3_bind_text(set_meta_, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
      if (!step(set_meta_)) return undo("writing the outages");
    }
    if (!step(commit_)) return undo("COMMIT");
    return {};
  }

  // One process serves a database file: the first to take an exclusive flock() on it (which
  // SQLite's own fcntl locks do not touch) leads; the lock goes with the process.
  Result<bool> try_lead(const std::string& my_url) override {
    if (lock_fd_ < 0) lock_fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (lock_fd_ < 0) return error("cannot open the database to lock it");
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) return false;
    // Written aside and renamed: a standby reading it meanwhile sees the old URL or the new.
    const std::string lead_file = path_ + ".leader", aside = lead_file + ".new";
    if (std::FILE* f = std::fopen(aside.c_str(), "w")) {
      std::fputs(my_url.c_str(), f);
      std::fclose(f);
      std::rename(aside.c_str(), lead_file.c_str());
    }
    return true;
  }
  Result<std::string> leader_url() override {
    std::string url;
    if (std::FILE* f = std::fopen((path_ + ".leader").c_str(), "r")) {
      char buf[512];
      const size_t n = std::fread(buf, 1, sizeof buf, f);
      url.assign(buf, n);
      std::fclose(f);
    }
    return url;
  }

  std::string describe() const override {
    return fmt::format("sqlite {} at {} (WAL, synchronous={})", sqlite3_libversion(), path_,
                       durability_ == Durability::full ? "FULL" : "NORMAL");
  }

 private:
  tl::unexpected<Error> error(const std::string& what) const {
    return fail(path_, 0, 0, "", fmt::format("{}: {}", what, db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  Result<void> exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "";
      sqlite3_free(msg);
      return fail(path_, 0, 0, "", fmt::format("{}: {}", sql, m));
    }
    return {};
  }
  // Runs a prepared statement to completion and resets it.
  bool step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
  }
  Result<void> migrate() {
    sqlite3_stmt* s = nullptr;
    int version = 0;
    if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &s, nullptr) != SQLITE_OK) return error("PRAGMA user_version");
    if (sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version > kSchemaVersion)
      return fail(path_, 0, 0, "", fmt::format("the database has schema version {}, newer than this gpufleet's {}; "
                                               "expected a database written by this or an older version", version, kSchemaVersion));
    for (int v = version; v < kSchemaVersion; ++v) {
      const std::string sql = fmt::format("BEGIN IMMEDIATE; {} PRAGMA user_version = {}; COMMIT;", kMigrations[v], v + 1);
      if (auto r = exec(sql.c_str()); !r) {
        exec("ROLLBACK");
        return fail(path_, 0, 0, "", fmt::format("migrating the schema from version {}: {}", v, r.error().message));
      }
    }
    return {};
  }

  std::string path_;
  Durability durability_;
  sqlite3* db_ = nullptr;
  int lock_fd_ = -1;  // the database file, flock()ed by the leader
  sqlite3_stmt *upsert_job_ = nullptr, *add_token_ = nullptr, *set_meta_ = nullptr;
  sqlite3_stmt *begin_ = nullptr, *commit_ = nullptr, *rollback_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, Durability durability) {
  auto store = std::make_unique<SqliteStore>(path, durability);
  if (auto r = store->open(); !r) return tl::unexpected(r.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace gpufleet::serve
