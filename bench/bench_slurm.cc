// Benchmark (opt-in: -DGPUFLEET_BENCH=ON): the same N jobs submitted, in one run, to a local
// Slurm controller with sbatch and to `gpufleet serve`, and the rate at which each accepts
// them. The cluster is the tests' (tests/slurm_cluster.h: munged, slurmctld and 2 slurmd of
// 4 fake GPUs on this machine, started and stopped here; as root).
//
//   sbatch    `--clients` threads each run sbatch for their share of the N jobs, one after the
//             other: the very command line the Slurm backend runs for a 4-GPU job
//             (sbatch_argv), plus --hold so that no job runs. A job is accepted when sbatch
//             has printed its id. Jobs/s = N / wall seconds from the first start to the last
//             id. The held jobs are cancelled after each repetition (and forgotten by the
//             controller 5 s later: MinJobAge=5).
//   gpufleet  Service + HttpServer in this process (as bench_serve.cc), SQLite
//             synchronous=FULL (or NORMAL), on a scenario whose one site is that Slurm cluster (8 GPUs:
//             the first jobs are placed and the backend submits them to Slurm meanwhile, the
//             rest queue); `--clients` keep-alive HTTP connections (loopback_http.h) POST
//             the N jobs. A job is accepted when its 201 (committed) reply has arrived.
//             Jobs/s = N / wall seconds.
//
// Each repetition runs both, sbatch first; best and median of `--reps` are printed, and the
// ratio gpufleet / sbatch of the medians. Target (issue 12): gpufleet >= 10x sbatch.
//
//   build-bench/bench_slurm [--jobs 1000] [--reps 3] [--clients 16] [--synchronous full|normal]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "slurm_cluster.h"
#include "gpufleet/scenario.h"
#include "loopback_http.h"
#include "serve_bench_support.h"
#include "serve/http_api.h"
#include "serve/service.h"
#include "serve/slurm_backend.h"
#include "serve/store.h"
#include "serve/subprocess.h"

namespace gpufleet {
namespace {

namespace fs = std::filesystem;
using bench::Clock;
using bench::die;
using bench::since;
using bench::Stats;

struct Args {
  int64_t jobs = 1000;
  int reps = 3;
  int clients = 16;
  serve::Durability durability = serve::Durability::full;
};

std::string scenario_yaml(const testing::SlurmCluster& c) {
  return fmt::format(R"(name: bench-slurm
start: 2026-01-01
horizon: 30d
policy: {{queue: fifo, placement: cost}}
accelerators:
  - {{name: H100-SXM, board_power_w: 700}}
providers:
  - name: lab
sites:
  - name: slurm-local
    provider: lab
    gpus_per_node: 4
    backend:
      slurm: {{cluster: {}, partition: {}, conf: {}, command: 'sleep 1', output: /dev/null}}
contracts:
  - {{name: lab-main, site: slurm-local, accelerator: H100-SXM, usd_per_gpu_hour: 2.0, start: 2026-01-01, end: 2040-01-01,
     ramp: [{{at: 2026-01-01, gpus: 8}}]}}
)",
                     c.cluster(), c.partition(), c.conf());
}

// N sbatch runs on `clients` threads; jobs/s.
double run_sbatch(const SlurmBackendSpec& spec, int64_t jobs, int clients) {
  std::atomic<int64_t> next{0}, failed{0};
  std::string first_error;
  std::mutex mu;
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      for (int64_t i; (i = next++) < jobs;) {
        serve::RunSpec r;
        r.job_id = i + 1;
        r.name = "bench";
        r.tenant = "bench";
        r.gpus = 4;
        r.gpus_per_node = 4;
        r.estimated_duration_s = 3600;
        std::vector<std::string> argv = serve::sbatch_argv(spec, r);
        argv.insert(argv.end() - 1, "--hold");
        const serve::CommandResult res = serve::run_command(argv, {"SLURM_CONF=" + spec.conf}, 60);
        if (!res.ok() || res.out.empty()) {
          ++failed;
          std::lock_guard lock(mu);
          if (first_error.empty()) first_error = res.message();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double s = since(t0);
  if (failed) die(fmt::format("{} sbatch runs failed, the first: {}", failed.load(), first_error));
  return static_cast<double>(jobs) / s;
}

// N submissions over `clients` connections to a fresh service on the Slurm site; jobs/s.
double run_gpufleet(const Scenario& scenario, const fs::path& db, int64_t jobs, int clients, serve::Durability durability) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  std::string token;
  {
    auto store = serve::open_sqlite_store(db.string(), serve::Durability::full);
    if (!store) die(store.error().to_string());
    auto t = serve::Service::add_token(**store, "bench", false);
    if (!t) die(t.error().to_string());
    token = *t;
  }
  bench::Server server(scenario, serve::open_sqlite_store(db.string(), durability));
  server.service->start();
  bench::LoopbackLoad load(server.port, clients, "POST", "/v1/jobs", token, 201);
  const std::string body = R"({"gpus": 4, "estimated_duration": "1h", "name": "bench"})";
  const auto res = load.run(600, jobs, [&](int64_t) { return body; });
  if (!res.error.empty()) die(res.error);
  if (res.ok != jobs) die(fmt::format("{} of {} submissions answered 201; the first other: {}", res.ok, jobs, res.first_other));
  return static_cast<double>(jobs) / res.seconds;
}

int run(const Args& a) {
  // Ended jobs leave the controller's memory after 5 s, and it holds up to 500,000: no
  // repetition waits for the one before it to be forgotten.
  testing::SlurmCluster cluster("bench", 2, 4, "testcluster", "gpu", "MaxJobCount=500000\nMinJobAge=5\n");
  if (!cluster.available()) die("no Slurm cluster: " + cluster.reason());
  auto scenario = load_scenario_text(scenario_yaml(cluster), "bench-slurm.yaml");
  if (!scenario) die(scenario.error().to_string());
  const SlurmBackendSpec& spec = *scenario->sites[0].slurm;
  const fs::path db = fs::temp_directory_path() / fmt::format("bench-slurm-{}.db", ::getpid());
  std::string version = cluster.run("sinfo --version").out;
  version = version.substr(0, version.find('\n'));
  std::printf("bench_slurm: %lld jobs of 4 GPUs, %d clients each way, %d repetitions; Slurm %s (slurmctld + 2 slurmd on this machine)\n",
              static_cast<long long>(a.jobs), a.clients, a.reps, version.c_str());
  Stats sbatch, fleet;
  for (int rep = 0; rep < a.reps; ++rep) {
    const double s = run_sbatch(spec, a.jobs, a.clients);
    cluster.run("scancel --user=root");
    testing::SlurmCluster::wait_for([&] { return cluster.run("squeue --noheader").out.empty(); }, 60);
    const double g = run_gpufleet(*scenario, db, a.jobs, a.clients, a.durability);
    cluster.run("scancel --user=root");
    sbatch.v.push_back(s);
    fleet.v.push_back(g);
    std::printf("  [rep %d] sbatch %.0f jobs/s, gpufleet %.0f jobs/s (%.1fx)\n", rep + 1, s, g, g / s);
    std::fflush(stdout);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  std::printf("  sbatch accepted jobs/s       best %.0f, median %.0f\n", sbatch.best(true), sbatch.median());
  std::printf("  gpufleet accepted jobs/s     best %.0f, median %.0f (committed, synchronous=%s)\n", fleet.best(true), fleet.median(),
              a.durability == serve::Durability::full ? "FULL" : "NORMAL");
  std::printf("  ratio gpufleet / sbatch      %.1fx of the medians, %.1fx of the bests (target >= 10x)\n", fleet.median() / sbatch.median(),
              fleet.best(true) / sbatch.best(true));
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
    else if (k == "--clients") a.clients = std::stoi(v);
    else if (k == "--synchronous" && (v == "full" || v == "normal"))
      a.durability = v == "full" ? gpufleet::serve::Durability::full : gpufleet::serve::Durability::normal;
    else gpufleet::bench::die("unknown option " + k + "; expected --jobs, --reps, --clients or --synchronous full|normal");
  }
  if (a.jobs < 1 || a.reps < 1 || a.clients < 1) gpufleet::bench::die("--jobs, --reps and --clients must be at least 1");
  return gpufleet::run(a);
}
