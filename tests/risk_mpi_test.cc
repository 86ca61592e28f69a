// `mpirun --oversubscribe -n K gpufleet risk` on this machine: the same bytes (futures.csv,
// risk.json, the terminal line) as one process, for 1 and 2 threads per rank and for more ranks
// than futures; rank 0 alone prints (and draws the progress line); bad input on every rank, and a failure on rank 0 alone,
// end every rank with exit 2 within a bounded time (`timeout` turns a hang into status 124).
// Skipped when mpirun is absent (scripts/setup.sh installs it). Built without MPI, mpirun's
// copies refuse to run (exit 2) instead of each evaluating every future.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "command_runner.h"
#include "risk_scenario.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;

// As root OpenMPI wants both variables; --oversubscribe lets 3 ranks share 2 cores.
std::string mpirun(int ranks) {
  return "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout --kill-after=10 120 mpirun --oversubscribe -n " +
         std::to_string(ranks);
}

bool have_mpirun() { return std::system("command -v mpirun >/dev/null 2>&1") == 0; }

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class RiskMpi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_mpirun()) GTEST_SKIP() << "mpirun not found (bash scripts/setup.sh installs openmpi-bin)";
    if (!GPUFLEET_HAVE_MPI) GTEST_SKIP() << "gpufleet built without MPI (RiskMpiAbsent covers it)";
    dir_ = fresh_dir("risk-mpi");
    scenario_ = dir_ / "risk.yaml";
    std::ofstream(scenario_) << kRiskScenario;
  }
  fs::path dir_, scenario_;
};

TEST_F(RiskMpi, TwoRanksWriteTheBytesOfOneProcessForOneAndTwoThreads) {
  const auto p = run_gpufleet("plan " + scenario_.string() + " --quiet --out " + (dir_ / "plan").string());
  ASSERT_EQ(p.status, 0) << p.err << p.out;
  // 501 futures: blocks of 250 and 251, each more than a chunk of 64.
  const std::string common = "risk " + scenario_.string() + " --plan " + (dir_ / "plan").string() + " --futures 501 --quiet --out ";
  const auto one = run_gpufleet(common + (dir_ / "one").string() + " --threads 1");
  ASSERT_EQ(one.status, 0) << one.err;
  const std::string csv = slurp(dir_ / "one" / "futures.csv"), summary = slurp(dir_ / "one" / "risk.json");
  ASSERT_EQ(std::count(csv.begin(), csv.end(), '\n'), 502);
  for (const auto& [launcher, threads, name] : {std::tuple{std::string(), 2, "threads2"}, std::tuple{mpirun(2), 1, "ranks2"},
                                                std::tuple{mpirun(2), 2, "ranks2threads2"}}) {
    const auto r = run_gpufleet(common + (dir_ / name).string() + " --threads " + std::to_string(threads), launcher);
    ASSERT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out, one.out) << name;  // rank 0 alone prints: one summary line
    EXPECT_EQ(slurp(dir_ / name / "futures.csv"), csv) << name;
    EXPECT_EQ(slurp(dir_ / name / "risk.json"), summary) << name;
  }
  // The futures' draws differ (the test would not see a rank's block misplaced otherwise):
  // the first and the last future, past their index column.
  const std::string first_row = csv.substr(csv.find('\n') + 1), last_row = csv.substr(csv.rfind('\n', csv.size() - 2) + 1);
  EXPECT_NE(first_row.substr(first_row.find(','), 40), last_row.substr(last_row.find(','), 40));
}

TEST_F(RiskMpi, MoreRanksThanFuturesLeavesSomeRanksNothingToDo) {
  const std::string args = "risk " + scenario_.string() + " --futures 2 --threads 1";
  const auto one = run_gpufleet(args + " --out " + (dir_ / "one").string());
  ASSERT_EQ(one.status, 0) << one.err;
  const auto three = run_gpufleet(args + " --out " + (dir_ / "three").string(), mpirun(3));  // rank 0's block is empty
  ASSERT_EQ(three.status, 0) << three.err;
  EXPECT_EQ(three.out, one.out);  // the terminal table, printed once
  EXPECT_EQ(slurp(dir_ / "three" / "futures.csv"), slurp(dir_ / "one" / "futures.csv"));
}

TEST_F(RiskMpi, RankZeroAloneDrawsTheProgressLine) {
  // A rank's stderr is a pipe to mpirun, never a terminal: rank 0 draws anyway, the others not.
  const auto r = run_gpufleet("risk " + scenario_.string() + " --futures 20000 --threads 1",
                              "GPUFLEET_PROGRESS_DELAY_S=0 " + mpirun(2));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(occurrences(r.err, "reading the scenario: done in"), 1u) << r.err;
  EXPECT_EQ(occurrences(r.err, "done in "), 2u) << r.err;  // reading, then sampling: one rank's lines
  EXPECT_NE(r.err.find(" of 10,000 futures on rank 0 (of 2 ranks, 20,000 futures in all)"), std::string::npos) << r.err;
  // Without mpirun and without a terminal, no line.
  const auto alone = run_gpufleet("risk " + scenario_.string() + " --futures 20000 --threads 1", "GPUFLEET_PROGRESS_DELAY_S=0");
  ASSERT_EQ(alone.status, 0) << alone.err;
  EXPECT_EQ(alone.err, "");
}

TEST_F(RiskMpi, BadInputEndsEveryRankWithExitTwoAndOneMessage) {
  std::string text = kRiskScenario;
  text.replace(text.find("volatility: 0.3, correlation: 0.5"), 33, "volatility: 0.3, correlation: 1.5");
  std::ofstream(dir_ / "bad.yaml") << text;
  const auto r = run_gpufleet("risk " + (dir_ / "bad.yaml").string() + " --futures 100", mpirun(2));
  EXPECT_EQ(r.status, 2) << r.out << r.err;  // 124 if a rank hung
  EXPECT_EQ(occurrences(r.err, "uncertainty.demand.training.correlation"), 1u) << r.err;
  EXPECT_NE(r.err.find((dir_ / "bad.yaml").string() + ":29:64:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  // A usage error: every rank stops at parsing; rank 0 alone says so.
  const auto usage = run_gpufleet("risk " + scenario_.string() + " --futures 0", mpirun(2));
  EXPECT_EQ(usage.status, 2);
  EXPECT_EQ(occurrences(usage.err, "--futures"), 1u) << usage.err;
}

TEST_F(RiskMpi, AFailureOnRankZeroAloneEndsTheRunWithExitTwo) {
  // The others have sent their futures and left; rank 0 cannot write the results folder.
  const auto r = run_gpufleet("risk " + scenario_.string() + " --futures 100 --quiet --out /proc/gpufleet-risk-mpi", mpirun(2));
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/proc/gpufleet-risk-mpi"), std::string::npos) << r.err;
}

TEST(RiskMpiAbsent, CopiesStartedByMpirunRefuseToRunWithoutMpi) {
  if (GPUFLEET_HAVE_MPI) GTEST_SKIP() << "gpufleet built with MPI (RiskMpi covers it)";
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not found";
  const auto r = run_gpufleet("risk --futures 10", mpirun(2));
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_EQ(occurrences(r.err, "built without MPI"), 1u) << r.err;  // rank 0 says it
}

}  // namespace
}  // namespace gpufleet::testing
