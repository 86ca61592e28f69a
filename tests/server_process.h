// A real `gpufleet serve` process for end-to-end tests: started on a free loopback port with
// its own database, spoken to over HTTP, stopped with SIGTERM or killed with SIGKILL. Every
// server a test starts is stopped by the destructor, and each waits at most a bounded time.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "child_process.h"
#include "command_runner.h"

namespace gpufleet::testing {

inline constexpr const char* kAdminToken = "admin-token-0123456789abcdef";

// The tokens file every test server accepts: the admin and one token per tenant ("tok-NAME-...").
inline std::string tenant_token(const std::string& tenant) { return "tok-" + tenant + "-0123456789abcdef"; }

class ServerProcess {
 public:
  // dir holds the database, the tokens file and the server's output; args are extra words.
  ServerProcess(std::filesystem::path dir, std::vector<std::string> args, std::vector<std::string> tenants = {"research", "prod"})
      : dir_(std::move(dir)), args_(std::move(args)) {
    std::ofstream tokens(dir_ / "tokens");
    tokens << "admin " << kAdminToken << "\n";
    for (const auto& t : tenants) tokens << t << " " << tenant_token(t) << "\n";
  }
  ~ServerProcess() { kill_now(); }
  // The database (default: DIR/state.db): a file, or a postgresql:// URL.
  void set_db(std::string db) { db_ = std::move(db); }

  // Starts the server and waits (up to 20 s) until it listens; false if it exited or timed out.
  // Call it from a thread that outlives the server: the server is killed when that thread ends.
  bool start() {
    std::filesystem::remove(dir_ / "url");
    std::vector<std::string> argv = {GPUFLEET_BINARY, "serve"};
    for (const auto& a : args_) argv.push_back(a);
    for (const std::string& a : std::vector<std::string>{"--db", db_.empty() ? (dir_ / "state.db").string() : db_, "--listen", "127.0.0.1:0", "--tokens",
                                (dir_ / "tokens").string(), "--ready-file", (dir_ / "url").string()})
      argv.push_back(a);
    pid_ = spawn_child(argv, (dir_ / "server.log").string());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(dir_ / "url")) {
        url_ = slurp(dir_ / "url");
        while (!url_.empty() && url_.back() == '\n') url_.pop_back();
        return true;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  // SIGTERM and wait (up to 20 s, then SIGKILL); the exit status, or -1.
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    return wait_for_exit(20);
  }
  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait_for_exit(20);
  }
  const std::string& url() const { return url_; }
  std::string log() const { return slurp(dir_ / "server.log"); }
  const std::filesystem::path& dir() const { return dir_; }

  struct Answer {
    int status = 0;  // 0: no answer (connection failed)
    nlohmann::json body;
    std::string text;
  };
  Answer request(const std::string& method, const std::string& path, const std::string& token, const std::string& body = "") const {
    httplib::Client client(url_);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(30, 0);
    client.set_tcp_nodelay(true);
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    httplib::Result res = method == "GET"    ? client.Get(path, headers)
                          : method == "POST" ? client.Post(path, headers, body, "application/json")
                                             : client.Delete(path, headers);
    Answer a;
    if (!res) return a;
    a.status = res->status;
    a.text = res->body;
    a.body = nlohmann::json::parse(res->body, nullptr, false);
    return a;
  }
  Answer get(const std::string& path, const std::string& token = kAdminToken) const { return request("GET", path, token); }
  Answer post(const std::string& path, const nlohmann::json& body, const std::string& token = kAdminToken) const {
    return request("POST", path, token, body.dump());
  }

 private:
  int wait_for_exit(int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

  std::filesystem::path dir_;
  std::vector<std::string> args_;
  std::string db_;
  pid_t pid_ = -1;
  std::string url_;
};

}  // namespace gpufleet::testing
