// gpufleet serve [SCENARIO.yaml] --db PATH --listen HOST:PORT [--tokens FILE] [--clock virtual]:
// the online placement service (src/serve/). --add-token TENANT / --add-admin-token print a
// new token once and exit.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "gpufleet/scenario.h"
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

void run_serve(const ServeArgs& args) {
  const auto durability = args.synchronous == "normal" ? serve::Durability::normal : serve::Durability::full;
  auto store = serve::open_sqlite_store(args.db, durability);
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
  auto service = serve::Service::open(*scenario, std::move(*store), options);
  if (!service) exit_bad_input(service.error());

  // SIGINT and SIGTERM are taken by one thread (blocked in every other), which stops serving.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::HttpOptions http;
  http.host = listen->first;
  http.port = listen->second;
  http.requests_per_s = args.rate;
  http.burst = 2 * args.rate;
  serve::HttpServer server(**service, http);
  auto port = server.bind();
  if (!port) exit_bad_input(port.error());
  (*service)->start();
  const std::string url = fmt::format("http://{}:{}", http.host.find(':') != std::string::npos ? "[" + http.host + "]" : http.host, *port);
  std::cout << fmt::format("gpufleet serve: {} on {} ({} clock), {}\n", scenario->name, url, args.clock, described) << std::flush;
  if (!args.ready_file.empty()) {
    if (auto r = write_file_atomically(args.ready_file, url + "\n"); !r) exit_bad_input(r.error());
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  server.serve();
  // Stopped by a signal (or the server failed): wake the waiter if it still waits.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  (*service)->stop();
  std::cout << "gpufleet serve: stopped\n";
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve placements online: an HTTP API over a durable queue (SQLite)");
  cmd->add_option("scenario", args->scenario_path, "Scenario YAML: the fleet, its contracts, markets, quotas and policies (default: built-in)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--db", args->db, "SQLite database file (created and migrated as needed)")->capture_default_str();
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
