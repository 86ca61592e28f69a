// End-to-end tests of how gpufleet behaves in a terminal: --version, progress lines, the
// overload warning. (Usage errors and their exit status are cases of tests/bad_input/.)
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Runs a shell command line, capturing its stdout.
std::string shell_output(const std::string& command) {
  const fs::path dir = fresh_dir("shell");
  const int raw = std::system((command + " >" + (dir / "out").string() + " 2>&1").c_str());
  std::string out = slurp(dir / "out");
  fs::remove_all(dir);
  return WIFEXITED(raw) && WEXITSTATUS(raw) == 0 ? out : "failed: " + out;
}

TEST(Terminal, VersionNamesReleaseRevisionAndBuildType) {
  const auto r = run_gpufleet("--version");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("^gpufleet " GPUFLEET_VERSION "\n"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\nrevision ([0-9a-f]{7,40}|unknown)\n"))) << r.out;
  EXPECT_NE(r.out.find("\nbuild " GPUFLEET_BUILD_TYPE ", g++ "), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

// The revision comes from git when CMake configures; outside a checkout it is "unknown".
TEST(Terminal, GitRevisionOfAFolderOutsideAnyCheckoutIsUnknown) {
  const std::string script = std::string(GPUFLEET_SOURCE_DIR) + "/cmake/git_revision.cmake";
  const fs::path dir = fresh_dir("not-git");
  EXPECT_EQ(shell_output(std::string(GPUFLEET_CMAKE) + " -DDIR=" + dir.string() + " -P " + script), "revision unknown\n");
  const std::string here = shell_output(std::string(GPUFLEET_CMAKE) + " -DDIR=" GPUFLEET_SOURCE_DIR " -P " + script);
  if (fs::exists(fs::path(GPUFLEET_SOURCE_DIR) / ".git")) {
    EXPECT_TRUE(std::regex_match(here, std::regex("revision [0-9a-f]{12}\n"))) << here;
  }
  fs::remove_all(dir);
}

// In a terminal (a pseudo-terminal from script(1)), with the delay before a line is drawn set
// to 0: one line per phase, each ended by its final "done in" line and a newline, the
// simulation's with its simulated date and event rate.
TEST(Terminal, EveryPhaseDrawsALineEndedWithANewline) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) is absent";
  const fs::path dir = fresh_dir("progress");
  const std::string err = (dir / "err").string();
  // script copies what the terminal shows (here stderr alone) to its own stdout.
  const std::string command = "GPUFLEET_PROGRESS_DELAY_S=0 script -qec \"" GPUFLEET_BINARY " simulate --out " +
                              (dir / "r").string() + " >/dev/null\" /dev/null </dev/null >" + err;
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string text = slurp(err);
  for (const char* final_line : {"reading the scenario: done in ", "building the workload: done in ",
                                 "writing the results: done in "})
    EXPECT_NE(text.find(final_line), std::string::npos) << final_line << " in " << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("simulating: 2028-01-01 \\(100%\\), [0-9.,]+ (M )?events/s, done in [0-9.]+ s\r?\n")))
      << text;
  // Each line is ended: the output closes with a newline, and none is left half drawn.
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find("elapsed\r\n"), std::string::npos) << text;

  // Not in a terminal (as here, stderr a file), nothing is drawn: stderr stays empty.
  const auto r = run_gpufleet("simulate --out " + (dir / "r2").string());
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  fs::remove_all(dir);
}

TEST(Terminal, PlanPassesShowIncumbentBoundAndGap) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) is absent";
  const fs::path dir = fresh_dir("plan-progress");
  const std::string err = (dir / "err").string();
  const std::string command =
      "GPUFLEET_PROGRESS_DELAY_S=0 script -qec \"" GPUFLEET_BINARY " plan >/dev/null\" /dev/null </dev/null >" + err;
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string text = slurp(err);
  EXPECT_TRUE(std::regex_search(text, std::regex("planning: \\w+; after [a-z-]+: plan \\$[0-9.]+[KMB]?, bound \\$[0-9.]+[KMB]?, "
                                                 "gap [0-9.]+%, done in [0-9.]+ s\r?\n")))
      << text;
  fs::remove_all(dir);
}

// 2 jobs of 8 GPUs x 10 h submitted an hour apart on 8 GPUs: 160 reference GPU-hours offered
// over a span of 1 h that holds 8: 20x the fleet's capacity.
TEST(Terminal, OverloadedWorkloadIsWarnedAboutWithTheNumbers) {
  const fs::path dir = fresh_dir("overload");
  write_text(dir / "t.csv", "submit,duration,gpus\n0,36000,8\n3600,36000,8\n");
  const std::string replay = "simulate --trace csv:" + (dir / "t.csv").string() +
                             " --map submit=submit,duration=duration,gpus=gpus --no-faults --gpus ";
  auto r = run_gpufleet(replay + "8");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: the workload offers 20.00x the fleet's capacity: 160 reference GPU-hours over 60.0 min "
                       "against 8 "),
            std::string::npos)
      << r.err;
  r = run_gpufleet(replay + "160");  // exactly the capacity: no warning
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  r = run_gpufleet(replay + "8 --quiet");
  EXPECT_EQ(r.err, "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
