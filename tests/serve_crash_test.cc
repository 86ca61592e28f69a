// Crash safety of `gpufleet serve`: a client submits jobs while the test kills the server with
// SIGKILL at random moments and restarts it. No acknowledged job may be lost or duplicated,
// and no GPU may be allocated twice.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "serve_fixtures.h"
#include "server_process.h"

namespace gpufleet::testing {
namespace {

using nlohmann::json;

// Every job the admin can list, paged.
std::vector<json> all_jobs(const ServerProcess& server) {
  std::vector<json> out;
  int64_t after = 0;
  for (int page = 0; page < 1000; ++page) {
    const auto a = server.get("/v1/jobs?limit=1000&after=" + std::to_string(after));
    EXPECT_EQ(a.status, 200) << a.text;
    if (a.status != 200) break;
    for (const auto& j : a.body["jobs"]) out.push_back(j);
    if (a.body["next_after"].is_null()) break;
    after = a.body["next_after"].get<int64_t>();
  }
  return out;
}

// No GPU held twice: per pool, what the fleet says is allocated equals what the running jobs
// hold and stays within capacity; whole-node jobs share no node.
void expect_consistent_allocations(const ServerProcess& server, const std::vector<json>& jobs) {
  std::map<int64_t, int64_t> held;  // pool -> GPUs
  std::set<int64_t> nodes;
  for (const auto& j : jobs) {
    if (j["state"] != "running") continue;
    const auto& p = j["placement"];
    held[p["pool"].get<int64_t>()] += p["gpus_allocated"].get<int64_t>();
    for (const auto& n : p["nodes"]) EXPECT_TRUE(nodes.insert(n.get<int64_t>()).second) << "node " << n << " held twice";
  }
  const auto fleet = server.get("/v1/fleet").body;
  for (const auto& pool : fleet["pools"]) {
    const int64_t p = pool["pool"].get<int64_t>();
    EXPECT_EQ(pool["allocated_gpus"].get<int64_t>(), held[p]) << "pool " << p;
    EXPECT_LE(pool["allocated_gpus"].get<int64_t>(), pool["capacity_gpus"].get<int64_t>()) << "pool " << p;
  }
}

TEST(ServeCrash, KilledAtRandomMomentsItLosesAndDuplicatesNoAcknowledgedJob) {
  const auto dir = fresh_dir("serve-crash");
  const auto scenario = write_scenario(dir, fleet_yaml("fifo-backfill", "cost"));
  ServerProcess server(dir, {scenario.string(), "--synchronous", "full"});
  ASSERT_TRUE(server.start()) << server.log();

  constexpr int kJobs = 2000;
  std::mutex mu;
  std::string url = server.url();
  std::map<std::string, int64_t> acked;  // idempotency key -> id from the acknowledgement
  std::atomic<bool> done{false};
  std::atomic<int> retries{0};
  std::thread client([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (int k = 0; k < kJobs && std::chrono::steady_clock::now() < deadline; ++k) {
      const std::string key = "job-" + std::to_string(k);
      // 8-GPU jobs of an hour: about fifty run at once, the rest wait.
      const json body = {{"gpus", 8}, {"estimated_duration", "1h"}, {"idempotency_key", key}, {"name", key}};
      for (;;) {
        std::string u;
        {
          std::lock_guard lock(mu);
          u = url;
        }
        httplib::Client c(u);
        c.set_connection_timeout(1, 0);
        c.set_read_timeout(10, 0);
        c.set_tcp_nodelay(true);
        auto res = c.Post("/v1/jobs", {{"Authorization", "Bearer " + tenant_token("research")}}, body.dump(), "application/json");
        if (res && res->status == 201) {
          const auto answer = json::parse(res->body);
          std::lock_guard lock(mu);
          acked[key] = answer["id"].get<int64_t>();
          break;
        }
        ++retries;
        if (std::chrono::steady_clock::now() > deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    done = true;
  });
  std::mt19937 rng(2026);
  int kills = 0;
  while (!done && kills < 8) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 350));
    if (done) break;
    server.kill_now();
    ++kills;
    const bool up = server.start();
    {
      std::lock_guard lock(mu);
      url = server.url();
    }
    if (!up) break;
  }
  client.join();
  ASSERT_GE(kills, 2) << "the client finished before the server was killed twice; make the run longer";
  ASSERT_EQ(static_cast<int>(acked.size()), kJobs) << server.log();

  auto check = [&] {
    const auto jobs = all_jobs(server);
    std::map<std::string, int> seen;
    for (const auto& j : jobs) ++seen[j["name"].get<std::string>()];
    EXPECT_EQ(jobs.size(), static_cast<size_t>(kJobs)) << "jobs duplicated or lost";
    for (const auto& [key, id] : acked) {
      EXPECT_EQ(seen[key], 1) << key;
      const auto j = server.get("/v1/jobs/" + std::to_string(id)).body;
      EXPECT_EQ(j["name"], key);
    }
    expect_consistent_allocations(server, jobs);
    // The metrics count what the list shows.
    int64_t queued = 0, running = 0;
    for (const auto& j : jobs) {
      queued += j["state"] == "queued";
      running += j["state"] == "running";
    }
    const std::string metrics = server.get("/metrics").text;
    EXPECT_NE(metrics.find("\ngpufleet_queue_length " + std::to_string(queued) + "\n"), std::string::npos) << metrics.substr(0, 300);
    EXPECT_NE(metrics.find("\ngpufleet_jobs_running " + std::to_string(running) + "\n"), std::string::npos);
    return jobs;
  };
  const auto before = check();
  // A clean stop and start keeps the queue and the allocations as they were.
  EXPECT_EQ(server.stop(), 0) << server.log();
  ASSERT_TRUE(server.start()) << server.log();
  const auto after = check();
  ASSERT_EQ(before.size(), after.size());
  int running = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i]["state"], after[i]["state"]) << "job " << before[i]["id"];
    if (before[i]["state"] == "running") {
      ++running;
      EXPECT_EQ(before[i]["placement"]["pool"], after[i]["placement"]["pool"]);
      EXPECT_EQ(before[i]["start_s"], after[i]["start_s"]);
    }
  }
  EXPECT_GT(running, 20);
  std::printf("%d kills, %d retried submissions, %d running\n", kills, retries.load(), running);
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
