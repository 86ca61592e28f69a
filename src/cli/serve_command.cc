// gpufleet serve [SCENARIO.yaml] --db PATH --listen HOST:PORT [--tokens FILE] [--clock virtual]:
// the online placement service (src/serve/). --add-token TENANT / --add-admin-token print a
// new token once and exit.
#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <mutex>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "gpufleet/scenario.h"
#include "serve/backend.h"
#include "serve/http_api.h"
#include "serve/service.h"
#include "serve/token.h"
#include "util/atomic_file.h"

namespace gpufleet::cli {

namespace {

struct ServeArgs {
  std::string scenario_path;
  std::string db = "gpufleet.db";
  std::string listen = "127.0.0.1:8080";
  std::string tokens_file;
  std::string clock = "real";
  std::string add_token;
  bool add_admin_token = false;
  std::string ready_file;
  std::string synchronous = "full";
  size_t max_jobs = size_t{1} << 21;
  double rate = 50000;
  std::string queue, placement;
};

Result<std::pair<std::string, int>> parse_listen(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return fail("<command line>", 0, 0, "--listen", fmt::format("'{}'; expected HOST:PORT, e.g. 127.0.0.1:8080", text));
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535)
    return fail("<command line>", 0, 0, "--listen", fmt::format("port '{}'; expected 0 to 65535", text.substr(colon + 1)));
  return std::pair{host, port};
}

// Lines "TENANT TOKEN" or "admin TOKEN" ('#' starts a comment): tokens the service accepts,
// hashed into the database at start.
Result<serve::Batch> read_tokens_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path, 0, 0, "", "cannot read the tokens file");
  serve::Batch batch;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string who, token, extra;
    if (!(fields >> who)) continue;
    if (!(fields >> token) || (fields >> extra))
      return fail(path, n, 0, "", "expected 'TENANT TOKEN' or 'admin TOKEN'");
    if (token.size() < 16) return fail(path, n, 0, "token", "shorter than 16 characters; expected a long random token");
    const bool admin = who == "admin";
    batch.tokens.push_back(serve::TokenRecord{serve::sha256_hex(token), admin ? "" : who, admin ? serve::Role::admin : serve::Role::tenant});
  }
  return batch;
}

// A free TCP port on host, from the kernel (bound and released at once).
Result<int> free_port(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), "0", &hints, &found) != 0 || !found)
    return fail("<command line>", 0, 0, "--listen", fmt::format("'{}' is not a numeric address of this machine", host));
  int port = -1;
  const int fd = ::socket(found->ai_family, SOCK_STREAM, 0);
  if (fd >= 0 && ::bind(fd, found->ai_addr, found->ai_addrlen) == 0) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }
  if (fd >= 0) ::close(fd);
  ::freeaddrinfo(found);
  if (port <= 0) return fail("<command line>", 0, 0, "--listen", fmt::format("cannot listen on {}", host));
  return port;
}

bool is_postgresql_url(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

void run_serve(const ServeArgs& args) {
  const auto durability = args.synchronous == "normal" ? serve::Durability::normal : serve::Durability::full;
  const auto open_store = [&] {
    return is_postgresql_url(args.db) ? serve::open_postgresql_store(args.db) : serve::open_sqlite_store(args.db, durability);
  };
  auto store = open_store();
  if (!store) exit_bad_input(store.error());
  if (!args.add_token.empty() || args.add_admin_token) {
    auto token = serve::Service::add_token(**store, args.add_token, args.add_admin_token);
    if (!token) exit_bad_input(token.error());
    std::cout << *token << "\n";
    return;
  }
  Result<Scenario> scenario = args.scenario_path.empty() ? default_scenario() : load_scenario_file(args.scenario_path);
  if (!scenario) exit_bad_input(scenario.error());
  auto listen = parse_listen(args.listen);
  if (!listen) exit_bad_input(listen.error());
  if (!args.tokens_file.empty()) {
    auto batch = read_tokens_file(args.tokens_file);
    if (!batch) exit_bad_input(batch.error());
    if (auto r = (*store)->commit(*batch); !r) exit_bad_input(r.error());
  }
  serve::ServiceOptions options;
  options.virtual_clock = args.clock == "virtual";
  options.job_capacity = args.max_jobs;
  options.queue_policy = args.queue;
  options.placement_policy = args.placement;
  const std::string described = (*store)->describe();

  // SIGINT and SIGTERM are taken by one thread (blocked in every other), which stops serving.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::mutex mu;
  bool stopping = false;
  std::function<void()> stop_current;  // stops whichever server runs now
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::lock_guard lock(mu);
    stopping = true;
    if (stop_current) stop_current();
  });
  const auto finish = [&](int status) {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    pthread_kill(waiter.native_handle(), SIGTERM);  // wakes the waiter if it still waits
    waiter.join();
    if (status != 0) throw CLI::RuntimeError(status);
  };
  const auto url_of = [&](int port) {
    const std::string& h = listen->first;
    return fmt::format("http://{}:{}", h.find(':') != std::string::npos ? "[" + h + "]" : h, port);
  };
  const auto ready = [&](const std::string& url) {
    if (args.ready_file.empty()) return;
    if (auto r = write_file_atomically(args.ready_file, url + "\n"); !r) std::fprintf(stderr, "error: %s\n", r.error().to_string().c_str());
  };

  // Leadership: a process that does not lead serves as a standby on its port until it does.
  // Port 0 is resolved first, so that the URL recorded as leader's is the one served.
  int port = listen->second;
  if (port == 0) {
    auto chosen = free_port(listen->first);
    if (!chosen) {
      std::fprintf(stderr, "error: %s\n", chosen.error().to_string().c_str());
      finish(kExitBadInput);
    }
    port = *chosen;
  }
  {
    // A standby answers reads from a copy of the state it reads again every second, through a
    // second connection (so that reading never delays asking for leadership), and every
    // change with 503 naming the leader.
    std::unique_ptr<serve::Store> reader;
    std::shared_ptr<serve::Service> copy;
    std::mutex copy_mu;
    auto current_copy = [&] {
      std::lock_guard lock(copy_mu);
      return copy;
    };
    serve::ServiceOptions standby_options = options;
    standby_options.leader_url = [&] { return (*store)->leader_url().value_or(""); };
    auto read_copy = [&]() -> bool {
      auto c = serve::Service::snapshot(*scenario, *reader, standby_options);
      if (!c) {
        std::fprintf(stderr, "error: %s\n", c.error().to_string().c_str());
        return false;
      }
      std::shared_ptr<serve::Service> fresh(std::move(*c));
      std::lock_guard lock(copy_mu);
      copy = std::move(fresh);
      return true;
    };
    std::unique_ptr<serve::HttpServer> standby;
    std::thread standby_thread;
    std::atomic<bool> standby_done{false};
    auto stop_standby = [&] {
      if (!standby) return;
      // stop() closes the socket only once it serves: wait (boundedly) until it does.
      for (int i = 0; i < 5000 && !standby_done && !standby->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      standby->stop();
      if (standby_thread.joinable()) standby_thread.join();
    };
    auto last_read = std::chrono::steady_clock::now();
    for (;;) {
      auto lead = (*store)->try_lead(url_of(port));
      if (!lead) {
        std::fprintf(stderr, "error: %s\n", lead.error().to_string().c_str());
        stop_standby();
        finish(kExitBadInput);
      }
      if (*lead) break;
      if (!standby) {
        auto second = open_store();
        if (!second) {
          std::fprintf(stderr, "error: %s\n", second.error().to_string().c_str());
          finish(kExitUnreachable);
        }
        reader = std::move(*second);
        if (!read_copy()) finish(kExitUnreachable);
        last_read = std::chrono::steady_clock::now();
        serve::HttpOptions http;
        http.host = listen->first;
        http.port = port;
        http.requests_per_s = args.rate;
        http.burst = 2 * args.rate;
        standby = std::make_unique<serve::HttpServer>(current_copy, http);
        if (auto bound = standby->bind(); !bound) {
          std::fprintf(stderr, "error: %s\n", bound.error().to_string().c_str());
          finish(kExitBadInput);
        }
        std::cout << fmt::format("gpufleet serve: standby on {} (answering reads); the leader is at {}\n", url_of(port),
                                 (*store)->leader_url().value_or("(unknown)")) << std::flush;
        standby_thread = std::thread([&] {
          standby->serve();
          standby_done = true;
        });
        std::lock_guard lock(mu);
        stop_current = [&] { standby->stop(); };
        ready(url_of(port));
      } else if (std::chrono::steady_clock::now() - last_read >= std::chrono::seconds(1)) {
        read_copy();  // a failed read keeps the last copy; the error is printed
        last_read = std::chrono::steady_clock::now();
      }
      {
        std::lock_guard lock(mu);
        if (stopping) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    {
      std::lock_guard lock(mu);
      stop_current = nullptr;
    }
    stop_standby();
  }
  bool stopped_as_standby = false;
  {
    std::lock_guard lock(mu);
    stopped_as_standby = stopping;
  }
  if (stopped_as_standby) {
    std::cout << "gpufleet serve: stopped\n";
    return finish(0);
  }

  // The Slurm clusters behind the scenario's sites answer, and have the partitions it names.
  if (auto problem = serve::check_backends(*scenario)) {
    std::fprintf(stderr, "error: %s\n", problem->error.to_string().c_str());
    finish(problem->exit_status);
  }
  options.backend_log = stdout;
  auto service = serve::Service::open(*scenario, std::move(*store), options);
  if (!service) {
    std::fprintf(stderr, "error: %s\n", service.error().to_string().c_str());
    finish(kExitBadInput);
  }
  serve::HttpOptions http;
  http.host = listen->first;
  http.port = port;
  http.requests_per_s = args.rate;
  http.burst = 2 * args.rate;
  serve::HttpServer server(**service, http);
  // The standby's socket was just closed: binding its port again may take a moment.
  Result<int> bound = server.bind();
  for (int i = 0; i < 50 && !bound; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    bound = server.bind();
  }
  if (!bound) {
    std::fprintf(stderr, "error: %s\n", bound.error().to_string().c_str());
    finish(kExitBadInput);
  }
  (*service)->start();
  std::cout << fmt::format("gpufleet serve: {} on {} ({} clock), {}\n", scenario->name, url_of(*bound), args.clock, described)
            << std::flush;
  ready(url_of(*bound));
  {
    std::lock_guard lock(mu);
    stop_current = [&] { server.stop(); };
    if (stopping) server.stop();
  }
  server.serve();
  {
    std::lock_guard lock(mu);
    stop_current = nullptr;
  }
  (*service)->stop();
  std::cout << "gpufleet serve: stopped\n";
  finish(0);
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve placements online: an HTTP API over a durable queue (SQLite)");
  cmd->add_option("scenario", args->scenario_path, "Scenario YAML: the fleet, its contracts, markets, quotas and policies (default: built-in)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--db", args->db, "SQLite database file, or postgresql://USER:PASSWORD@HOST:PORT/DB (created and migrated as needed)")->capture_default_str();
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free one)")->capture_default_str();
  cmd->add_option("--tokens", args->tokens_file, "File of 'TENANT TOKEN' / 'admin TOKEN' lines to accept")->check(CLI::ExistingFile);
  cmd->add_option("--clock", args->clock, "real, or virtual (moved only by POST /v1/admin/clock)")
      ->check(CLI::IsMember({"real", "virtual"}))
      ->capture_default_str();
  cmd->add_option("--synchronous", args->synchronous, "SQLite synchronous: full (fsync each commit) or normal")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  cmd->add_option("--max-jobs", args->max_jobs, "Jobs waiting or running at once; more are refused with 503")
      ->check(CLI::Range(size_t{1}, size_t{1} << 26))
      ->capture_default_str();
  cmd->add_option("--rate", args->rate, "Requests per second allowed per token (bursts of twice that)")
      ->check(CLI::Range(1.0, 1e9))
      ->capture_default_str();
  cmd->add_option("--queue", args->queue, "Queue policy (default: the scenario's)");
  cmd->add_option("--placement", args->placement, "Placement policy (default: the scenario's)");
  cmd->add_option("--ready-file", args->ready_file, "Write the server's URL here once it listens");
  cmd->add_option("--add-token", args->add_token, "Print a new token for TENANT, store its hash in --db, and exit");
  cmd->add_flag("--add-admin-token", args->add_admin_token, "Print a new admin token, store its hash in --db, and exit");
  cmd->callback([args] { run_serve(*args); });
}

}  // namespace gpufleet::cli
