// Two `gpufleet serve` processes on one database: one leads, the other stands by, and takes
// over within seconds when the leader is killed, with every acknowledged job there once. The
// standby answers reads meanwhile, from the state it reads every second. Run on a SQLite file
// and on a real PostgreSQL server.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "postgres_process.h"
#include "serve_fixtures.h"
#include "server_process.h"

namespace gpufleet::testing {
namespace {

using nlohmann::json;

class ServeStandby : public ::testing::TestWithParam<std::string> {};

TEST_P(ServeStandby, AStandbyTakesOverFromAKilledLeaderWithEveryAcknowledgedJob) {
  const std::string engine = GetParam();
  const auto dir = fresh_dir("serve-standby-" + engine);
  std::unique_ptr<PostgresProcess> pg;
  std::string db = (dir / "shared.db").string();
  if (engine == "postgresql") {
    pg = std::make_unique<PostgresProcess>("standby");
    if (!pg->available()) GTEST_SKIP() << "PostgreSQL: " << pg->reason();
    db = pg->url();
  }
  const auto scenario = write_scenario(dir, fleet_yaml("fifo-backfill", "cost")).string();
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  ServerProcess a(dir / "a", {scenario});
  ServerProcess b(dir / "b", {scenario});
  a.set_db(db);
  b.set_db(db);
  ASSERT_TRUE(a.start()) << a.log();
  ASSERT_TRUE(b.start()) << b.log();
  const auto health_b = b.get("/healthz", "");
  ASSERT_EQ(health_b.body["status"], "standby") << health_b.text;
  EXPECT_EQ(health_b.body["leader"], a.url());
  // Many requests at once while the standby keeps asking for leadership: each one reads the
  // leader from the store (PostgreSQL: one connection, which two threads once used at once).
  {
    std::vector<std::thread> clients;
    std::atomic<int> answered{0};
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&] {
        for (int k = 0; k < 150; ++k) answered += b.get("/healthz", "").status == 200;
      });
    for (auto& c : clients) c.join();
    EXPECT_EQ(answered.load(), 600) << b.log();
  }
  const auto refused = b.post("/v1/jobs", {{"gpus", 8}, {"estimated_duration", "1h"}}, tenant_token("research"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.body["leader"], a.url());

  // The leader takes 300 jobs (about fifty run at once), then dies.
  std::map<std::string, int64_t> acked;
  for (int k = 0; k < 300; ++k) {
    const std::string key = "j" + std::to_string(k);
    const auto r = a.post("/v1/jobs", {{"gpus", 8}, {"estimated_duration", "2h"}, {"idempotency_key", key}, {"name", key}},
                          tenant_token("research"));
    ASSERT_EQ(r.status, 201) << r.text;
    acked[key] = r.body["id"].get<int64_t>();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // placements made and written
  // The standby answers reads (with the same tokens and rules) from a copy at most a few
  // seconds old: the last job appears there, as the leader has it.
  {
    const std::string last = "/v1/jobs/" + std::to_string(acked["j299"]);
    json seen;
    for (int k = 0; k < 60 && seen.is_null(); ++k) {
      const auto r = b.get(last, tenant_token("research"));
      if (r.status == 200) seen = r.body;
      else std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(seen.is_null()) << "the standby never showed the leader's last job: " << b.log();
    EXPECT_EQ(seen["name"], "j299");
    EXPECT_EQ(seen["state"], a.get(last, tenant_token("research")).body["state"]);
    EXPECT_EQ(b.get(last, tenant_token("prod")).status, 404) << "another tenant's job, as on the leader";
    EXPECT_EQ(b.get(last, "").status, 401);
    const auto health = b.get("/healthz", "").body;
    EXPECT_EQ(health["role"], "standby");
    EXPECT_LT(health["state_read_s_ago"].get<double>(), 5.0);
    const auto cancel = b.request("DELETE", last, tenant_token("research"));
    EXPECT_EQ(cancel.status, 503) << "changes go to the leader";
    EXPECT_EQ(cancel.body["leader"], a.url());
  }
  const auto t0 = std::chrono::steady_clock::now();
  a.kill_now();
  double took_s = -1;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20)) {
    const auto h = b.get("/healthz", "");
    if (h.status == 200 && h.body["status"] == "ok") {
      took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(took_s, 0) << "the standby never took over: " << b.log();
  EXPECT_LT(took_s, 5.0);
  std::printf("%s: standby took over in %.3f s\n", engine.c_str(), took_s);

  // Every acknowledged job is there once; the running ones hold distinct nodes.
  std::map<std::string, int> seen;
  std::set<int64_t> nodes;
  int running = 0;
  int64_t after = 0;
  for (;;) {
    const auto page = b.get("/v1/jobs?limit=1000&after=" + std::to_string(after));
    ASSERT_EQ(page.status, 200) << page.text;
    for (const auto& j : page.body["jobs"]) {
      ++seen[j["name"].get<std::string>()];
      if (j["state"] == "running") {
        ++running;
        for (const auto& n : j["placement"]["nodes"]) EXPECT_TRUE(nodes.insert(n.get<int64_t>()).second);
      }
    }
    if (page.body["next_after"].is_null()) break;
    after = page.body["next_after"].get<int64_t>();
  }
  EXPECT_EQ(seen.size(), acked.size());
  for (const auto& [key, id] : acked) EXPECT_EQ(seen[key], 1) << key;
  EXPECT_EQ(running, 52) << "the new leader holds what the old one placed, and places the rest";
  // The new leader takes submissions; the old one comes back as its standby.
  EXPECT_EQ(b.post("/v1/jobs", {{"gpus", 8}, {"estimated_duration", "1h"}}, tenant_token("research")).status, 201);
  ASSERT_TRUE(a.start()) << a.log();
  EXPECT_EQ(a.get("/healthz", "").body["status"], "standby");
  EXPECT_EQ(a.get("/healthz", "").body["leader"], b.url());
  EXPECT_EQ(a.stop(), 0);
  EXPECT_EQ(b.stop(), 0);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Engines, ServeStandby, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace gpufleet::testing
