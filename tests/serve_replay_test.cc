// End-to-end tests of `gpufleet serve`: real server processes on loopback ports with their own
// SQLite databases, driven over HTTP and with the client commands.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "command_runner.h"
#include "serve_fixtures.h"
#include "server_process.h"

namespace gpufleet::testing {
namespace {

using nlohmann::json;

// CSV rows by column name.
std::vector<std::map<std::string, std::string>> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::string cell;
    bool quoted = false;
    for (char c : s) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) out.push_back(std::exchange(cell, {}));
      else cell += c;
    }
    out.push_back(cell);
    return out;
  };
  if (std::getline(in, line)) header = split(line);
  while (std::getline(in, line)) {
    const auto cells = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

struct TraceJob {
  int64_t submit_s, duration_s;
  int gpus;
};

// A day and a half of arrivals at a load that queues: sizes 1 to 128 GPUs, 10 min to 12 h.
std::vector<TraceJob> make_trace(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<TraceJob> jobs;
  int64_t t = 0;
  const int sizes[] = {1, 2, 4, 8, 8, 16, 32, 64, 128};
  for (int i = 0; i < n; ++i) {
    jobs.push_back({t, 600 + static_cast<int64_t>(rng() % 43200), sizes[rng() % 9]});
    t += static_cast<int64_t>(rng() % 700);
  }
  return jobs;
}

double num(const std::string& s) { return s.empty() ? -1 : std::stod(s); }

// The replay: the trace through the HTTP API on a virtual clock, each job reported finished
// at the end its placement promises; then every job's start, end, site and source against
// `gpufleet simulate` on the same scenario and trace.
void replay_matches_simulate(const std::string& queue, const std::string& placement) {
  const auto dir = fresh_dir("serve-replay-" + queue + "-" + placement);
  const auto scenario = write_scenario(dir, fleet_yaml(queue, placement));
  const auto trace = make_trace(400, 11);
  {
    std::ofstream csv(dir / "trace.csv");
    csv << "submit,duration,gpus\n";
    for (const auto& j : trace) csv << j.submit_s << "," << j.duration_s << "," << j.gpus << "\n";
  }
  const auto sim = run_gpufleet("simulate " + scenario.string() + " --trace csv:" + (dir / "trace.csv").string() +
                                " --map submit=submit,duration=duration,gpus=gpus --no-faults --quiet --out " +
                                (dir / "sim").string());
  ASSERT_EQ(sim.status, 0) << sim.err;
  const auto expected = read_csv(dir / "sim" / "jobs.csv");
  ASSERT_EQ(expected.size(), trace.size());

  ServerProcess server(dir, {scenario.string(), "--clock", "virtual", "--synchronous", "normal"});
  ASSERT_TRUE(server.start()) << server.log();
  const auto fleet = server.get("/v1/fleet").body;
  ASSERT_TRUE(fleet.contains("pools"));

  std::multimap<double, int64_t> ends;  // time -> job id, in start order within a time
  double next_event = std::numeric_limits<double>::infinity();
  auto advance = [&](double t, bool dispatch) {
    const auto a = server.post("/v1/admin/clock", {{"advance_to_s", t}, {"dispatch", dispatch}});
    ASSERT_EQ(a.status, 200) << a.text;
    // A preempted job's end is no longer due; a (re)started one's is its new expected end.
    auto forget = [&](int64_t id) {
      for (auto it = ends.begin(); it != ends.end(); ++it)
        if (it->second == id) {
          ends.erase(it);
          return;
        }
    };
    for (const auto& s : a.body["stopped"]) forget(s.get<int64_t>());
    for (const auto& s : a.body["started"]) {
      forget(s["id"].get<int64_t>());
      ends.emplace(s["expected_end_s"].get<double>(), s["id"].get<int64_t>());
    }
    next_event = a.body["next_event_s"].is_null() ? std::numeric_limits<double>::infinity() : a.body["next_event_s"].get<double>();
  };
  advance(0, false);
  size_t next = 0;
  int steps = 0;
  for (;;) {
    const double t_arrival = next < trace.size() ? static_cast<double>(trace[next].submit_s) : INFINITY;
    const double t_end = ends.empty() ? INFINITY : ends.begin()->first;
    const double t = std::min({t_arrival, t_end, next_event});
    if (std::isinf(t)) break;
    ASSERT_LT(++steps, 10000);
    advance(t, false);
    while (!ends.empty() && ends.begin()->first == t) {
      const auto f = server.post("/v1/jobs/" + std::to_string(ends.begin()->second) + "/events", {{"event", "finished"}});
      ASSERT_EQ(f.status, 200) << f.text;
      ends.erase(ends.begin());
    }
    while (next < trace.size() && static_cast<double>(trace[next].submit_s) == t) {
      const auto s = server.post("/v1/jobs", {{"gpus", trace[next].gpus}, {"estimated_duration", trace[next].duration_s}},
                                 tenant_token("research"));
      ASSERT_EQ(s.status, 201) << s.text;
      ASSERT_EQ(s.body["id"].get<int64_t>(), static_cast<int64_t>(next) + 1);
      ++next;
    }
    advance(t, true);
  }
  int checked = 0, preempted = 0;
  for (const auto& row : expected) preempted += row.at("restarts") != "0";
  if (queue == "srtf" || queue == "las") EXPECT_GT(preempted, 0) << "the replay should preempt";
  for (size_t i = 0; i < trace.size(); ++i) {
    const auto job = server.get("/v1/jobs/" + std::to_string(i + 1)).body;
    const auto& want = expected[i];
    ASSERT_EQ(want.at("id"), std::to_string(i));
    ASSERT_EQ(job["state"], "finished") << job.dump();
    // jobs.csv keeps a job's first start, the service its last run's: equal when it ran once.
    EXPECT_EQ(job["restarts"].get<int>(), std::stoi(want.at("restarts"))) << "job " << i;
    if (want.at("restarts") == "0") EXPECT_NEAR(job["start_s"].get<double>(), num(want.at("start_s")), 2e-3) << "job " << i;
    EXPECT_NEAR(job["end_s"].get<double>(), num(want.at("end_s")), 2e-3) << "job " << i;
    EXPECT_EQ(job["last_run"]["site"], want.at("site")) << "job " << i;
    EXPECT_EQ(job["last_run"]["source"], want.at("source")) << "job " << i;
    // What its runs cost: price x GPUs held x time, summed over its runs (which may be on
    // different providers).
    EXPECT_NEAR(job["spend_usd"].get<double>(), num(want.at("cost_usd")), 1e-6 * num(want.at("cost_usd")) + 1e-3) << "job " << i;
    ++checked;
  }
  EXPECT_EQ(checked, 400);
  // The tenant's spend by provider: jobs.csv names a job's last provider only, so a job that
  // ran on both counts for the one its last run was on; the sums over providers agree.
  const auto research = server.get("/v1/tenants/research").body;
  double sim_spend_aws = 0, sim_spend_gcp = 0, served_spend = 0;
  for (const auto& row : expected) (row.at("provider") == "aws" ? sim_spend_aws : sim_spend_gcp) += num(row.at("cost_usd"));
  for (const auto& [provider, usd] : research["spend_usd_by_provider"].items()) served_spend += usd.get<double>();
  EXPECT_NEAR(served_spend, sim_spend_aws + sim_spend_gcp, 1e-6 * (sim_spend_aws + sim_spend_gcp) + 0.05);
  if (preempted == 0) {
    EXPECT_NEAR(research["spend_usd_by_provider"]["aws"].get<double>(), sim_spend_aws, 1e-6 * sim_spend_aws + 0.05);
    EXPECT_NEAR(research["spend_usd_by_provider"]["gcp"].get<double>(), sim_spend_gcp, 1e-6 * sim_spend_gcp + 0.05);
  }
  EXPECT_GT(sim_spend_gcp, 0) << "the replay should spill onto gcp";
  EXPECT_EQ(server.stop(), 0);
  std::filesystem::remove_all(dir);
}

TEST(ServeReplay, FifoBackfillCostMatchesSimulate) { replay_matches_simulate("fifo-backfill", "cost"); }
TEST(ServeReplay, SjfBestFitMatchesSimulate) { replay_matches_simulate("sjf", "best-fit"); }
TEST(ServeReplay, FifoCarbonMatchesSimulate) { replay_matches_simulate("fifo", "carbon"); }
TEST(ServeReplay, SrtfCostMatchesSimulate) { replay_matches_simulate("srtf", "cost"); }
TEST(ServeReplay, LasBestFitMatchesSimulate) { replay_matches_simulate("las", "best-fit"); }


}  // namespace
}  // namespace gpufleet::testing
