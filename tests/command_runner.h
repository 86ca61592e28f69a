// Runs the gpufleet binary in a shell and captures what it printed and its exit status.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace gpufleet::testing {

struct CommandResult {
  int status = -1;  // exit status; -1 if it did not exit normally (crash, signal)
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh, empty folder under the system temp folder, unique to this process and name.
inline std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("gpufleet-e2e-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// `args` is appended to the binary's path as shell words, and the binary to `launcher`'s
// (e.g. "timeout 120 mpirun -n 2"), if any. stdin is /dev/null.
inline CommandResult run_gpufleet(const std::string& args, const std::string& launcher = "") {
  static int counter = 0;
  const auto dir = fresh_dir("cmd" + std::to_string(counter++));
  const auto out = dir / "stdout", err = dir / "stderr";
  const std::string cmd = (launcher.empty() ? "" : launcher + " ") + std::string(GPUFLEET_BINARY) + " " + args + " </dev/null >" + out.string() +
                          " 2>" + err.string();
  const int raw = std::system(cmd.c_str());
  CommandResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove_all(dir);
  return r;
}

inline bool shared_file_exists(const std::string& relative) {
  return std::filesystem::exists(std::string(GPUFLEET_SHARED_DATA) + "/" + relative);
}

inline std::string shared_file(const std::string& relative) {
  return std::string(GPUFLEET_SHARED_DATA) + "/" + relative;
}

}  // namespace gpufleet::testing
