// Running an outside program (the Slurm commands) and reading what it says: the one seam
// through which the service reaches a batch system, so that tests can put a fake behind it.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace gpufleet::serve {

struct CommandResult {
  bool ran = false;      // false: it could not be started, or it was killed at the timeout
  int exit_status = -1;  // its exit status when it ran to the end
  std::string out, err;  // what it wrote (err also says why it did not run)

  bool ok() const { return ran && exit_status == 0; }
  // The first line of err (or out) that says something, for messages: "sbatch: error: " and
  // the like are left out.
  std::string message() const;
};

// Runs argv[0] (a path, or a name looked up in PATH) with argv, the process environment plus
// `env` ("NAME=value", replacing a variable of that name), no standard input, for at most
// timeout_s (then SIGKILL). Thread-safe; never throws.
CommandResult run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env, double timeout_s);

// The signature of run_command, for a fake in tests.
using CommandRunner = std::function<CommandResult(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                                  double timeout_s)>;

}  // namespace gpufleet::serve
