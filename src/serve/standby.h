// What a `gpufleet serve` that does not lead answers while it waits to take over: /healthz
// says "standby" and names the leader; every other route is 503 with the leader's URL and
// Retry-After, so that clients go there (a standby never answers from a stale copy).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "gpufleet/error.h"

namespace gpufleet::serve {

class StandbyServer {
 public:
  // leader_url() is asked on each request (the leader may change).
  StandbyServer(std::string host, int port, std::function<std::string()> leader_url);
  ~StandbyServer();
  // Binds; returns the port (the chosen one when port is 0).
  Result<int> bind();
  void serve();  // until stop()
  void stop();
  bool is_running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpufleet::serve
