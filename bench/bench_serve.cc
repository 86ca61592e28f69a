// Benchmark of the online service (opt-in: -DGPUFLEET_BENCH=ON): Service + HttpServer in this
// process on a free 127.0.0.1 port, the built-in fleet (default_scenario(): fifo-backfill +
// cost, real clock), SQLite in WAL mode; every measured request goes over HTTP/1.1 keep-alive
// connections driven by one client thread (loopback_http.h). It prints what it measured:
//
//   restart      Service::open on a database holding `--jobs` queued jobs plus enough more to
//                fill the fleet (written beforehand through Store::commit, not over HTTP):
//                wall seconds, and resident memory added per job (RSS after - before / jobs).
//   decisions    the first dispatch pass after that restart places every job that fits the
//                empty fleet, with the rest (>= --jobs) still queued behind: placements / wall
//                seconds from Service::start() to the first GET /metrics that sees them.
//   submissions  with those jobs queued and the fleet full, `--connections` clients submit
//                8-GPU jobs (they queue too) for `--seconds`: replies 201 (committed) per second.
//   latency      an empty queue and fleet; the clients submit 1-GPU jobs that fit, for
//                `--seconds`: placements per second at that arrival rate, and the p50 / p99
//                of the service's decision-latency histogram (upper bounds of its buckets).
//
// Restart, decisions and submissions run `--reps` times for SQLite synchronous=FULL and
// =NORMAL (a fresh copy of the pre-filled database each time); best and median are printed.
// Targets (issue 11): >= 5,000 submissions/s, >= 5,000 decisions/s, p99 < 20 ms, restart < 5 s.
//
//   build-bench/bench_serve [--jobs 1000000] [--reps 3] [--seconds 5] [--connections 16] [--dir /tmp]
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "loopback_http.h"
#include "serve_bench_support.h"
#include "gpufleet/scenario.h"
#include "serve/http_api.h"
#include "serve/service.h"
#include "serve/store.h"

namespace gpufleet {
namespace {

namespace fs = std::filesystem;
using bench::Clock;
using bench::die;
using bench::histogram_quantile;
using bench::metric;
using bench::rss_bytes;
using bench::Server;
using bench::since;
using bench::Stats;

struct Args {
  int64_t jobs = 1'000'000;
  int reps = 3;
  double seconds = 5;
  int connections = 16;
  fs::path dir = fs::temp_directory_path();
};

struct Tokens {
  std::string tenant, admin;  // tenant "bench"; the admin's reads /metrics
};

// A fresh database with a token for tenant bench and one for the admin.
Tokens new_database(const fs::path& db) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  auto store = serve::open_sqlite_store(db.string(), serve::Durability::normal);
  if (!store) die(store.error().to_string());
  auto tenant = serve::Service::add_token(**store, "bench", false);
  auto admin = serve::Service::add_token(**store, "", true);
  if (!tenant || !admin) die("cannot add tokens");
  return Tokens{*tenant, *admin};
}

// Writes `jobs` queued 1-GPU jobs of a week each through the store, 100,000 per transaction.
void prefill(const fs::path& db, int64_t jobs) {
  auto store = serve::open_sqlite_store(db.string(), serve::Durability::normal);
  if (!store) die(store.error().to_string());
  bench::prefill_queued(**store, jobs, "bench", 100'000);
}

int run(const Args& a) {
  auto scenario = default_scenario();
  if (!scenario) die(scenario.error().to_string());
  const fs::path pristine = a.dir / fmt::format("bench-serve-{}-prefilled.db", ::getpid());
  const fs::path work = a.dir / fmt::format("bench-serve-{}.db", ::getpid());
  int64_t fleet_gpus = 0;
  // Enough 1-GPU jobs to fill the fleet now, on top of the queued ones that must remain.
  {
    const Tokens t = new_database(work);
    Server s(*scenario, serve::open_sqlite_store(work.string(), serve::Durability::normal));
    httplib::Client c("127.0.0.1", s.port);
    auto r = c.Get("/v1/fleet", {{"Authorization", "Bearer " + t.tenant}});
    if (!r || r->status != 200) die("GET /v1/fleet failed");
    const nlohmann::json fleet = nlohmann::json::parse(r->body);
    for (const auto& p : fleet["pools"]) fleet_gpus += p["capacity_gpus"].get<int64_t>();
  }
  const int64_t total = a.jobs + fleet_gpus;
  std::printf("bench_serve: built-in fleet '%s', %lld GPUs in service now; %lld queued 1-GPU jobs pre-filled (%lld to fill the fleet + %lld)\n",
              scenario->name.c_str(), static_cast<long long>(fleet_gpus), static_cast<long long>(total),
              static_cast<long long>(fleet_gpus), static_cast<long long>(a.jobs));
  std::printf("  %d client connections (keep-alive, one client thread), %.0f s per submission run, %d repetitions\n",
              a.connections, a.seconds, a.reps);
  const Tokens tokens = new_database(pristine);
  auto t0 = Clock::now();
  prefill(pristine, total);
  std::printf("  pre-fill through Store::commit: %.1f s\n", since(t0));
  std::fflush(stdout);

  const std::string queued_job = R"({"gpus": 8, "estimated_duration": "7d", "name": "bench-queued"})";
  for (const auto durability : {serve::Durability::full, serve::Durability::normal}) {
    const char* mode = durability == serve::Durability::full ? "FULL" : "NORMAL";
    Stats restart, memory, decisions, submits;
    double queued_after = 0;
    for (int rep = 0; rep < a.reps; ++rep) {
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(work.string() + suffix);
      fs::copy_file(pristine, work);
      const double rss0 = rss_bytes();
      Server s(*scenario, serve::open_sqlite_store(work.string(), durability));
      const double rss1 = rss_bytes();
      restart.add(s.open_s);
      memory.add((rss1 - rss0) / static_cast<double>(total));
      t0 = Clock::now();
      s.service->start();
      std::string page;
      double placed = 0;
      for (;;) {
        page = s.get_metrics(tokens.admin);
        placed = metric(page, "gpufleet_decisions_total");
        if (placed > 0) break;
        if (since(t0) > 60) die("no placement within 60 s of start");
      }
      decisions.add(placed / since(t0));
      queued_after = metric(page, "gpufleet_queue_length");
      bench::LoopbackLoad load(s.port, a.connections, "POST", "/v1/jobs", tokens.tenant, 201);
      const auto res = load.run(a.seconds, int64_t{1} << 40, [&](int64_t) { return queued_job; });
      if (!res.error.empty()) die(res.error);
      if (res.other) std::printf("  note: %lld replies were not 201, the first: %s\n", static_cast<long long>(res.other), res.first_other.c_str());
      submits.add(static_cast<double>(res.ok) / res.seconds);
      std::printf("  [%s rep %d] restart %.2f s, %.0f B/job, %.0f decisions in %.3f s, queue %.0f, %lld submissions in %.1f s\n", mode,
                  rep + 1, s.open_s, memory.v.back(), placed, placed / decisions.v.back(), queued_after,
                  static_cast<long long>(res.ok), res.seconds);
      std::fflush(stdout);
    }
    std::printf("synchronous=%s (queue of %.0f jobs after the first pass):\n", mode, queued_after);
    std::printf("  restart (Service::open)       best %.2f s, median %.2f s (target < 5 s)\n", restart.best(false), restart.median());
    std::printf("  memory per job (RSS)          best %.0f B, median %.0f B\n", memory.best(false), memory.median());
    std::printf("  decisions/s (first pass)      best %.0f, median %.0f (target >= 5,000)\n", decisions.best(true), decisions.median());
    std::printf("  acknowledged submissions/s    best %.0f, median %.0f (target >= 5,000)\n", submits.best(true), submits.median());
    std::fflush(stdout);
  }

  // Decision latency: jobs that fit when they arrive, at the rate the clients sustain (at most
  // as many as the fleet holds, so that every one is placed in the first pass after it arrived).
  {
    Stats rate, p50, p99;
    const std::string fitting_job = R"({"gpus": 1, "estimated_duration": "7d", "name": "bench-fits"})";
    for (int rep = 0; rep < a.reps; ++rep) {
      const Tokens t = new_database(work);
      Server s(*scenario, serve::open_sqlite_store(work.string(), serve::Durability::full));
      s.service->start();
      bench::LoopbackLoad load(s.port, a.connections, "POST", "/v1/jobs", t.tenant, 201);
      const auto res = load.run(a.seconds, fleet_gpus, [&](int64_t) { return fitting_job; });
      if (!res.error.empty()) die(res.error);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the last tick's pass
      const std::string page = s.get_metrics(t.admin);
      const double placed = metric(page, "gpufleet_decisions_total");
      rate.add(placed / res.seconds);
      p50.add(histogram_quantile(page, 0.5));
      p99.add(histogram_quantile(page, 0.99));
      std::printf("  [latency rep %d] %lld submitted (201) in %.1f s, %.0f placed, p50 <= %g s, p99 <= %g s\n", rep + 1,
                  static_cast<long long>(res.ok), res.seconds, placed, p50.v.back(), p99.v.back());
      std::fflush(stdout);
    }
    std::printf("jobs that fit at arrival (synchronous=FULL, empty queue and fleet at start):\n");
    std::printf("  decisions/s at arrival rate   best %.0f, median %.0f\n", rate.best(true), rate.median());
    std::printf("  decision latency p50          best %g s, median %g s\n", p50.best(false), p50.median());
    std::printf("  decision latency p99          best %g s, median %g s (target < 0.02 s)\n", p99.best(false), p99.median());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(work.string() + suffix);
    fs::remove(pristine.string() + suffix);
  }
  return 0;
}

}  // namespace
}  // namespace gpufleet

int main(int argc, char** argv) {
  gpufleet::Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--jobs") a.jobs = std::stoll(v);
    else if (k == "--reps") a.reps = std::stoi(v);
    else if (k == "--seconds") a.seconds = std::stod(v);
    else if (k == "--connections") a.connections = std::stoi(v);
    else if (k == "--dir") a.dir = v;
    else gpufleet::bench::die("unknown option " + k + "; expected --jobs, --reps, --seconds, --connections or --dir");
  }
  return gpufleet::run(a);
}
