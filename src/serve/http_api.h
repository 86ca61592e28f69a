// The service over HTTP/1.1 (cpp-httplib): every route of api_routes() with its access rule,
// bearer-token authentication, a request size limit and a rate limit per token. Nothing a
// client sends reaches the service unchecked: bodies are parsed strictly there.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "gpufleet/error.h"
#include "serve/service.h"

namespace gpufleet::serve {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                        // 0: any free port
  size_t max_body_bytes = 64 * 1024;      // larger: 413
  double requests_per_s = 50000;          // per token, sustained ...
  double burst = 100000;                  // ... and in a burst; beyond: 429
  int threads = 16;                       // connections served at once
};

class HttpServer {
 public:
  HttpServer(Service& service, HttpOptions options);
  // Serves whichever service current() returns at each request (a standby's latest read-only
  // copy); the one a request got lives until its answer is sent.
  HttpServer(std::function<std::shared_ptr<Service>()> current, HttpOptions options);
  ~HttpServer();
  // Binds; returns the port (the chosen one when options.port is 0).
  Result<int> bind();
  // Serves until stop() (from another thread or a signal handler's thread).
  void serve();
  void stop();
  bool is_running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpufleet::serve
