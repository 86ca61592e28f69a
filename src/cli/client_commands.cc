// gpufleet submit | status [JOB] | cancel JOB | queue: clients of a running `gpufleet serve`.
// --server URL (default http://127.0.0.1:8080); the token from GPUFLEET_TOKEN or --token-file.
// Exit status: 0 ok, 2 bad input (a refused request included), 4 the server cannot be reached
// or cannot make the change durable.
#include <httplib.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "util/atomic_file.h"
#include "util/human_format.h"

namespace gpufleet::cli {

namespace {

struct ClientArgs {
  std::string server = "http://127.0.0.1:8080";
  std::string token_file;
};

[[noreturn]] void die(int status, const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  throw CLI::RuntimeError(status);
}

std::string token_of(const ClientArgs& args) {
  if (!args.token_file.empty()) {
    auto text = read_file(args.token_file);
    if (!text) die(kExitBadInput, text.error().to_string());
    std::string t = *text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
  }
  const char* env = std::getenv("GPUFLEET_TOKEN");
  if (!env || !*env) die(kExitBadInput, "no token: set GPUFLEET_TOKEN or give --token-file");
  return env;
}

// Sends one request; returns the JSON answer of a 2xx, else ends the command.
nlohmann::json call(const ClientArgs& args, const std::string& method, const std::string& path, const std::string& body = "") {
  if (args.server.rfind("http://", 0) != 0)
    die(kExitBadInput, fmt::format("--server '{}'; expected http://HOST:PORT", args.server));
  httplib::Client client(args.server);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(30, 0);
  client.set_tcp_nodelay(true);
  const httplib::Headers headers = {{"Authorization", "Bearer " + token_of(args)}};
  httplib::Result res = method == "GET"    ? client.Get(path, headers)
                        : method == "POST" ? client.Post(path, headers, body, "application/json")
                                           : client.Delete(path, headers);
  if (!res) die(kExitUnreachable, fmt::format("cannot reach the server at {}: {}", args.server, httplib::to_string(res.error())));
  nlohmann::json answer = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status >= 200 && res->status < 300 && !answer.is_discarded()) return answer;
  const std::string message = !answer.is_discarded() && answer.contains("error") ? answer["error"].get<std::string>() : res->body;
  die(res->status >= 500 ? kExitUnreachable : kExitBadInput, fmt::format("the server answered {}: {}", res->status, message));
}

std::string placement_text(const nlohmann::json& j) {
  if (!j.contains("placement")) return "";
  const auto& p = j["placement"];
  return fmt::format("{}/{} {}{}", p["provider"].get<std::string>(), p["site"].get<std::string>(), p["source"].get<std::string>(),
                     j.contains("backend_job_id") ? fmt::format(" (backend job {})", j["backend_job_id"].get<int64_t>()) : "");
}

void print_table(const nlohmann::json& jobs) {
  std::cout << fmt::format("{:>8}  {:<20} {:<12} {:<11} {:>6}  {}\n", "JOB", "NAME", "TENANT", "STATE", "GPUS", "WHERE / WHY");
  for (const auto& j : jobs) {
    const std::string where = j["state"] == "queued" && j.contains("why_pending") ? j["why_pending"].get<std::string>() : placement_text(j);
    std::cout << fmt::format("{:>8}  {:<20} {:<12} {:<11} {:>6}  {}\n", j["id"].get<int64_t>(), j["name"].get<std::string>().substr(0, 20),
                             j["tenant"].get<std::string>().substr(0, 12), j["state"].get<std::string>(),
                             with_commas(j["gpus"].get<double>()), where);
  }
}

void add_client_options(CLI::App* cmd, ClientArgs& args) {
  cmd->add_option("--server", args.server, "URL of a gpufleet serve")->capture_default_str();
  cmd->add_option("--token-file", args.token_file, "File holding the token (default: $GPUFLEET_TOKEN)");
}

}  // namespace

void add_client_commands(CLI::App& app) {
  {
    auto args = std::make_shared<ClientArgs>();
    auto job = std::make_shared<nlohmann::ordered_json>();
    auto gpus = std::make_shared<int64_t>(0);
    auto fields = std::make_shared<std::map<std::string, std::string>>();
    auto accelerators = std::make_shared<std::vector<std::string>>();
    auto priority = std::make_shared<int>(0);
    CLI::App* cmd = app.add_subcommand("submit", "Submit a job to a gpufleet serve");
    add_client_options(cmd, *args);
    cmd->add_option("--gpus", *gpus, "GPUs the job needs")->required()->check(CLI::Range(int64_t{1}, int64_t{INT32_MAX}));
    for (const char* name : {"name", "jurisdiction", "kind", "checkpoint-interval", "idempotency-key"})
      cmd->add_option(std::string("--") + name, (*fields)[name], std::string("The job's ") + name);
    cmd->add_option("--duration", (*fields)["estimated_duration"], "Estimated run time on the reference GPU (e.g. 2h)")->required();
    cmd->add_option("--accelerator", *accelerators, "An allowed accelerator (repeat for several; default any)");
    cmd->add_option("--priority", *priority, "0 to 255, higher first")->check(CLI::Range(0, 255));
    cmd->callback([=] {
      nlohmann::ordered_json body;
      body["gpus"] = *gpus;
      for (const auto& [key, value] : *fields) {
        if (value.empty()) continue;
        std::string k = key;
        std::replace(k.begin(), k.end(), '-', '_');
        body[k] = value;
      }
      if (!accelerators->empty()) body["accelerators"] = *accelerators;
      if (*priority) body["priority"] = *priority;
      const auto answer = call(*args, "POST", "/v1/jobs", body.dump());
      std::cout << fmt::format("job {} submitted ({})\n", answer["id"].get<int64_t>(), answer["state"].get<std::string>());
    });
  }
  {
    auto args = std::make_shared<ClientArgs>();
    auto id = std::make_shared<int64_t>(0);
    CLI::App* cmd = app.add_subcommand("status", "One job's state and placement (or, without JOB, the fleet)");
    add_client_options(cmd, *args);
    cmd->add_option("job", *id, "Job id")->check(CLI::PositiveNumber);
    cmd->callback([=] {
      if (*id == 0) {
        const auto fleet = call(*args, "GET", "/v1/fleet");
        std::cout << fmt::format("{:>4}  {:<10} {:<24} {:<12} {:<9} {:>10} {:>10} {:>10}\n", "POOL", "PROVIDER", "SITE", "ACCELERATOR",
                                 "SOURCE", "CAPACITY", "ALLOCATED", "FREE");
        for (const auto& p : fleet["pools"])
          std::cout << fmt::format("{:>4}  {:<10} {:<24} {:<12} {:<9} {:>10} {:>10} {:>10}{}\n", p["pool"].get<int>(),
                                   p["provider"].get<std::string>(), p["site"].get<std::string>(), p["accelerator"].get<std::string>(),
                                   p["source"].get<std::string>(), with_commas(p["capacity_gpus"].get<double>()),
                                   with_commas(p["allocated_gpus"].get<double>()), with_commas(p["free_gpus"].get<double>()),
                                   p["down"].get<bool>() ? "  DOWN" : "");
        return;
      }
      const auto j = call(*args, "GET", fmt::format("/v1/jobs/{}", *id));
      print_table(nlohmann::json::array({j}));
    });
  }
  {
    auto args = std::make_shared<ClientArgs>();
    auto id = std::make_shared<int64_t>(0);
    CLI::App* cmd = app.add_subcommand("cancel", "Cancel a job");
    add_client_options(cmd, *args);
    cmd->add_option("job", *id, "Job id")->required()->check(CLI::PositiveNumber);
    cmd->callback([=] {
      const auto j = call(*args, "DELETE", fmt::format("/v1/jobs/{}", *id));
      std::cout << fmt::format("job {} {}\n", j["id"].get<int64_t>(), j["state"].get<std::string>());
    });
  }
  {
    auto args = std::make_shared<ClientArgs>();
    auto state = std::make_shared<std::string>("queued");
    auto limit = std::make_shared<int>(100);
    CLI::App* cmd = app.add_subcommand("queue", "List jobs (default: those waiting)");
    add_client_options(cmd, *args);
    cmd->add_option("--state", *state, "queued, running, finished, cancelled, unplaceable or all")
        ->check(CLI::IsMember({"queued", "running", "finished", "cancelled", "unplaceable", "failed", "all"}))
        ->capture_default_str();
    cmd->add_option("--limit", *limit, "At most this many")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd->callback([=] {
      std::string path = fmt::format("/v1/jobs?limit={}", *limit);
      if (*state != "all") path += "&state=" + *state;
      const auto answer = call(*args, "GET", path);
      print_table(answer["jobs"]);
      if (!answer["next_after"].is_null()) std::cout << "(more: raise --limit)\n";
    });
  }
}

}  // namespace gpufleet::cli
