// Durable state of the service behind one small interface, so that a second storage engine
// (PostgreSQL) is one more file. The service keeps its state in memory and writes every
// change through a Store before it acknowledges it; on start it reads everything back.
//
// Contract: commit() applies a batch atomically (all of it or none survives a crash) and
// durably (per the engine's synchronous setting) before it returns; batches are applied in
// the order given. Jobs are written whole (an upsert by id).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "serve/job_record.h"

namespace gpufleet::serve {

enum class Role : uint8_t { tenant = 0, admin = 1 };

struct TokenRecord {
  std::string sha256_hex;  // of the token; the token itself is never stored
  std::string tenant;      // "" for the admin role
  Role role = Role::tenant;
};

// One atomic unit of change.
struct Batch {
  std::vector<JobRecord> jobs;             // upserted by id
  std::optional<double> clock_s;           // the virtual clock's new reading
  std::vector<TokenRecord> tokens;         // added
  std::optional<std::vector<uint32_t>> pools_down;  // pools in an outage now (replaces the last)

  bool empty() const { return jobs.empty() && !clock_s && tokens.empty() && !pools_down; }
};

// Everything a restarting service reads back.
struct StoredState {
  std::vector<JobRecord> jobs;  // by id
  std::vector<TokenRecord> tokens;
  std::optional<double> clock_s;
  std::vector<uint32_t> pools_down;
};

// An engine may be called from several threads at once (the service's writer thread, the
// leadership loop, a standby's request threads): each one serialises the use of its own
// connection.
class Store {
 public:
  virtual ~Store() = default;
  virtual Result<StoredState> load() = 0;
  virtual Result<void> commit(const Batch& batch) = 0;
  // "sqlite 3.40.1 (WAL, synchronous=FULL)": for /healthz and the logs.
  virtual std::string describe() const = 0;
  // Leadership among processes sharing the store: true once this process leads (it keeps
  // leading until it exits); my_url is recorded for the standbys to name. An embedded store
  // has one process: it always leads.
  virtual Result<bool> try_lead(const std::string& my_url) { return true; }
  // The URL the current leader recorded ("" if none).
  virtual Result<std::string> leader_url() { return std::string(); }
};

enum class Durability : uint8_t {
  full,    // every commit is on disk when commit() returns (fsync of the WAL per commit)
  normal,  // WAL synced at checkpoints only: a power loss may lose the last commits, a crash
           // of the process loses nothing
};

// Opens (creating and migrating as needed) the SQLite database at path, in WAL mode.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, Durability durability);
// Connects to PostgreSQL ("postgresql://user:password@host:port/db"), creating and migrating
// the schema as needed. Every commit is durable per the server's synchronous_commit.
Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& url);

}  // namespace gpufleet::serve
