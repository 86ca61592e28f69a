// The last-resort handler in main is reached for real: a workload within every load-time
// bound (17.5 M generated jobs, under the 50 M guard) run under an address-space limit of
// 400 MB runs out of memory, and gpufleet reports an internal error (exit 70) instead of
// aborting.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

TEST(InternalError, OutOfMemoryIsExitSeventyWithAMessage) {
  const auto dir = fresh_dir("oom");
  auto example = run_gpufleet("example");
  ASSERT_EQ(example.status, 0);
  const std::string from = "arrivals_per_hour: 6 ";
  const auto at = example.out.find(from);
  ASSERT_NE(at, std::string::npos);
  example.out.replace(at, from.size(), "arrivals_per_hour: 1000 ");
  std::ofstream(dir / "s.yaml") << example.out;
  const std::string cmd = "bash -c 'ulimit -v 400000; exec " + std::string(GPUFLEET_BINARY) + " simulate " +
                          (dir / "s.yaml").string() + " --quiet' </dev/null >/dev/null 2>" + (dir / "err").string();
  const int raw = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(raw)) << "killed by a signal: the handler was not reached";
  EXPECT_EQ(WEXITSTATUS(raw), 70);
  EXPECT_NE(slurp(dir / "err").find("internal error: out of memory"), std::string::npos) << slurp(dir / "err");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
