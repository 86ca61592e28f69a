// End-to-end tests of `gpufleet simulate`: the command as scripts use it.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& p) { return json::parse(slurp(p)); }

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// The whole Philly trace replayed FIFO on 352 nodes of 8 GPUs (the node counts of
// philly_vc.csv add up to 352), without faults: every job runs and the work done equals the
// trace's.
TEST(SimulateCommand, PhillyTraceReplayOnItsOwnClusterSize) {
  if (!shared_file_exists("philly/philly.csv")) GTEST_SKIP() << "../shared/data/philly/philly.csv is absent";
  const fs::path dir = fresh_dir("philly");
  const auto r = run_gpufleet("simulate --trace philly:" + shared_file("philly/philly.csv") +
                              " --gpus 2816 --policy fifo --no-faults --quiet --out " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const json s = read_json(dir / "summary.json");
  EXPECT_EQ(s["jobs"].get<int64_t>(), 82247);
  EXPECT_EQ(s["completed"].get<int64_t>(), 82247);
  // Sum over rows of duration x num_gpus (= the gpu_time column), computed with awk: as
  // recorded, exactly, with no checkpoint writes on top.
  EXPECT_EQ(s["gpu_seconds_lost"].get<double>(), 0);
  EXPECT_EQ(s["interruptions"].get<int64_t>(), 0);
  EXPECT_EQ(s["gpu_seconds_busy"].get<double>(), 3521082502.0);
  EXPECT_EQ(s["gpu_seconds_overhead"].get<double>(), 0);
  EXPECT_GT(s["makespan_s"].get<double>(), 0);
  EXPECT_GE(s["mean_queue_s"].get<double>(), 0);
  EXPECT_GT(s["events"].get<int64_t>(), 2 * 82247 - 1);
}

// The same with the default fault model (on with --gpus): every job still completes, some
// work is redone, and the work done exceeds the trace's by exactly the work lost and the
// restart overhead.
TEST(SimulateCommand, PhillyTraceReplayWithDefaultFaults) {
  if (!shared_file_exists("philly/philly.csv")) GTEST_SKIP() << "../shared/data/philly/philly.csv is absent";
  const fs::path dir = fresh_dir("philly-faults");
  const auto r = run_gpufleet("simulate --trace philly:" + shared_file("philly/philly.csv") +
                              " --gpus 2816 --policy fifo --quiet --out " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const json s = read_json(dir / "summary.json");
  EXPECT_EQ(s["jobs"].get<int64_t>(), 82247);
  EXPECT_EQ(s["completed"].get<int64_t>(), 82247);
  EXPECT_GT(s["interruptions"].get<int64_t>(), 0);
  EXPECT_GT(s["gpu_seconds_lost"].get<double>(), 0);
  EXPECT_NEAR(s["gpu_seconds_busy"].get<double>(),
              3521082502.0 + s["gpu_seconds_lost"].get<double>() + s["gpu_seconds_overhead"].get<double>(), 1e3);
  EXPECT_LT(s["goodput"].get<double>(), 1.0);
  EXPECT_LT(s["availability_by_provider"]["cluster"].get<double>(), 1.0);
}

// A trace replay runs each job for its recorded duration: the scenario's checkpoint writes
// (the built-in's every 30 min at 1 min each) are not added unless asked.
TEST(SimulateCommand, TraceReplayRunsJobsAsRecorded) {
  const auto dir = fresh_dir("as-recorded");
  write_text(dir / "t.csv", "submit,duration,gpus\n0,3600,8\n100,7200,16\n200,1800,4\n");
  const std::string replay = "simulate --trace csv:" + (dir / "t.csv").string() +
                             " --map submit=submit,duration=duration,gpus=gpus --gpus 32 --no-faults --quiet --out ";
  auto r = run_gpufleet(replay + (dir / "a").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_DOUBLE_EQ(read_json(dir / "a" / "summary.json")["gpu_seconds_busy"].get<double>(), 3600.0 * 8 + 7200 * 16 + 1800 * 4);
  // Asked for: one write of 1 min per 30 min of work (the last interval needs none).
  r = run_gpufleet(replay + (dir / "b").string() + " --checkpoint-cost 1m");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_DOUBLE_EQ(read_json(dir / "b" / "summary.json")["gpu_seconds_busy"].get<double>(),
                   (3600.0 + 60) * 8 + (7200 + 3 * 60) * 16 + 1800 * 4);
  r = run_gpufleet(replay + (dir / "c").string() + " --checkpoint-cost soon");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--checkpoint-cost"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(SimulateCommand, DefaultScenarioWritesEveryPromisedField) {
  const fs::path dir = fresh_dir("default");
  const auto r = run_gpufleet("simulate --out " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("cost"), std::string::npos);
  const json s = read_json(dir / "summary.json");
  for (const char* key : {"jobs", "completed", "mean_jct_s", "p50_jct_s", "p99_jct_s", "mean_queue_s",
                          "makespan_s", "gpu_seconds_busy", "cost_usd", "cost_usd_by_provider",
                          "committed_utilisation", "energy_mwh", "carbon_t", "events", "sim_wall_s",
                          "interruptions", "gpu_seconds_lost", "restarts_per_job", "goodput",
                          "availability_by_provider", "outages"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_GE(s["cost_usd_by_provider"].size(), 3u);
  EXPECT_GT(s["cost_usd"].get<double>(), 0);
  EXPECT_GT(s["energy_mwh"].get<double>(), 0);
  EXPECT_GT(s["carbon_t"].get<double>(), 0);
  EXPECT_GT(s["committed_utilisation"].get<double>(), 0);
  EXPECT_LE(s["committed_utilisation"].get<double>(), 1.0 + 1e-9);
  EXPECT_TRUE(fs::exists(dir / "jobs.csv"));
  EXPECT_TRUE(fs::exists(dir / "timeseries.csv"));
  EXPECT_EQ(slurp(dir / "focus.csv").substr(0, 40), "BillingPeriodStart,BillingPeriodEnd,Char");
}

TEST(SimulateCommand, SameSeedGivesByteIdenticalOutputs) {
  const fs::path a = fresh_dir("det-a"), b = fresh_dir("det-b");
  ASSERT_EQ(run_gpufleet("simulate --quiet --seed 7 --out " + a.string()).status, 0);
  ASSERT_EQ(run_gpufleet("simulate --quiet --seed 7 --out " + b.string()).status, 0);
  EXPECT_EQ(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  EXPECT_EQ(slurp(a / "timeseries.csv"), slurp(b / "timeseries.csv"));
  EXPECT_EQ(slurp(a / "focus.csv"), slurp(b / "focus.csv"));
  json sa = read_json(a / "summary.json"), sb = read_json(b / "summary.json");
  sa.erase("sim_wall_s");
  sb.erase("sim_wall_s");
  EXPECT_EQ(sa, sb);
  const fs::path c = fresh_dir("det-c");
  ASSERT_EQ(run_gpufleet("simulate --quiet --seed 8 --out " + c.string()).status, 0);
  EXPECT_NE(slurp(a / "jobs.csv"), slurp(c / "jobs.csv"));
}

TEST(SimulateCommand, MissingScenarioFileIsBadInput) {
  const auto r = run_gpufleet("simulate /nonexistent/scenario.yaml");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/scenario.yaml"), std::string::npos) << r.err;
}

TEST(SimulateCommand, MalformedTraceRowNamesFileLineAndColumn) {
  const fs::path dir = fresh_dir("badrow");
  write_text(dir / "t.csv",
             "timestamp,duration,num_gpus,gpu_time,cluster\n"
             "2017-10-09 07:01:55,66.0,1,66.0,vc1\n"
             "2017-10-09 07:02:55,sixty,1,66.0,vc1\n"
             "2017-10-09 07:03:55,10.0,2,20.0,vc1\n");
  const auto r = run_gpufleet("simulate --trace philly:" + (dir / "t.csv").string() + " --gpus 8 --quiet");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("t.csv:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("duration"), std::string::npos) << r.err;

  const auto skipped = run_gpufleet("simulate --trace philly:" + (dir / "t.csv").string() +
                                    " --gpus 8 --skip-bad-rows --out " + (dir / "out").string());
  ASSERT_EQ(skipped.status, 0) << skipped.err;
  EXPECT_NE(skipped.out.find("skipped 1"), std::string::npos) << skipped.out;
  EXPECT_EQ(read_json(dir / "out" / "summary.json")["jobs"].get<int64_t>(), 2);
}

TEST(SimulateCommand, EmptyTraceIsBadInput) {
  const fs::path dir = fresh_dir("empty");
  write_text(dir / "t.csv", "timestamp,duration,num_gpus,gpu_time,cluster\n");
  const auto r = run_gpufleet("simulate --trace philly:" + (dir / "t.csv").string() + " --gpus 8 --quiet");
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST(SimulateCommand, UnknownTraceFormatAndPolicyAreBadInput) {
  EXPECT_EQ(run_gpufleet("simulate --trace nosuch:x.csv --quiet").status, 2);
  const auto r = run_gpufleet("simulate --policy nosuch --quiet");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("fifo"), std::string::npos) << r.err;  // names the known policies
}

// A job larger than the only site is reported, not a hang or a crash; the others still run.
TEST(SimulateCommand, JobLargerThanEverySiteIsCountedAsUnplaceable) {
  const fs::path dir = fresh_dir("toolarge");
  write_text(dir / "t.csv",
             "timestamp,duration,num_gpus,gpu_time,cluster\n"
             "2017-10-09 07:00:00,100.0,64,6400.0,vc1\n"
             "2017-10-09 07:00:10,100.0,4,400.0,vc1\n");
  const auto r = run_gpufleet("simulate --trace philly:" + (dir / "t.csv").string() + " --gpus 16 --quiet --out " +
                              (dir / "out").string());
  ASSERT_EQ(r.status, 0) << r.err;
  const json s = read_json(dir / "out" / "summary.json");
  EXPECT_EQ(s["jobs"].get<int64_t>(), 2);
  EXPECT_EQ(s["completed"].get<int64_t>(), 1);
  EXPECT_EQ(s["unplaceable"].get<int64_t>(), 1);
}

// A failed run never leaves a half result over a good one.
TEST(SimulateCommand, FailedRunKeepsEarlierResults) {
  const fs::path dir = fresh_dir("keep");
  write_text(dir / "good.csv",
             "timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:00:00,100.0,4,400.0,vc1\n");
  write_text(dir / "bad.csv", "timestamp,duration,num_gpus,gpu_time,cluster\n2017-10-09 07:00:00,x,4,400.0,vc1\n");
  ASSERT_EQ(run_gpufleet("simulate --trace philly:" + (dir / "good.csv").string() + " --gpus 8 --quiet --out " +
                         (dir / "out").string()).status, 0);
  const std::string before = slurp(dir / "out" / "jobs.csv");
  EXPECT_EQ(run_gpufleet("simulate --trace philly:" + (dir / "bad.csv").string() + " --gpus 8 --quiet --out " +
                         (dir / "out").string()).status, 2);
  EXPECT_EQ(slurp(dir / "out" / "jobs.csv"), before);
  for (const auto& e : fs::directory_iterator(dir / "out"))
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
}

// Any CSV trace loads through --map and --time-format; the summary counts rounded GPUs.
TEST(SimulateCommand, CsvTraceWithAColumnMap) {
  const fs::path dir = fresh_dir("csv");
  write_text(dir / "t.csv",
             "id,queued,finished,gpu_request,vc\n"
             "a,2024-03-30T08:00:00Z,2024-03-30T09:00:00Z,8,vc1\n"
             "b,2024-03-30T08:10:00Z,2024-03-30T08:20:00Z,0.5,vc2\n");
  const std::string trace = "simulate --trace csv:" + (dir / "t.csv").string() + " --gpus 16 --no-faults ";
  const auto r = run_gpufleet(trace + "--map submit=queued,end=finished,gpus=gpu_request,tenant=vc --time-format iso8601 --out " +
                              (dir / "out").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("fractional GPUs rounded up"), std::string::npos) << r.out;
  const json s = read_json(dir / "out" / "summary.json");
  EXPECT_EQ(s["jobs"].get<int64_t>(), 2);
  EXPECT_EQ(s["completed"].get<int64_t>(), 2);
  EXPECT_EQ(s["fractional_gpus_rounded"].get<int64_t>(), 1);
  // As recorded: the jobs run for their trace durations, no checkpoint writes added.
  EXPECT_NEAR(s["gpu_seconds_busy"].get<double>(), 8 * 3600 + 1 * 600, 1e-6);
  EXPECT_NEAR(s["gpu_seconds_overhead"].get<double>(), 0, 1e-6);

  const auto misnamed = run_gpufleet(trace + "--map submit=queued,end=finish,gpus=gpu_request --time-format iso8601 --quiet");
  EXPECT_EQ(misnamed.status, 2);
  EXPECT_NE(misnamed.err.find("t.csv:1:"), std::string::npos) << misnamed.err;
  EXPECT_NE(misnamed.err.find("finish"), std::string::npos) << misnamed.err;
  EXPECT_EQ(run_gpufleet(trace + "--quiet").status, 2);  // no --map
  const auto epoch = run_gpufleet(trace + "--map submit=queued,end=finished,gpus=gpu_request --time-format epoch --quiet");
  EXPECT_EQ(epoch.status, 2);
  EXPECT_NE(epoch.err.find("t.csv:2:"), std::string::npos) << epoch.err;
}

// The built-in scenario has faults (node failures, outages); --no-faults turns all of them off.
TEST(SimulateCommand, NoFaultsTurnsEverySourceOff) {
  const fs::path on = fresh_dir("faults-on"), off = fresh_dir("faults-off");
  ASSERT_EQ(run_gpufleet("simulate --quiet --out " + on.string()).status, 0);
  ASSERT_EQ(run_gpufleet("simulate --quiet --no-faults --out " + off.string()).status, 0);
  const json a = read_json(on / "summary.json"), b = read_json(off / "summary.json");
  EXPECT_GT(a["interruptions"].get<int64_t>(), 0);
  EXPECT_GT(a["gpu_seconds_lost"].get<double>(), 0);
  EXPECT_LT(a["goodput"].get<double>(), b["goodput"].get<double>());
  EXPECT_EQ(b["interruptions"].get<int64_t>(), 0);
  EXPECT_EQ(b["node_failures"].get<int64_t>(), 0);
  EXPECT_EQ(b["gpu_seconds_lost"].get<double>(), 0);
  EXPECT_TRUE(b["outages"].empty());
  for (const auto& [name, availability] : b["availability_by_provider"].items())
    EXPECT_EQ(availability.get<double>(), 1.0) << name;
}

TEST(SimulateCommand, QuietPrintsNothing) {
  const auto r = run_gpufleet("simulate --quiet");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(r.err.empty());  // stderr is not a terminal: no progress bar
}

}  // namespace
}  // namespace gpufleet::testing

namespace gpufleet::testing {
namespace {

// Rows of CPU-only jobs are skipped by default and said on the terminal and in the summary.
TEST(SimulateCommand, TraceRowsThatRequestNoGpuAreSkippedAndCounted) {
  const auto dir = fresh_dir("cpu-rows");
  std::ofstream(dir / "t.csv") << "submit,duration,gpus\n0,600,1\n10,600,0\n20,600,2\n30,600,0\n";
  const auto r = run_gpufleet("simulate --trace csv:" + (dir / "t.csv").string() +
                              " --map submit=submit,duration=duration,gpus=gpus --gpus 16 --out " + (dir / "out").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("skipped 2 trace rows that request no GPU"), std::string::npos) << r.out;
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["trace_rows_without_gpus"], 2);
  EXPECT_EQ(summary["jobs"], 2);
  std::filesystem::remove_all(dir);
}

TEST(SimulateCommand, ReplaysASlurmAccountingExport) {
  const auto dir = fresh_dir("slurm-trace");
  std::ofstream(dir / "sacct.txt") << "JobID|Account|Submit|Start|End|Elapsed|AllocTRES|ReqTRES|State\n"
                                      "10|research|2024-03-01T12:00:00|2024-03-01T12:00:00|2024-03-01T13:00:00|01:00:00|cpu=8,gres/gpu=8|gres/gpu=8|COMPLETED\n"
                                      "10.batch|research|2024-03-01T12:00:00|2024-03-01T12:00:00|2024-03-01T13:00:00|01:00:00|cpu=8,gres/gpu=8||COMPLETED\n"
                                      "11|prod|2024-03-01T12:30:00|2024-03-01T12:30:00|2024-03-01T12:40:00|10:00|cpu=4,gres/gpu=4|gres/gpu=4|FAILED\n";
  const auto r = run_gpufleet("simulate --trace slurm:" + (dir / "sacct.txt").string() + " --gpus 16 --out " + (dir / "out").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("left out 1 trace rows"), std::string::npos) << r.out;
  const std::string jobs = slurp(dir / "out" / "jobs.csv");
  EXPECT_EQ(std::count(jobs.begin(), jobs.end(), '\n'), 3) << jobs;  // header and two jobs
  const auto bad = run_gpufleet("simulate --trace slurm:" + (dir / "nope.txt").string() + " --gpus 16");
  EXPECT_EQ(bad.status, 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
