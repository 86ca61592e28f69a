// The Slurm backend against a fake of the Slurm commands (the CommandRunner seam): what it
// runs, and what it makes of what they answer. tests/serve_slurm_test.cc runs it against a
// real cluster.
#include "serve/slurm_backend.h"

#include <condition_variable>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gpufleet::serve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

SlurmBackendSpec spec() {
  SlurmBackendSpec s;
  s.cluster = "c1";
  s.partition = "gpu";
  s.conf = "/etc/test/slurm.conf";
  s.command = "sleep 1";
  s.accounts = {{"research", "lab-r"}};
  s.poll_interval_s = 0.01;
  s.retry_interval_s = 0.01;
  return s;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

TEST(SlurmBackend, SbatchTakesWholeNodesForAGangAndTheTenantsAccount) {
  RunSpec r;
  r.job_id = 12;
  r.run = 1;
  r.name = "train";
  r.tenant = "research";
  r.gpus = 8;
  r.gpus_per_node = 4;
  r.estimated_duration_s = 90;
  const auto a = sbatch_argv(spec(), r);
  EXPECT_EQ(a.front(), "sbatch");
  for (const char* x : {"--parsable", "--partition=gpu", "--job-name=train", "--comment=gpufleet:12:1 tenant=research", "--nodes=2",
                        "--gres=gpu:4", "--time=2", "--no-requeue", "--account=lab-r", "--wrap=sleep 1"})
    EXPECT_TRUE(has(a, x)) << x;
  r.gpus = 3;
  r.tenant = "other";
  const auto small = sbatch_argv(spec(), r);
  EXPECT_TRUE(has(small, "--nodes=1"));
  EXPECT_TRUE(has(small, "--gres=gpu:3"));
  for (const auto& x : small) EXPECT_EQ(x.rfind("--account", 0), std::string::npos) << x;
  EXPECT_TRUE(has(sbatch_env(spec(), r), "GPUFLEET_JOB_ID=12"));
}

TEST(SlurmBackend, HostlistsExpand) {
  EXPECT_THAT(expand_hostlist("n[1-3,7],gpu-a[01-02],x"), ElementsAre("n1", "n2", "n3", "n7", "gpu-a01", "gpu-a02", "x"));
  EXPECT_THAT(expand_hostlist("n1"), ElementsAre("n1"));
  EXPECT_TRUE(expand_hostlist("").empty());
}

// A fake cluster: answers sbatch, squeue, sinfo and scancel from what the test sets.
struct FakeSlurm {
  std::mutex mu;
  std::vector<std::vector<std::string>> calls;
  std::string squeue_out, sinfo_nodes = "n1|idle|none\nn2|idle|none\n", partition_state = "up";
  CommandResult sbatch{true, 0, "42\n", ""};

  CommandRunner runner() {
    return [this](const std::vector<std::string>& argv, const std::vector<std::string>& env, double) {
      std::lock_guard lock(mu);
      calls.push_back(argv);
      EXPECT_TRUE(has(env, "SLURM_CONF=/etc/test/slurm.conf"));
      const std::string& cmd = argv[0];
      if (cmd == "sbatch") return sbatch;
      if (cmd == "squeue") return CommandResult{true, 0, squeue_out, ""};
      if (cmd == "sinfo" && has(argv, "--Node")) return CommandResult{true, 0, sinfo_nodes, ""};
      if (cmd == "sinfo" && has(argv, "--format=%R|%a")) return CommandResult{true, 0, "debug|up\ngpu|" + partition_state + "\n", ""};
      if (cmd == "sinfo") return CommandResult{true, 0, partition_state + "\n", ""};
      if (cmd == "scontrol") return CommandResult{true, 0, "ClusterName             = c1\n", ""};
      return CommandResult{true, 0, "", ""};
    };
  }
  int count(const std::string& cmd) {
    std::lock_guard lock(mu);
    int n = 0;
    for (const auto& c : calls) n += c[0] == cmd;
    return n;
  }
};

struct Reports {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<RunReport> runs;
  std::vector<NodeReport> nodes;
  std::vector<std::string> holds;
  BackendSink sink() {
    BackendSink s;
    s.run = [this](const RunReport& r) { add([&] { runs.push_back(r); }); };
    s.node = [this](const NodeReport& n) { add([&] { nodes.push_back(n); }); };
    s.hold = [this](const std::string& h) { add([&] { holds.push_back(h); }); };
    return s;
  }
  template <class F>
  void add(F f) {
    {
      std::lock_guard lock(mu);
      f();
    }
    cv.notify_all();
  }
  template <class P>
  bool wait(P pred) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), pred);
  }
};

RunSpec run_of(int64_t id) {
  RunSpec r;
  r.job_id = id;
  r.tenant = "research";
  r.gpus = 4;
  r.estimated_duration_s = 60;
  return r;
}

TEST(SlurmBackend, ASubmittedRunStartsAndFinishesAsSqueueSays) {
  FakeSlurm slurm;
  Reports got;
  auto b = make_slurm_backend("site", spec(), 4, slurm.runner());
  b->start(got.sink());
  b->submit(run_of(7));
  ASSERT_TRUE(got.wait([&] { return got.runs.size() == 1; }));
  EXPECT_EQ(got.runs[0].event, RunEvent::submitted);
  EXPECT_EQ(got.runs[0].backend_job_id, 42);
  {
    std::lock_guard lock(slurm.mu);
    slurm.squeue_out = "42|RUNNING|n[1-2]\n";
  }
  ASSERT_TRUE(got.wait([&] { return got.runs.size() == 2; }));
  EXPECT_EQ(got.runs[1].event, RunEvent::started);
  // Node n2 goes down under it: reported with the job and the node's place in its list.
  {
    std::lock_guard lock(slurm.mu);
    slurm.sinfo_nodes = "n1|allocated|none\nn2|down*|test\n";
  }
  ASSERT_TRUE(got.wait([&] { return got.nodes.size() == 1; }));
  EXPECT_EQ(got.nodes[0].node, "n2");
  EXPECT_EQ(got.nodes[0].condition, NodeCondition::failed);
  EXPECT_EQ(got.nodes[0].job_id, 7);
  EXPECT_EQ(got.nodes[0].node_index, 1);
  EXPECT_THAT(got.nodes[0].reason, HasSubstr("node n2 is down* (test)"));
  // n1 drained by the cluster's operator, n2 back.
  {
    std::lock_guard lock(slurm.mu);
    slurm.sinfo_nodes = "n1|draining|maintenance\nn2|allocated|none\n";
  }
  ASSERT_TRUE(got.wait([&] { return got.nodes.size() == 3; }));
  std::sort(got.nodes.begin() + 1, got.nodes.end(), [](const NodeReport& a, const NodeReport& b) { return a.node < b.node; });
  EXPECT_EQ(got.nodes[1].node, "n1");
  EXPECT_EQ(got.nodes[1].condition, NodeCondition::drained);
  EXPECT_EQ(got.nodes[2].node, "n2");
  EXPECT_EQ(got.nodes[2].condition, NodeCondition::in_service);
  {
    std::lock_guard lock(slurm.mu);
    slurm.squeue_out = "42|COMPLETED|n[1-2]\n";
  }
  ASSERT_TRUE(got.wait([&] { return got.runs.size() == 3; }));
  EXPECT_EQ(got.runs[2].event, RunEvent::finished);
  b->stop();
  EXPECT_EQ(slurm.count("sbatch"), 1);
}

TEST(SlurmBackend, ARefusedSubmissionHoldsTheSiteUntilThePartitionIsUpAgain) {
  FakeSlurm slurm;
  slurm.sbatch = CommandResult{true, 1, "", "sbatch: error: invalid partition specified: gpu\nsbatch: error: Batch job submission failed: Invalid partition name specified\n"};
  slurm.partition_state = "";
  Reports got;
  auto b = make_slurm_backend("site", spec(), 4, slurm.runner());
  b->start(got.sink());
  b->submit(run_of(1));
  ASSERT_TRUE(got.wait([&] { return got.runs.size() == 1; }));
  EXPECT_EQ(got.runs[0].event, RunEvent::refused);
  EXPECT_EQ(got.runs[0].message, "slurm cluster c1: sbatch failed: invalid partition specified: gpu");
  ASSERT_EQ(got.holds.size(), 1u);
  // While held, another run is refused without asking sbatch.
  b->submit(run_of(2));
  ASSERT_TRUE(got.wait([&] { return got.runs.size() == 2; }));
  EXPECT_EQ(got.runs[1].event, RunEvent::refused);
  EXPECT_EQ(slurm.count("sbatch"), 1);
  {
    std::lock_guard lock(slurm.mu);
    slurm.partition_state = "up";
  }
  ASSERT_TRUE(got.wait([&] { return got.holds.size() == 2; }));
  EXPECT_EQ(got.holds[1], "");
  b->stop();
}

TEST(SlurmBackend, AResumedRunIsFoundByItsCommentAndNotSubmittedAgain) {
  FakeSlurm slurm;
  slurm.squeue_out = "40|gpufleet:3:0 tenant=x\n41|gpufleet:5:2 tenant=research\n";
  Reports got;
  auto b = make_slurm_backend("site", spec(), 4, slurm.runner());
  b->start(got.sink());
  RunSpec r = run_of(5);
  r.run = 2;
  r.resume = true;
  b->submit(r);
  ASSERT_TRUE(got.wait([&] { return !got.runs.empty(); }));
  EXPECT_EQ(got.runs[0].event, RunEvent::submitted);
  EXPECT_EQ(got.runs[0].backend_job_id, 41);
  b->cancel(5, 2);
  for (int i = 0; i < 200 && slurm.count("scancel") == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // A run known by its id and cancelled at once (what a restart does with a run its pool no
  // longer holds) is cancelled in Slurm, not dropped.
  RunSpec known = run_of(6);
  known.backend_job_id = 50;
  known.resume = true;
  b->submit(known);
  b->cancel(6, 0);
  for (int i = 0; i < 200 && slurm.count("scancel") < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  b->stop();
  EXPECT_EQ(slurm.count("sbatch"), 0);
  EXPECT_EQ(slurm.count("scancel"), 2);
}

TEST(SlurmBackend, TheStartCheckSaysWhatIsWrongAndHowToExit) {
  FakeSlurm slurm;
  EXPECT_FALSE(check_slurm_cluster("s", spec(), slurm.runner()));
  SlurmBackendSpec elsewhere = spec();
  elsewhere.partition = "big";
  auto none = check_slurm_cluster("s", elsewhere, slurm.runner());
  ASSERT_TRUE(none);
  EXPECT_EQ(none->exit_status, 2);
  EXPECT_THAT(none->error.message, HasSubstr("no partition 'big'; the cluster has debug, gpu"));
  SlurmBackendSpec other = spec();
  other.cluster = "c2";
  auto p = check_slurm_cluster("s", other, slurm.runner());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->exit_status, 2);
  EXPECT_THAT(p->error.message, HasSubstr("serves cluster 'c1'; expected 'c2'"));
  const CommandRunner down = [](const std::vector<std::string>&, const std::vector<std::string>&, double) {
    return CommandResult{true, 1, "", "scontrol: error: Unable to contact slurm controller (connect failure)\n"};
  };
  p = check_slurm_cluster("s", spec(), down);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->exit_status, 4);
  EXPECT_THAT(p->error.message, HasSubstr("the controller does not answer: Unable to contact slurm controller"));
  const CommandRunner missing = [](const std::vector<std::string>& argv, const std::vector<std::string>&, double) {
    return CommandResult{false, -1, "", "cannot run " + argv[0] + ": No such file or directory"};
  };
  p = check_slurm_cluster("s", spec(), missing);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->exit_status, 2);
}

TEST(SlurmBackend, RunCommandCapturesOutputStatusAndTimesOut) {
  const auto r = run_command({"/bin/sh", "-c", "echo out; echo 'x: error: bad thing' >&2; exit 3"}, {"A=1"}, 10);
  EXPECT_TRUE(r.ran);
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.message(), "bad thing");
  EXPECT_EQ(run_command({"/bin/sh", "-c", "echo $A"}, {"A=2"}, 10).out, "2\n");
  const auto slow = run_command({"/bin/sleep", "5"}, {}, 1);
  EXPECT_FALSE(slow.ran);
  EXPECT_THAT(slow.err, HasSubstr("did not answer within 1 s"));
  EXPECT_FALSE(run_command({"/no/such/binary"}, {}, 1).ran);
}

}  // namespace
}  // namespace gpufleet::serve
