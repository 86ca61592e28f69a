// Benchmark of `gpufleet serve` on PostgreSQL (opt-in: -DGPUFLEET_BENCH=ON; issue 12's
// figures). It starts its own PostgreSQL server (initdb + pg_ctl on a free loopback port, as
// the tests do: tests/postgres_process.h; fsync on) and prints what it measured:
//
//   restart      Service::open on the database holding `--queued` waiting jobs: wall seconds.
//   submissions  with those jobs queued, `--connections` clients submit 1-GPU jobs that fit
//                for `--seconds`: replies 201 (each durably committed to PostgreSQL) per second;
//   latency      and the p50 / p99 of the service's decision-latency histogram over those
//                jobs (submission to placement; the upper bounds of its buckets).
//                The queued jobs belong to a tenant over its quota (guaranteed 0, no
//                borrowing): they wait without blocking the fitting ones, as a backlog does.
//   takeover     two `gpufleet serve` processes on that database, leader and standby; the
//                leader is killed (SIGKILL) and the time until the standby answers /healthz as
//                leader is taken, `--takeovers` times (the new leader's standby is the killed
//                one restarted): best, median and worst.
//
//   build-bench/bench_serve_pg [--queued 100000] [--seconds 5] [--connections 16] [--reps 3] [--takeovers 10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "loopback_http.h"
#include "postgres_process.h"
#include "serve_bench_support.h"
#include "server_process.h"

namespace gpufleet {
namespace {

using bench::Clock;
using bench::die;
using bench::metric;
using bench::since;
using bench::Stats;

struct Args {
  int64_t queued = 100'000;
  double seconds = 5;
  int connections = 16;
  int reps = 3;
  int takeovers = 10;
};

// Quantile q of the decision-latency histogram over the decisions between two /metrics pages.
double quantile_between(const std::string& before, const std::string& after, double q) {
  auto count = [](const std::string& page, const std::string& name) { return std::max(0.0, metric(page, name)); };
  const double n = count(after, "gpufleet_decision_latency_seconds_count") - count(before, "gpufleet_decision_latency_seconds_count");
  if (n <= 0) return -1;
  for (double le : serve::kLatencyBucketsS) {
    const std::string name = fmt::format("gpufleet_decision_latency_seconds_bucket{{le=\"{}\"}}", le);
    if (count(after, name) - count(before, name) >= q * n) return le;
  }
  return INFINITY;
}

// Seconds until `standby` says it leads, after `leader` is killed; -1 if not within 20 s.
double takeover(testing::ServerProcess& leader, testing::ServerProcess& standby) {
  const auto t0 = Clock::now();
  leader.kill_now();
  while (since(t0) < 20) {
    const auto h = standby.get("/healthz", "");
    if (h.status == 200 && h.body.is_object() && h.body.value("status", "") == "ok") return since(t0);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

int run(const Args& a) {
  testing::PostgresProcess pg("bench-serve");
  if (!pg.available()) {
    std::printf("bench_serve_pg: skipped: %s\n", pg.reason().c_str());
    return 0;
  }
  auto scenario = default_scenario();
  if (!scenario) die(scenario.error().to_string());
  scenario->policy.quotas = {TenantQuota{"backlog", 0, false}, TenantQuota{"bench", 1'000'000'000, true}};
  std::string tenant_token, admin_token;
  {
    auto store = serve::open_postgresql_store(pg.url());
    if (!store) die(store.error().to_string());
    auto t = serve::Service::add_token(**store, "bench", false);
    auto adm = serve::Service::add_token(**store, "", true);
    if (!t || !adm) die("cannot add tokens");
    tenant_token = *t;
    admin_token = *adm;
  }
  auto t0 = Clock::now();
  {
    auto store = serve::open_postgresql_store(pg.url());
    if (!store) die(store.error().to_string());
    bench::prefill_queued(**store, a.queued, "backlog", 10'000);  // a tenant over its quota: waits, blocks no one
  }
  std::printf("bench_serve_pg: PostgreSQL on 127.0.0.1 (fsync on), built-in fleet '%s' with tenant quotas; %lld queued jobs "
              "pre-filled in %.1f s\n",
              scenario->name.c_str(), static_cast<long long>(a.queued), since(t0));
  std::printf("  %d client connections (keep-alive, one client thread), %.0f s per run, %d runs\n", a.connections, a.seconds, a.reps);
  std::fflush(stdout);

  Stats restart, submits, p50, p99;
  const std::string fitting_job = R"({"gpus": 1, "estimated_duration": "7d", "name": "bench-fits"})";
  for (int rep = 0; rep < a.reps; ++rep) {
    bench::Server s(*scenario, serve::open_postgresql_store(pg.url()));
    restart.add(s.open_s);
    s.service->start();
    const std::string before = s.get_metrics(admin_token);
    bench::LoopbackLoad load(s.port, a.connections, "POST", "/v1/jobs", tenant_token, 201);
    const auto res = load.run(a.seconds, int64_t{1} << 40, [&](int64_t) { return fitting_job; });
    if (!res.error.empty()) die(res.error);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the last tick's pass
    const std::string after = s.get_metrics(admin_token);
    submits.add(static_cast<double>(res.ok) / res.seconds);
    p50.add(quantile_between(before, after, 0.5));
    p99.add(quantile_between(before, after, 0.99));
    std::printf("  [run %d] restart %.2f s; %lld submissions (201) in %.1f s; queue %.0f; decision latency p50 <= %g s, p99 <= %g s\n",
                rep + 1, s.open_s, static_cast<long long>(res.ok), res.seconds, metric(after, "gpufleet_queue_length"),
                p50.v.back(), p99.v.back());
    std::fflush(stdout);
  }
  std::printf("with %lld jobs queued:\n", static_cast<long long>(a.queued));
  std::printf("  restart (Service::open)       best %.2f s, median %.2f s\n", restart.best(false), restart.median());
  std::printf("  acknowledged submissions/s    best %.0f, median %.0f\n", submits.best(true), submits.median());
  std::printf("  decision latency p50          best %g s, median %g s\n", p50.best(false), p50.median());
  std::printf("  decision latency p99          best %g s, median %g s\n", p99.best(false), p99.median());
  std::fflush(stdout);

  // Takeover: the leader is always the one started first; the killed one comes back as standby.
  const auto dir = testing::fresh_dir("bench-serve-pg-takeover");
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  testing::ServerProcess first(dir / "a", {}), second(dir / "b", {});
  first.set_db(pg.url());
  second.set_db(pg.url());
  if (!first.start()) die("the first server did not start: " + first.log());
  if (!second.start()) die("the second server did not start: " + second.log());
  testing::ServerProcess* leader = &first;
  testing::ServerProcess* standby = &second;
  Stats took;
  for (int k = 0; k < a.takeovers; ++k) {
    const double s = takeover(*leader, *standby);
    if (s < 0) die("the standby never took over: " + standby->log());
    took.add(s);
    std::printf("  [takeover %d] %.3f s\n", k + 1, s);
    std::fflush(stdout);
    if (!leader->start()) die("the killed server did not come back: " + leader->log());
    std::swap(leader, standby);
  }
  std::printf("standby takeover after SIGKILL of the leader (%d times, %lld+ jobs in the database):\n", a.takeovers,
              static_cast<long long>(a.queued));
  std::printf("  best %.3f s, median %.3f s, worst %.3f s (target < 5 s)\n", took.best(false), took.median(), took.best(true));
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace gpufleet

int main(int argc, char** argv) {
  gpufleet::Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--queued") a.queued = std::stoll(v);
    else if (k == "--seconds") a.seconds = std::stod(v);
    else if (k == "--connections") a.connections = std::stoi(v);
    else if (k == "--reps") a.reps = std::stoi(v);
    else if (k == "--takeovers") a.takeovers = std::stoi(v);
    else gpufleet::bench::die("unknown option " + k + "; expected --queued, --seconds, --connections, --reps or --takeovers");
  }
  return gpufleet::run(a);
}
