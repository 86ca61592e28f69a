// A real PostgreSQL server for tests: initdb and pg_ctl from Debian's postgresql package in a
// temporary folder, on a free loopback port, run as the `postgres` user when the tests run as
// root (PostgreSQL refuses root). available() is false, with the reason, where the binaries or
// that user are missing: the tests that need it then skip.
#pragma once

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

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
    for (int attempt = 0; attempt < 5; ++attempt, ++port_) {
      const std::string start = as + bin + "/pg_ctl -D " + data + " -w -t 30 -l " + (dir_ / "server.log").string() +
                                " -o '-p " + std::to_string(port_) + " -k " + dir_.string() +
                                " -c listen_addresses=127.0.0.1 -c fsync=on' start" + quiet;
      if (std::system(start.c_str()) == 0) {
        stop_command_ = as + bin + "/pg_ctl -D " + data + " -m fast -w stop" + quiet;
        running_ = true;
        break;
      }
    }
    if (!running_) {
      reason_ = "pg_ctl start failed: " + slurp(dir_ / "server.log");
      return;
    }
    if (std::system((as + bin + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U postgres gpufleet" + quiet).c_str()) != 0)
      reason_ = "createdb failed: " + slurp(dir_ / "setup.log");
  }
  ~PostgresProcess() {
    if (running_) std::system(stop_command_.c_str());
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  bool available() const { return running_ && reason_.empty(); }
  const std::string& reason() const { return reason_; }
  std::string url() const { return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/gpufleet"; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  bool running_ = false;
  std::string reason_;
  std::string stop_command_;
};

}  // namespace gpufleet::testing
