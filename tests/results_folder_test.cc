// A results folder is replaced whole or not at all: `simulate --out D` and `plan --out D` are
// killed (SIGKILL) at random moments over a good result in D; after each kill D must hold one
// complete set (run.json lists exactly the files there, each with its digest: `report D`
// checks), and the next run leaves no temporary folder behind.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;

// Whether process pid's staging folder (".NAME.gpufleet-new.PID") is in dir.
bool staging_of(const fs::path& dir, pid_t pid) {
  const std::string tail = ".gpufleet-new." + std::to_string(pid);
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0) return true;
  }
  return false;
}

// Runs gpufleet with args in dir; kills it with SIGKILL `kill_after` after it started, or after
// its staging folder (the new set being written) appeared when from_writing, unless it ended
// first. Returns true when it ran to the end (exit 0); *writing_us, if given, gets how long its
// staging folder existed before the end or the kill (-1 if never seen).
bool run_and_kill(const fs::path& dir, const std::vector<std::string>& args, std::chrono::microseconds kill_after,
                  bool from_writing = false, int64_t* writing_us = nullptr) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    std::vector<char*> argv{const_cast<char*>(GPUFLEET_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::freopen("/dev/null", "w", stdout);
    ::execv(GPUFLEET_BINARY, argv.data());
    ::_exit(127);
  }
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  std::optional<Clock::time_point> writing_since;
  auto deadline = started + kill_after;
  if (from_writing) deadline = started + std::chrono::seconds(120);
  int status = 0;
  auto ended = [&] {
    if (writing_us)
      *writing_us = writing_since ? std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - *writing_since).count() : -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  };
  while (Clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return ended();
    if (!writing_since && (from_writing || writing_us) && staging_of(dir, pid)) {
      writing_since = Clock::now();
      if (from_writing) deadline = *writing_since + kill_after;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(from_writing && !writing_since ? 50 : 100));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return ended();
}

// The files of d, and those run.json's entries list.
std::set<std::string> files_in(const fs::path& d) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(d)) names.insert(e.path().filename().string());
  return names;
}

std::set<std::string> files_listed(const fs::path& d) {
  std::set<std::string> names{"run.json"};
  const auto j = nlohmann::json::parse(slurp(d / "run.json"));
  for (const auto& [command, entry] : j.items())  // one entry per command that wrote results here
    for (const auto& [name, digest] : entry.at("files").items()) names.insert(name);
  return names;
}

std::vector<std::string> leftovers(const fs::path& parent) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(parent))
    if (e.path().filename().string().find(".gpufleet-") != std::string::npos) out.push_back(e.path().filename().string());
  return out;
}

void kill_at_random_moments(const std::string& name, const std::string& scenario_text, const std::vector<std::string>& base_args) {
  const fs::path dir = fresh_dir(name);
  std::ofstream(dir / "s.yaml") << scenario_text;
  std::vector<std::string> args = base_args;
  args.insert(args.end(), {"--out", "d"});
  // A good result first, how long a whole run takes and how long it writes.
  const auto t0 = std::chrono::steady_clock::now();
  int64_t write_us = -1;
  ASSERT_TRUE(run_and_kill(dir, args, std::chrono::seconds(60), false, &write_us));
  const auto run_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_GT(write_us, 0) << "the run wrote no staging folder that the test saw";
  std::mt19937_64 rng(12345);
  int completed = 0, killed = 0, killed_while_writing = 0;
  for (int i = 0; i < 24; ++i) {
    // Even kills at moments spread over the whole run, odd ones inside the writing of the
    // results (timed from when the staging folder appears).
    const bool in_writing = i % 2 == 1;
    const int64_t span_us = in_writing ? write_us * 12 / 10 : run_us * 11 / 10;
    const auto at = std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, span_us)(rng));
    int64_t wrote_us = -1;
    const bool done = run_and_kill(dir, args, at, in_writing, &wrote_us);
    (done ? completed : killed) += 1;
    // Its staging folder was seen before the kill: it died while writing the new set.
    killed_while_writing += !done && wrote_us >= 0;
    ASSERT_TRUE(fs::is_directory(dir / "d")) << "kill " << i << " at " << at.count() << " us left no results folder";
    EXPECT_EQ(files_in(dir / "d"), files_listed(dir / "d")) << "kill " << i << " at " << at.count() << " us";
    const auto report = run_gpufleet("report " + (dir / "d").string() + " -o " + (dir / "r.html").string());
    EXPECT_EQ(report.status, 0) << "kill " << i << " at " << at.count() << " us: " << report.err;
  }
  EXPECT_GT(killed, 0);  // the test killed runs, not only watched them finish
  EXPECT_GT(killed_while_writing, 0) << "no kill landed while the results were being written";
  std::printf("%s: run %.3f s, writing %.3f s; %d of 24 runs killed, %d of them while writing the results, %d completed\n",
              name.c_str(), static_cast<double>(run_us) * 1e-6, static_cast<double>(write_us) * 1e-6, killed,
              killed_while_writing, completed);
  ASSERT_TRUE(run_and_kill(dir, args, std::chrono::seconds(60)));
  EXPECT_EQ(leftovers(dir), std::vector<std::string>{}) << "temporary folders left after a complete run";
  fs::remove_all(dir);
}

// A scenario whose results take long enough to write that kills land inside the writing.
std::string busy_scenario() {
  std::string s = slurp(fs::path(GPUFLEET_SOURCE_DIR) / "tests/bad_input/base/small.yaml");
  const std::string from = "arrivals_per_hour: 4", to = "arrivals_per_hour: 400";
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST(ResultsFolder, SimulateKilledAtRandomMomentsLeavesOneWholeSet) {
  kill_at_random_moments("kill-simulate", busy_scenario(), {"simulate", "s.yaml", "--quiet"});
}

TEST(ResultsFolder, PlanKilledAtRandomMomentsLeavesOneWholeSet) {
  kill_at_random_moments("kill-plan", slurp(fs::path(GPUFLEET_SOURCE_DIR) / "tests/bad_input/base/plan.yaml"),
                         {"plan", "s.yaml", "--quiet"});
}

TEST(ResultsFolder, LeftoversOfAKilledRunAreRemovedByTheNext) {
  const fs::path dir = fresh_dir("leftovers");
  std::ofstream(dir / "s.yaml") << slurp(fs::path(GPUFLEET_SOURCE_DIR) / "tests/bad_input/base/small.yaml");
  // What a run killed while writing (pid 999999999 is not running) leaves beside the target.
  fs::create_directories(dir / ".d.gpufleet-new.999999999");
  std::ofstream(dir / ".d.gpufleet-new.999999999" / "summary.json") << "{";
  const auto r = run_gpufleet("simulate " + (dir / "s.yaml").string() + " --quiet --out " + (dir / "d").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(leftovers(dir), std::vector<std::string>{});
  EXPECT_EQ(files_in(dir / "d"), files_listed(dir / "d"));
  fs::remove_all(dir);
}

TEST(ResultsFolder, OldSetPutAsideByAKilledRunIsPutBack) {
  const fs::path dir = fresh_dir("put-back");
  std::ofstream(dir / "s.yaml") << slurp(fs::path(GPUFLEET_SOURCE_DIR) / "tests/bad_input/base/small.yaml");
  ASSERT_EQ(run_gpufleet("simulate " + (dir / "s.yaml").string() + " --quiet --out " + (dir / "d").string()).status, 0);
  const std::string old_run = slurp(dir / "d" / "run.json");
  // Killed between the two renames of the fallback path: the old set is under its aside name.
  fs::rename(dir / "d", dir / ".d.gpufleet-old.999999999");
  // The next run, whatever it does, starts from the old set: here it fails on bad input ...
  const auto bad = run_gpufleet("simulate " + (dir / "missing.yaml").string() + " --quiet --out " + (dir / "d").string());
  EXPECT_EQ(bad.status, 2);
  // ... and a good run replaces the restored set; no aside folder is left.
  ASSERT_EQ(run_gpufleet("simulate " + (dir / "s.yaml").string() + " --quiet --seed 3 --out " + (dir / "d").string()).status, 0);
  EXPECT_NE(slurp(dir / "d" / "run.json"), old_run);
  EXPECT_EQ(leftovers(dir), std::vector<std::string>{});
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
