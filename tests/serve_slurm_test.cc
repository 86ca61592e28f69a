// `gpufleet serve` with a site backed by a real Slurm cluster (slurm_cluster.h: slurmctld, two
// slurmd and munged that the test starts): jobs submitted over HTTP appear in squeue, run
// (short sleeps), complete, and are finished in gpufleet; cancel reaches Slurm; a node Slurm
// marks down requeues the job, one it drains is drained in the fleet; a restart tracks the run it had submitted instead of submitting
// it again; a partition that disappears keeps jobs queued with sbatch's reason; a cluster that
// does not answer or lacks the partition stops the service at start.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "serve_fixtures.h"
#include "server_process.h"
#include "slurm_cluster.h"

namespace gpufleet::testing {
namespace {

using nlohmann::json;

// One site on the cluster: 2 nodes of 4 GPUs. The job's name says how long it sleeps.
std::string slurm_yaml(const SlurmCluster& c, const std::string& partition = "", const std::string& conf = "",
                       int gpus_per_node = 4) {
  return R"(name: slurm-test
start: 2026-01-01
horizon: 30d
policy: {queue: fifo-backfill, placement: cost}
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700}
providers:
  - name: lab
sites:
  - name: slurm-local
    provider: lab
    jurisdiction: US
    gpus_per_node: )" + std::to_string(gpus_per_node) + R"(
    backend:
      slurm:
        cluster: )" + c.cluster() + R"(
        partition: )" + (partition.empty() ? c.partition() : partition) + R"(
        conf: )" + (conf.empty() ? c.conf() : conf) + R"(
        command: 'case "$GPUFLEET_JOB_NAME" in long*) sleep 300;; mid*) sleep 6;; fail*) exit 3;; *) sleep 1;; esac'
        output: )" + (c.dir() / "out" / "%j.out").string() + R"(
        accounts: {research: lab-research}
        poll_interval: 0.2
        retry_interval: 0.5
        max_failures: 2
contracts:
  - name: lab-main
    site: slurm-local
    accelerator: H100-SXM
    usd_per_gpu_hour: 2.0
    start: 2026-01-01
    end: 2040-01-01
    ramp:
      - {at: 2026-01-01, gpus: 8}
)";
}

json job(const ServerProcess& s, int64_t id) { return s.get("/v1/jobs/" + std::to_string(id)).body; }

int64_t submit(const ServerProcess& s, const std::string& name, int gpus) {
  const auto a = s.post("/v1/jobs", {{"name", name}, {"gpus", gpus}, {"estimated_duration", "2m"}}, tenant_token("research"));
  EXPECT_EQ(a.status, 201) << a.text;
  return a.body.value("id", int64_t{0});
}

// squeue's line for a Slurm job: "id|name|comment|account|state", or "".
std::string squeue_line(const SlurmCluster& c, int64_t slurm_id) {
  const auto r = c.run("squeue --noheader --states=all --format='%i|%j|%k|%a|%T'");
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind(std::to_string(slurm_id) + "|", 0) == 0) return line;
  return "";
}

class ServeSlurm : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    cluster_ = std::make_unique<SlurmCluster>(name, 2, 4);
    if (!cluster_->available()) GTEST_SKIP() << "no Slurm cluster: " << cluster_->reason();
    dir_ = fresh_dir("serve-slurm-" + name);
  }
  void TearDown() override {
    if (server_) server_->kill_now();
    server_.reset();
    cluster_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void start_server() {
    const auto scenario = write_scenario(dir_, slurm_yaml(*cluster_));
    server_ = std::make_unique<ServerProcess>(dir_, std::vector<std::string>{scenario.string()});
    ASSERT_TRUE(server_->start()) << server_->log();
  }
  bool wait_job(int64_t id, const std::function<bool(const json&)>& pred, double seconds) {
    return SlurmCluster::wait_for([&] { return pred(job(*server_, id)); }, seconds);
  }
  std::unique_ptr<SlurmCluster> cluster_;
  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ServeSlurm, SubmittedJobsRunInSlurmAndFinishAndCancelReachesSlurm) {
  start_server();
  const int64_t a = submit(*server_, "a", 4), b = submit(*server_, "b", 4), c = submit(*server_, "c", 8);
  // a and b are placed at once (one node each) and submitted; c waits in gpufleet for both.
  ASSERT_TRUE(wait_job(a, [](const json& j) { return j.contains("backend_job_id"); }, 20)) << job(*server_, a) << server_->log();
  const int64_t slurm_a = job(*server_, a)["backend_job_id"];
  const std::string line = squeue_line(*cluster_, slurm_a);
  EXPECT_NE(line.find("|a|gpufleet:" + std::to_string(a) + ":0 tenant=research|lab-research|"), std::string::npos) << line;
  EXPECT_EQ(job(*server_, c)["state"], "queued");
  for (int64_t id : {a, b, c})
    ASSERT_TRUE(wait_job(id, [](const json& j) { return j["state"] == "finished"; }, 60)) << job(*server_, id) << server_->log();
  std::set<int64_t> slurm_ids;
  for (int64_t id : {a, b, c}) {
    const json j = job(*server_, id);
    slurm_ids.insert(j["backend_job_id"].get<int64_t>());
    EXPECT_NE(squeue_line(*cluster_, j["backend_job_id"]).find("|COMPLETED"), std::string::npos) << j;
    EXPECT_EQ(j["restarts"], 0);
  }
  EXPECT_EQ(slurm_ids.size(), 3u);
  // c took both nodes: 2 x 4 GPUs.
  EXPECT_NE(cluster_->run("scontrol show job " + std::to_string(*slurm_ids.rbegin())).out.find("NumNodes=2"), std::string::npos);

  // gpufleet cancel reaches Slurm.
  const int64_t l = submit(*server_, "long-1", 4);
  ASSERT_TRUE(wait_job(l, [](const json& j) { return j.contains("backend_job_id"); }, 20)) << job(*server_, l);
  const int64_t slurm_l = job(*server_, l)["backend_job_id"];
  ASSERT_TRUE(SlurmCluster::wait_for([&] { return squeue_line(*cluster_, slurm_l).find("|RUNNING") != std::string::npos; }, 30))
      << squeue_line(*cluster_, slurm_l);
  ::setenv("GPUFLEET_TOKEN", tenant_token("research").c_str(), 1);
  const auto cancelled = run_gpufleet("cancel " + std::to_string(l) + " --server " + server_->url());
  EXPECT_EQ(cancelled.status, 0) << cancelled.err;
  EXPECT_EQ(job(*server_, l)["state"], "cancelled");
  EXPECT_TRUE(SlurmCluster::wait_for([&] { return squeue_line(*cluster_, slurm_l).find("|CANCELLED") != std::string::npos; }, 20))
      << squeue_line(*cluster_, slurm_l);
  const auto health = server_->get("/healthz", "").body;
  EXPECT_EQ(health["backends"][0]["site"], "slurm-local");
  EXPECT_EQ(health["backends"][0]["takes_jobs"], true);
  EXPECT_EQ(server_->stop(), 0) << server_->log();
}

// A job whose runs fail by themselves (exit 3, Slurm says FAILED) is requeued, and given up as
// failed at the site's max_failures (2): two Slurm jobs, one restart; its GPUs are free again.
TEST_F(ServeSlurm, AJobThatKeepsFailingIsGivenUpAtMaxFailures) {
  start_server();
  const int64_t f = submit(*server_, "fail-1", 8);
  ASSERT_TRUE(wait_job(f, [](const json& j) { return j["state"] == "failed"; }, 60)) << job(*server_, f) << server_->log();
  const json j = job(*server_, f);
  EXPECT_EQ(j["restarts"], 1) << j;
  EXPECT_NE(server_->log().find("failed 2 times, given up"), std::string::npos) << server_->log();
  // Both runs reached Slurm and ended FAILED there.
  const auto runs = cluster_->run("squeue --noheader --states=all --format='%j|%T'");
  size_t failed = 0;
  for (size_t at = runs.out.find("fail-1|FAILED"); at != std::string::npos; at = runs.out.find("fail-1|FAILED", at + 1)) ++failed;
  EXPECT_EQ(failed, 2u) << runs.out;
  // The job's GPUs (the whole site) are free: the next job runs.
  const int64_t a = submit(*server_, "a", 8);
  ASSERT_TRUE(wait_job(a, [](const json& x) { return x["state"] == "finished"; }, 60)) << job(*server_, a) << server_->log();
  // Stored as failed: a restarted service has it so and submits nothing more for it.
  EXPECT_EQ(server_->stop(), 0) << server_->log();
  ASSERT_TRUE(server_->start()) << server_->log();
  EXPECT_EQ(job(*server_, f)["state"], "failed");
  EXPECT_EQ(server_->stop(), 0) << server_->log();
  // A state no gpufleet writes (a newer one's, or a damaged file) stops the service at start,
  // naming the field, instead of being counted out of bounds.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "state.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE jobs SET state = 9 WHERE id = 1", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_FALSE(server_->start());
  EXPECT_NE(server_->log().find("jobs.state"), std::string::npos) << server_->log();
}

// gpufleet's model says 8 GPUs per node where Slurm's nodes have 4: an 8-GPU job asks
// --gres=gpu:8, which sbatch refuses while the partition is up. That is the job's own refusal:
// the site is not held (a 4-GPU job runs meanwhile), and the job is failed at max_failures (2).
TEST_F(ServeSlurm, AJobSbatchRefusesForItsOwnReasonDoesNotHoldTheSite) {
  const auto scenario = write_scenario(dir_, slurm_yaml(*cluster_, "", "", 8));
  server_ = std::make_unique<ServerProcess>(dir_, std::vector<std::string>{scenario.string()});
  ASSERT_TRUE(server_->start()) << server_->log();
  const int64_t big = submit(*server_, "big", 8);
  ASSERT_TRUE(wait_job(big, [](const json& j) { return j["state"] == "failed"; }, 60)) << job(*server_, big) << server_->log();
  EXPECT_EQ(job(*server_, big)["restarts"], 0);
  EXPECT_NE(server_->log().find("refused for its own reason"), std::string::npos) << server_->log();
  EXPECT_NE(server_->log().find("failed 2 times, given up"), std::string::npos) << server_->log();
  const int64_t small = submit(*server_, "a", 4);
  ASSERT_TRUE(wait_job(small, [](const json& j) { return j["state"] == "finished"; }, 60)) << job(*server_, small) << server_->log();
  EXPECT_EQ(server_->log().find("takes no jobs"), std::string::npos) << server_->log();
  EXPECT_EQ(server_->stop(), 0) << server_->log();
}

TEST_F(ServeSlurm, ANodeSlurmMarksDownRequeuesTheJobItRunsAgainOnceTheNodeIsBackAndADrainedNodeKeepsItsJob) {
  start_server();
  const int64_t id = submit(*server_, "long-gang", 8);
  ASSERT_TRUE(wait_job(id, [](const json& j) { return j.contains("backend_job_id"); }, 20)) << job(*server_, id);
  const int64_t first = job(*server_, id)["backend_job_id"];
  ASSERT_TRUE(SlurmCluster::wait_for([&] { return squeue_line(*cluster_, first).find("|RUNNING") != std::string::npos; }, 30));
  ASSERT_EQ(cluster_->run("scontrol update nodename=n1 state=down reason=test").status, 0);
  // gpufleet: the job is back in the queue (a restart), and cannot fit on one node.
  ASSERT_TRUE(wait_job(id, [](const json& j) { return j["state"] == "queued" && j["restarts"] == 1; }, 30))
      << job(*server_, id) << server_->log();
  const auto fleet = server_->get("/v1/fleet").body;
  ASSERT_EQ(fleet["pools"][0]["nodes_out_of_service"].size(), 1u) << fleet;
  EXPECT_EQ(fleet["pools"][0]["nodes_out_of_service"][0]["state"], "down") << fleet;
  // Slurm ended it (NODE_FAIL; or CANCELLED, when gpufleet's scancel of the requeued run got there first).
  EXPECT_TRUE(SlurmCluster::wait_for([&] {
    const std::string l = squeue_line(*cluster_, first);
    return l.find("|NODE_FAIL") != std::string::npos || l.find("|CANCELLED") != std::string::npos;
  }, 20)) << squeue_line(*cluster_, first);
  ASSERT_EQ(cluster_->run("scontrol update nodename=n1 state=resume").status, 0);
  ASSERT_TRUE(wait_job(id, [&](const json& j) { return j.contains("backend_job_id") && j["backend_job_id"] != first; }, 30))
      << job(*server_, id) << server_->log();
  const int64_t second = job(*server_, id)["backend_job_id"];
  EXPECT_NE(squeue_line(*cluster_, second).find("gpufleet:" + std::to_string(id) + ":1 "), std::string::npos);
  ASSERT_TRUE(SlurmCluster::wait_for([&] { return squeue_line(*cluster_, second).find("|RUNNING") != std::string::npos; }, 30));
  // A node Slurm drains is drained in the fleet: the job there runs on.
  ASSERT_EQ(cluster_->run("scontrol update nodename=n2 state=drain reason=maintenance").status, 0);
  const auto draining = [&] {
    const auto f = server_->get("/v1/fleet").body;
    return f["pools"][0]["nodes_out_of_service"].size() == 1 && f["pools"][0]["nodes_out_of_service"][0]["state"] == "draining";
  };
  EXPECT_TRUE(SlurmCluster::wait_for(draining, 20)) << server_->get("/v1/fleet").body << server_->log();
  EXPECT_EQ(job(*server_, id)["state"], "running");
  EXPECT_EQ(job(*server_, id)["backend_job_id"], second);
  ASSERT_EQ(cluster_->run("scontrol update nodename=n2 state=resume").status, 0);
  EXPECT_TRUE(SlurmCluster::wait_for([&] { return server_->get("/v1/fleet").body["pools"][0]["nodes_out_of_service"].empty(); }, 20))
      << server_->get("/v1/fleet").body << server_->log();
  EXPECT_EQ(job(*server_, id)["state"], "running");
  EXPECT_EQ(server_->stop(), 0) << server_->log();
}

TEST_F(ServeSlurm, ARestartedServiceTracksTheRunItSubmittedAndNeverSubmitsItTwice) {
  start_server();
  const int64_t id = submit(*server_, "mid-1", 4);
  ASSERT_TRUE(wait_job(id, [](const json& j) { return j.contains("backend_job_id"); }, 20)) << job(*server_, id);
  const int64_t slurm_id = job(*server_, id)["backend_job_id"];
  // A crash, and a crash that lost the id (as if it came between sbatch and the commit): the
  // restarted service finds the run by its comment.
  server_->kill_now();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "state.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE jobs SET backend_job_id = 0", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  ASSERT_TRUE(server_->start()) << server_->log();
  ASSERT_TRUE(wait_job(id, [](const json& j) { return j["state"] == "finished"; }, 40)) << job(*server_, id) << server_->log();
  EXPECT_EQ(job(*server_, id)["backend_job_id"], slurm_id);
  const auto all = cluster_->run("squeue --noheader --states=all --format=%k").out;
  size_t runs = 0;
  for (size_t at = 0; (at = all.find("gpufleet:" + std::to_string(id) + ":", at)) != std::string::npos; ++at) ++runs;
  EXPECT_EQ(runs, 1u) << all;
  EXPECT_NE(server_->log().find("found in the cluster after a restart"), std::string::npos) << server_->log();
  EXPECT_EQ(server_->stop(), 0) << server_->log();
}

TEST_F(ServeSlurm, APartitionThatGoesAwayKeepsJobsQueuedWithSbatchsReasonUntilItIsBack) {
  start_server();
  ASSERT_EQ(cluster_->run("scontrol delete partitionname=gpu").status, 0);
  const int64_t id = submit(*server_, "a", 4);
  ASSERT_TRUE(wait_job(id, [](const json& j) { return j.value("why_pending", "").find("sbatch failed") != std::string::npos; }, 20))
      << job(*server_, id) << server_->log();
  const json waiting = job(*server_, id);
  EXPECT_EQ(waiting["state"], "queued");
  EXPECT_EQ(waiting["restarts"], 0);
  EXPECT_NE(waiting["why_pending"].get<std::string>().find("slurm cluster testcluster: sbatch failed: "), std::string::npos) << waiting;
  EXPECT_NE(waiting["why_pending"].get<std::string>().find("nvalid partition"), std::string::npos) << waiting;
  EXPECT_EQ(server_->get("/healthz", "").body["backends"][0]["takes_jobs"], false);
  // gpufleet status shows it too.
  ::setenv("GPUFLEET_TOKEN", tenant_token("research").c_str(), 1);
  const auto status = run_gpufleet("status " + std::to_string(id) + " --server " + server_->url());
  EXPECT_NE(status.out.find("sbatch failed"), std::string::npos) << status.out << status.err;
  ASSERT_EQ(cluster_->run("scontrol create partitionname=gpu nodes=n1,n2 default=yes state=up maxtime=infinite").status, 0);
  ASSERT_TRUE(wait_job(id, [](const json& j) { return j["state"] == "finished"; }, 40)) << job(*server_, id) << server_->log();
  EXPECT_EQ(server_->stop(), 0) << server_->log();
}

TEST_F(ServeSlurm, AMissingPartitionOrAClusterThatDoesNotAnswerStopsTheServiceAtStart) {
  const auto db = (dir_ / "x.db").string();
  const auto nope = write_scenario(dir_, slurm_yaml(*cluster_, "nope"));
  auto r = run_gpufleet("serve " + nope.string() + " --db " + db + " --listen 127.0.0.1:0");
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("slurm cluster testcluster (site slurm-local): no partition 'nope'; the cluster has gpu"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sites[0].backend.slurm"), std::string::npos) << r.err;
  // The same cluster's configuration with the controller's port moved to where none listens.
  std::string conf = slurp(cluster_->conf());
  const size_t at = conf.find("SlurmctldPort=");
  conf.replace(at, conf.find('\n', at) - at, "SlurmctldPort=1");
  const auto dead = dir_ / "dead.conf";
  std::ofstream(dead) << conf;
  std::filesystem::copy_file(cluster_->dir() / "gres.conf", dir_ / "gres.conf");
  const auto down = write_scenario(dir_, slurm_yaml(*cluster_, "", dead.string()));
  r = run_gpufleet("serve " + down.string() + " --db " + db + " --listen 127.0.0.1:0");
  EXPECT_EQ(r.status, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("slurm cluster testcluster (site slurm-local): the controller does not answer"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gpufleet::testing
