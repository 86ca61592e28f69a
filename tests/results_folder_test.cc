// A results folder is replaced whole or not at all: `simulate --out D` and `plan --out D` are
// killed (SIGKILL) at random moments over a good result in D; after each kill D must hold one
// complete set (run.json lists exactly the files there, each with its digest: `report D`
// checks), and the next run leaves no temporary folder behind.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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

// Runs gpufleet with args in dir; kills it with SIGKILL after `kill_after` unless it ended.
// Returns true when it ran to the end (exit 0).
bool run_and_kill(const fs::path& dir, const std::vector<std::string>& args, std::chrono::microseconds kill_after) {
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
  const auto deadline = std::chrono::steady_clock::now() + kill_after;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
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
  // A good result first, and how long a whole run takes.
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_and_kill(dir, args, std::chrono::seconds(60)));
  const auto run_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  std::mt19937_64 rng(12345);
  int completed = 0, killed = 0;
  for (int i = 0; i < 24; ++i) {
    // Moments spread over the whole run, the write at its end included.
    const auto at = std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, run_us * 11 / 10)(rng));
    const bool done = run_and_kill(dir, args, at);
    (done ? completed : killed) += 1;
    ASSERT_TRUE(fs::is_directory(dir / "d")) << "kill " << i << " at " << at.count() << " us left no results folder";
    EXPECT_EQ(files_in(dir / "d"), files_listed(dir / "d")) << "kill " << i << " at " << at.count() << " us";
    const auto report = run_gpufleet("report " + (dir / "d").string() + " -o " + (dir / "r.html").string());
    EXPECT_EQ(report.status, 0) << "kill " << i << " at " << at.count() << " us: " << report.err;
  }
  EXPECT_GT(killed, 0);  // the test killed runs, not only watched them finish
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
