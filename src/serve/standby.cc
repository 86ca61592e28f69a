#include "serve/standby.h"

#include <httplib.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace gpufleet::serve {

struct StandbyServer::Impl {
  std::string host;
  int port;
  std::function<std::string()> leader_url;
  httplib::Server server;
};

StandbyServer::StandbyServer(std::string host, int port, std::function<std::string()> leader_url)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->leader_url = std::move(leader_url);
  Impl* impl = impl_.get();
  auto answer = [impl](const httplib::Request& req, httplib::Response& res) {
    const std::string leader = impl->leader_url();
    nlohmann::ordered_json body;
    if (req.path == "/healthz") {
      body["status"] = "standby";
      body["leader"] = leader;
      res.status = 200;
    } else {
      body["error"] = leader.empty() ? std::string("this server is a standby and no leader is known; retry shortly")
                                     : fmt::format("this server is a standby; the leader is at {}", leader);
      body["leader"] = leader;
      res.status = 503;
      res.set_header("Retry-After", "1");
    }
    res.set_content(body.dump(), "application/json");
  };
  for (const char* pattern : {".*"}) {
    impl_->server.Get(pattern, answer);
    impl_->server.Post(pattern, answer);
    impl_->server.Delete(pattern, answer);
  }
  impl_->server.set_tcp_nodelay(true);
  impl_->server.set_payload_max_length(64 * 1024);
  impl_->server.new_task_queue = [] { return new httplib::ThreadPool(2); };
}

StandbyServer::~StandbyServer() = default;

Result<int> StandbyServer::bind() {
  int port = impl_->port;
  if (port == 0) {
    port = impl_->server.bind_to_any_port(impl_->host);
  } else if (!impl_->server.bind_to_port(impl_->host, port)) {
    port = -1;
  }
  if (port <= 0)
    return fail("<command line>", 0, 0, "--listen", fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                                                impl_->host, impl_->port));
  return port;
}

void StandbyServer::serve() { impl_->server.listen_after_bind(); }
void StandbyServer::stop() { impl_->server.stop(); }
bool StandbyServer::is_running() const { return impl_->server.is_running(); }

}  // namespace gpufleet::serve
