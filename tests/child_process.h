// Starting the servers the tests run (gpufleet serve, PostgreSQL, Slurm's daemons) as children
// that die with the test process, even one killed before its destructors run.
#pragma once

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace gpufleet::testing {

// Forks and executes argv[0] (a path) with argv, its stdout and stderr appended to log. env:
// NAME=VALUE pairs set in the child. run_as: a user to become first (the test runs as root),
// or "". The child gets SIGKILL when the test process dies (PR_SET_PDEATHSIG, set after the
// user change, which clears it). Returns the child's pid, or -1.
inline pid_t spawn_child(std::vector<std::string> argv, const std::string& log,
                         const std::vector<std::pair<std::string, std::string>>& env = {}, const std::string& run_as = "") {
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  if (!run_as.empty()) {
    const passwd* pw = ::getpwnam(run_as.c_str());
    if (!pw || ::initgroups(pw->pw_name, pw->pw_gid) != 0 || ::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0)
      ::_exit(126);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the test died before the line above
  for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
  FILE* f = std::freopen(log.c_str(), "a", stdout);
  (void)f;
  ::dup2(::fileno(stdout), 2);
  std::vector<char*> c;
  for (auto& a : argv) c.push_back(a.data());
  c.push_back(nullptr);
  ::execv(c[0], c.data());
  ::_exit(127);
}

// A TCP port on 127.0.0.1 that was free a moment ago (0 if none could be had).
inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace gpufleet::testing
