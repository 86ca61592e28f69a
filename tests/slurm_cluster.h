// A real Slurm cluster for tests: munged, slurmctld and one slurmd per node from Debian's
// slurm-wlm and munge packages, in a temporary folder, on free loopback ports, with a
// generated munge key, slurm.conf and gres.conf (each node's GPUs are character devices made
// in the folder, the same device as /dev/null: Slurm counts them and binds nothing). Several
// nodes run on this one machine (slurmd -N NAME, a port per node). The daemons run as root
// (SlurmUser=root), in the foreground, as children of the test that die with it
// (PR_SET_PDEATHSIG), and are stopped by the destructor after the cluster's jobs are
// cancelled. available() is false, with the reason, where the binaries are missing or the
// tests do not run as root: the tests that need it then skip. Self-contained, so that the
// opt-in benchmark bench/bench_slurm.cc starts the same cluster.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"

namespace gpufleet::testing {

class SlurmCluster {
 public:
  struct Output {
    int status = -1;  // exit status; -1 if it did not exit normally
    std::string out, err;
  };

  // nodes named n1..nN, each with gpus_per_node fake GPUs and 4 CPUs, in one partition.
  // extra_conf: more slurm.conf lines ("MaxJobCount=100000\n"), after the defaults.
  SlurmCluster(const std::string& name, int nodes, int gpus_per_node, std::string cluster = "testcluster",
               std::string partition = "gpu", const std::string& extra_conf = "")
      : cluster_(std::move(cluster)), partition_(std::move(partition)), nodes_(nodes) {
    for (const char* bin : {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch", "/usr/bin/squeue",
                            "/usr/bin/scontrol", "/usr/bin/sinfo", "/usr/bin/scancel"}) {
      if (!std::filesystem::exists(bin)) {
        reason_ = std::string("no ") + bin + ": install slurmctld, slurmd, slurm-client and munge (scripts/setup.sh)";
        return;
      }
    }
    if (::geteuid() != 0) {
      reason_ = "not running as root: the test cluster's daemons run as root (SlurmUser=root)";
      return;
    }
    // munged's socket path must stay under 108 bytes: a short folder name.
    dir_ = std::filesystem::temp_directory_path() / ("gpufleet-slurm-" + name.substr(0, 16) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
    for (const char* d : {"state", "log", "dev", "out"}) std::filesystem::create_directories(dir_ / d);
    // The munge key: 1,024 random bits.
    {
      std::ifstream urandom("/dev/urandom", std::ios::binary);
      std::string key(128, '\0');
      urandom.read(key.data(), 128);
      std::ofstream(dir_ / "munge.key", std::ios::binary) << key;
      std::filesystem::permissions(dir_ / "munge.key", std::filesystem::perms::owner_read);
    }
    const int ctld_port = free_loopback_port();
    std::vector<int> node_ports;
    for (int i = 0; i < nodes; ++i) node_ports.push_back(free_loopback_port());
    const std::string d = dir_.string();
    std::ofstream conf(dir_ / "slurm.conf");
    conf << "ClusterName=" << cluster_ << "\nSlurmctldHost=localhost(127.0.0.1)\nSlurmctldPort=" << ctld_port
         << "\nSlurmUser=root\nSlurmdUser=root\nAuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << d << "/munge.sock"
         << "\nStateSaveLocation=" << d << "/state\nSlurmdSpoolDir=" << d << "/spool-%n\nSlurmctldPidFile=" << d
         << "/slurmctld.pid\nSlurmdPidFile=" << d << "/slurmd-%n.pid\nSlurmctldLogFile=" << d << "/log/slurmctld.log\nSlurmdLogFile=" << d
         << "/log/slurmd-%n.log\nMailProg=/bin/true\nProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSchedulerType=sched/backfill\n"
            "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\nGresTypes=gpu\nReturnToService=1\nMpiDefault=none\n"
            "SwitchType=switch/none\nJobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
            "SlurmdParameters=config_overrides\nMinJobAge=600\nSlurmctldTimeout=30\nSlurmdTimeout=30\nMessageTimeout=5\n"
            "InactiveLimit=0\nKillWait=2\nSchedulerParameters=sched_min_interval=100000\n"
         << extra_conf;
    std::ofstream gres(dir_ / "gres.conf");
    gres << "AutoDetect=off\n";
    int device = 0;
    std::string node_names;
    for (int i = 1; i <= nodes; ++i) {
      const std::string node = "n" + std::to_string(i);
      node_names += (node_names.empty() ? "" : ",") + node;
      std::filesystem::create_directories(dir_ / ("spool-" + node));
      conf << "NodeName=" << node << " NodeHostname=localhost NodeAddr=127.0.0.1 Port=" << node_ports[i - 1]
           << " CPUs=4 Gres=gpu:" << gpus_per_node << " State=UNKNOWN\n";
      const int first = device;
      for (int g = 0; g < gpus_per_node; ++g, ++device) {
        const auto path = dir_ / "dev" / ("gpu" + std::to_string(device));
        if (::mknod(path.c_str(), S_IFCHR | 0644, makedev(1, 3)) != 0) std::ofstream(path) << "";
      }
      gres << "NodeName=" << node << " Name=gpu File=" << d << "/dev/gpu[" << first << "-" << device - 1 << "]\n";
    }
    conf << "PartitionName=" << partition_ << " Nodes=" << node_names << " Default=YES MaxTime=INFINITE State=UP\n";
    conf.close();
    gres.close();

    spawn({"/usr/sbin/munged", "-F", "-f", "--socket=" + d + "/munge.sock", "--key-file=" + d + "/munge.key",
           "--log-file=" + d + "/log/munged.log", "--pid-file=" + d + "/munged.pid", "--seed-file=" + d + "/munged.seed"},
          "munged");
    if (!wait_for([&] { return std::filesystem::exists(dir_ / "munge.sock"); }, 10)) {
      reason_ = "munged did not start: " + read_text(dir_ / "log" / "munged.out");
      return;
    }
    spawn({"/usr/sbin/slurmctld", "-D", "-c"}, "slurmctld");
    if (!wait_for([&] { return run("scontrol ping").out.find("UP") != std::string::npos; }, 20)) {
      reason_ = "slurmctld did not answer: " + read_text(dir_ / "log" / "slurmctld.log");
      return;
    }
    for (int i = 1; i <= nodes; ++i) spawn({"/usr/sbin/slurmd", "-D", "-N", "n" + std::to_string(i)}, "slurmd-n" + std::to_string(i));
    if (!wait_for([&] { return idle_nodes() == nodes; }, 30)) {
      reason_ = "the nodes did not become idle: " + run("sinfo -N").out + read_text(dir_ / "log" / "slurmctld.log");
      return;
    }
    running_ = true;
  }

  ~SlurmCluster() {
    if (running_) {
      run("scancel --full --user=root");
      wait_for([&] { return run("squeue --noheader --states=PENDING,RUNNING,COMPLETING").out.empty(); }, 10);
    }
    // slurmd first (it ends its jobs' steps), then the controller and munged.
    for (auto it = pids_.rbegin(); it != pids_.rend(); ++it) ::kill(*it, SIGTERM);
    for (pid_t pid : pids_) {
      int status = 0;
      for (int i = 0; i < 1000 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
    // GPUFLEET_KEEP_SLURM=1 keeps the folder (configuration and daemon logs) for a look.
    if (!dir_.empty() && !std::getenv("GPUFLEET_KEEP_SLURM")) std::filesystem::remove_all(dir_);
  }

  bool available() const { return running_ && reason_.empty(); }
  const std::string& reason() const { return reason_; }
  std::string conf() const { return (dir_ / "slurm.conf").string(); }
  const std::filesystem::path& dir() const { return dir_; }
  const std::string& cluster() const { return cluster_; }
  const std::string& partition() const { return partition_; }

  // A Slurm command line ("squeue --noheader"), run against this cluster.
  Output run(const std::string& command) const {
    static int counter = 0;
    const auto out = dir_ / ("cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    const std::string cmd = "SLURM_CONF=" + conf() + " " + command + " </dev/null >" + out.string() + ".out 2>" + out.string() + ".err";
    const int raw = std::system(cmd.c_str());
    Output r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = read_text(out.string() + ".out");
    r.err = read_text(out.string() + ".err");
    std::filesystem::remove(out.string() + ".out");
    std::filesystem::remove(out.string() + ".err");
    return r;
  }

  int idle_nodes() const {
    const Output r = run("sinfo --noheader --Node --format=%T");
    int n = 0;
    size_t at = 0;
    while ((at = r.out.find("idle", at)) != std::string::npos) {
      if (at + 4 >= r.out.size() || r.out[at + 4] == '\n') ++n;
      at += 4;
    }
    return n;
  }

  // Polls pred every 50 ms for up to seconds; its last answer.
  template <class Pred>
  static bool wait_for(Pred pred, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
  }

 private:
  static std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  void spawn(std::vector<std::string> argv, const std::string& log) {
    const std::string out = (dir_ / "log" / (log + ".out")).string();
    const pid_t pid = spawn_child(std::move(argv), out, {{"SLURM_CONF", conf()}});
    if (pid > 0) pids_.push_back(pid);
  }

  std::string cluster_, partition_;
  int nodes_ = 0;
  std::filesystem::path dir_;
  std::vector<pid_t> pids_;
  bool running_ = false;
  std::string reason_;
};

}  // namespace gpufleet::testing
