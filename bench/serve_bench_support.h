// What the service benchmarks share (opt-in: -DGPUFLEET_BENCH=ON): a Service and its
// HttpServer in this process on a free 127.0.0.1 port, reading /metrics, best and median.
#pragma once

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>

#include "gpufleet/scenario.h"
#include "serve/http_api.h"
#include "serve/service.h"
#include "serve/store.h"

namespace gpufleet::bench {

using Clock = std::chrono::steady_clock;

inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Resident set size now, bytes (after returning freed heap to the system).
inline double rss_bytes() {
  malloc_trim(0);
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

// The value of an unlabelled sample `name` in a Prometheus text page, or -1.
inline double metric(const std::string& page, const std::string& name) {
  const size_t at = page.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::atof(page.c_str() + at + name.size() + 2);
}

// A running service and its HTTP server on a free loopback port.
class Server {
 public:
  Server(const Scenario& scenario, Result<std::unique_ptr<serve::Store>> store) {
    if (!store) die(store.error().to_string());
    const auto t0 = Clock::now();
    auto s = serve::Service::open(scenario, std::move(*store), serve::ServiceOptions{});
    open_s = since(t0);
    if (!s) die(s.error().to_string());
    service = std::move(*s);
    serve::HttpOptions http;
    http.port = 0;
    http.requests_per_s = 1e9;  // the rate limit is not what is measured
    http.burst = 1e9;
    server = std::make_unique<serve::HttpServer>(*service, http);
    auto p = server->bind();
    if (!p) die(p.error().to_string());
    port = *p;
    thread = std::thread([this] { server->serve(); });
  }
  ~Server() {
    server->stop();
    thread.join();
    service->stop();
  }
  std::string get_metrics(const std::string& token) const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    auto r = c.Get("/metrics", {{"Authorization", "Bearer " + token}});
    if (!r || r->status != 200) die("GET /metrics failed");
    return r->body;
  }

  double open_s = 0;
  std::unique_ptr<serve::Service> service;
  std::unique_ptr<serve::HttpServer> server;
  int port = 0;
  std::thread thread;
};

struct Stats {
  std::vector<double> v;
  void add(double x) { v.push_back(x); }
  double best(bool higher_is_better) const {
    return higher_is_better ? *std::max_element(v.begin(), v.end()) : *std::min_element(v.begin(), v.end());
  }
  double median() const {
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
  }
};

// p-quantile of the decision-latency histogram: the upper bound of the bucket that holds it.
inline double histogram_quantile(const std::string& page, double q) {
  const double count = metric(page, "gpufleet_decision_latency_seconds_count");
  if (count <= 0) return -1;
  for (double le : serve::kLatencyBucketsS) {
    const std::string name = fmt::format("gpufleet_decision_latency_seconds_bucket{{le=\"{}\"}}", le);
    if (metric(page, name) >= q * count) return le;
  }
  return INFINITY;
}

// Writes jobs 1..count, queued 1-GPU jobs of a week of tenant `tenant`, through the store in
// transactions of `per_commit` jobs.
inline void prefill_queued(serve::Store& store, int64_t count, const std::string& tenant, size_t per_commit) {
  for (int64_t id = 1; id <= count;) {
    serve::Batch b;
    for (; id <= count && b.jobs.size() < per_commit; ++id) {
      serve::JobRecord r;
      r.id = id;
      r.tenant = tenant;
      r.request.name = "prefill-" + tenant;
      r.request.gpus = 1;
      r.request.estimated_duration_s = 7 * kSecondsPerDay;
      r.remaining_s = r.request.estimated_duration_s;
      b.jobs.push_back(std::move(r));
    }
    if (auto r = store.commit(b); !r) die(r.error().to_string());
  }
}

}  // namespace gpufleet::bench
