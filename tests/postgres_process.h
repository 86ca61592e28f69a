// A real PostgreSQL server for tests: initdb and postgres from Debian's postgresql package in
// a temporary folder, on a free loopback port, run as the `postgres` user when the tests run as
// root (PostgreSQL refuses root). The server is a child of the test process and dies with it
// (child_process.h), even when the test is killed or exits without unwinding; the destructor
// stops it (fast shutdown). available() is false, with the reason, where the binaries or that
// user are missing: the tests that need it then skip.
#pragma once

#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "child_process.h"
#include "command_runner.h"

namespace gpufleet::testing {

class PostgresProcess {
 public:
  explicit PostgresProcess(const std::string& name) {
    std::string bin;
    for (const auto& version : {"17", "16", "15", "14", "13"}) {
      const std::string candidate = std::string("/usr/lib/postgresql/") + version + "/bin";
      if (std::filesystem::exists(candidate + "/initdb")) {
        bin = candidate;
        break;
      }
    }
    if (bin.empty()) {
      reason_ = "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb): install postgresql (scripts/setup.sh)";
      return;
    }
    std::string as;
    if (::geteuid() == 0) {
      if (!::getpwnam("postgres")) {
        reason_ = "running as root without a postgres user to run the server as";
        return;
      }
      as = "runuser -u postgres -- ";
    }
    dir_ = fresh_dir("pg-" + name);
    port_ = 20000 + static_cast<int>((::getpid() * 7 + name.size() * 131) % 20000);
    const std::string data = (dir_ / "data").string();
    std::filesystem::create_directories(data);
    if (!as.empty()) std::system(("chown -R postgres " + dir_.string()).c_str());
    const std::string quiet = " >>" + (dir_ / "setup.log").string() + " 2>&1";
    if (std::system((as + bin + "/initdb -D " + data + " -U postgres --auth=trust -E UTF8" + quiet).c_str()) != 0) {
      reason_ = "initdb failed: " + slurp(dir_ / "setup.log");
      return;
    }
    for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
      port_ = free_loopback_port();
      pid_ = spawn_child({bin + "/postgres", "-D", data, "-p", std::to_string(port_), "-k", dir_.string(), "-c",
                          "listen_addresses=127.0.0.1", "-c", "fsync=on"},
                         (dir_ / "server.log").string(), {}, as.empty() ? "" : "postgres");
      // Up when it accepts connections (at most 30 s); gone early when the port was taken.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        if (std::system((bin + "/pg_isready -q -h 127.0.0.1 -p " + std::to_string(port_)).c_str()) == 0) {
          running_ = true;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (!running_) stop();
    }
    if (!running_) {
      reason_ = "postgres did not start: " + slurp(dir_ / "server.log");
      return;
    }
    if (std::system((bin + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres gpufleet" + quiet).c_str()) != 0)
      reason_ = "createdb failed: " + slurp(dir_ / "setup.log");
  }
  ~PostgresProcess() {
    stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  bool available() const { return running_ && reason_.empty(); }
  const std::string& reason() const { return reason_; }
  std::string url() const { return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/gpufleet"; }

 private:
  // Fast shutdown (SIGINT), waited for at most 20 s, then SIGKILL.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGINT);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    running_ = false;
  }

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool running_ = false;
  std::string reason_;
};

}  // namespace gpufleet::testing
