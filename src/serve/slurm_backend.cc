#include "serve/slurm_backend.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

namespace gpufleet::serve {

namespace {

using Clock = std::chrono::steady_clock;

std::string command_path(const SlurmBackendSpec& spec, const std::string& name) {
  return spec.bin_dir.empty() ? name : spec.bin_dir + "/" + name;
}

std::vector<std::string> slurm_env(const SlurmBackendSpec& spec) {
  std::vector<std::string> env;
  if (!spec.conf.empty()) env.push_back("SLURM_CONF=" + spec.conf);
  return env;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t at = 0;
  for (;;) {
    const size_t next = text.find(sep, at);
    out.push_back(text.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) break;
    at = next + 1;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (std::string& l : split(text, '\n')) {
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.pop_back();
    if (!l.empty()) out.push_back(std::move(l));
  }
  return out;
}

// What a Slurm job state means for the run.
enum class Meaning { alive, finished, failed, lost, preempted, cancelled, unknown };
Meaning meaning_of(std::string state) {
  // sacct writes "CANCELLED by 0"; squeue the bare name.
  state = state.substr(0, state.find(' '));
  for (const char* s : {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD",
                        "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD", "SPECIAL_EXIT"})
    if (state == s) return Meaning::alive;
  if (state == "COMPLETED") return Meaning::finished;
  for (const char* s : {"FAILED", "TIMEOUT", "OUT_OF_MEMORY", "DEADLINE"})
    if (state == s) return Meaning::failed;  // the job's own doing
  for (const char* s : {"NODE_FAIL", "BOOT_FAIL", "REVOKED"})
    if (state == s) return Meaning::lost;  // the cluster's
  if (state == "PREEMPTED") return Meaning::preempted;
  if (state == "CANCELLED") return Meaning::cancelled;
  return Meaning::unknown;
}

NodeCondition node_condition(const std::string& state) {
  // sinfo's long states: idle, mixed, allocated, completing, draining, drained, down, fail,
  // failing, inval, maint, reserved, ...; a suffix '*': not responding ('~' powered off,
  // '#' powering up).
  std::string base = state;
  const bool not_responding = !base.empty() && (base.back() == '*' || base.back() == '~' || base.back() == '#');
  while (!base.empty() && !std::isalpha(static_cast<unsigned char>(base.back()))) base.pop_back();
  if (base == "down" || base == "fail" || base == "inval" || (not_responding && base != "idle")) return NodeCondition::failed;
  if (base == "drained" || base == "draining" || base == "drain") return NodeCondition::drained;
  return NodeCondition::in_service;
}

int64_t parse_job_id(const std::string& out) {
  // --parsable: "123" or "123;cluster".
  const std::string first = lines_of(out).empty() ? std::string() : lines_of(out).front();
  const std::string id = first.substr(0, first.find(';'));
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoll(id);
}

// "gpufleet:12:0 tenant=research" -> (12, 0).
bool parse_comment(const std::string& comment, int64_t& job, int32_t& run) {
  if (comment.rfind("gpufleet:", 0) != 0) return false;
  const std::string rest = comment.substr(9, comment.find(' ') == std::string::npos ? std::string::npos : comment.find(' ') - 9);
  const auto parts = split(rest, ':');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return false;
  if (parts[0].find_first_not_of("0123456789") != std::string::npos || parts[1].find_first_not_of("0123456789") != std::string::npos)
    return false;
  if (parts[0].size() > 18 || parts[1].size() > 9) return false;
  job = std::stoll(parts[0]);
  run = std::stoi(parts[1]);
  return true;
}

std::string clean_name(std::string name) {
  for (char& c : name)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return name;
}

class SlurmBackend final : public Backend {
 public:
  SlurmBackend(std::string site, SlurmBackendSpec spec, int gpus_per_node, CommandRunner runner)
      : site_(std::move(site)), spec_(std::move(spec)), gpus_per_node_(gpus_per_node), runner_(std::move(runner)) {}
  ~SlurmBackend() override { stop(); }

  std::string describe() const override {
    return fmt::format("slurm cluster {} (partition {}{})", spec_.cluster, spec_.partition, spec_.conf.empty() ? "" : ", " + spec_.conf);
  }

  void start(BackendSink sink) override {
    sink_ = std::move(sink);
    thread_ = std::thread([this] { loop(); });
  }

  void stop() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void submit(const RunSpec& run) override {
    RunSpec r = run;
    r.gpus_per_node = gpus_per_node_;
    {
      std::lock_guard lock(mu_);
      submits_.push_back(std::move(r));
    }
    cv_.notify_one();
  }

  void cancel(int64_t job_id, int32_t run) override {
    {
      std::lock_guard lock(mu_);
      cancels_.emplace_back(job_id, run);
    }
    cv_.notify_one();
  }

 private:
  struct Tracked {
    int64_t job_id = 0;
    int32_t run = 0;
    int64_t slurm_id = 0;
    bool started = false;
    int missing = 0;  // polls in a row that did not list it
    std::vector<std::string> nodes;
  };

  std::string prefix() const { return fmt::format("slurm cluster {}", spec_.cluster); }

  CommandResult run(const std::string& name, std::vector<std::string> args, const std::vector<std::string>& extra_env = {}) {
    args.insert(args.begin(), command_path(spec_, name));
    std::vector<std::string> env = slurm_env(spec_);
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    return runner_(args, env, spec_.command_timeout_s);
  }

  void loop() {
    auto next_poll = Clock::now();
    auto next_probe = Clock::now();
    for (;;) {
      std::vector<RunSpec> submits;
      std::vector<std::pair<int64_t, int32_t>> cancels;
      {
        std::unique_lock lock(mu_);
        const auto wake = held_.empty() ? next_poll : std::min(next_poll, next_probe);
        cv_.wait_until(lock, wake, [&] { return stopping_ || !submits_.empty() || !cancels_.empty(); });
        if (stopping_) return;
        submits.assign(submits_.begin(), submits_.end());
        submits_.clear();
        cancels = std::move(cancels_);
        cancels_.clear();
      }
      // A run cancelled before its submission was made is simply dropped; the others are
      // cancelled once this batch's submissions are tracked (a resumed run may be among them).
      std::vector<std::pair<int64_t, int32_t>> to_cancel;
      for (const auto& cancel : cancels) {
        const int64_t job = cancel.first;
        const int32_t run = cancel.second;
        const auto before = submits.size();
        std::erase_if(submits, [&](const RunSpec& s) { return s.job_id == job && s.run == run && s.backend_job_id == 0 && !s.resume; });
        if (submits.size() == before) to_cancel.emplace_back(job, run);
      }
      for (const RunSpec& s : submits) place(s);
      for (const auto& [job, run] : to_cancel) {
        const auto it = tracked_.find(job);
        if (it == tracked_.end() || it->second.run != run) continue;
        const CommandResult r = run_scancel(it->second.slurm_id);
        if (!r.ok()) std::fprintf(stderr, "%s: scancel %lld failed: %s\n", prefix().c_str(), static_cast<long long>(it->second.slurm_id), r.message().c_str());
        tracked_.erase(it);
      }
      if (Clock::now() >= next_poll) {
        poll();
        next_poll = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec_.poll_interval_s));
      }
      if (!held_.empty() && Clock::now() >= next_probe) {
        probe();
        next_probe = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec_.retry_interval_s));
      }
    }
  }

  CommandResult run_scancel(int64_t id) { return run("scancel", {std::to_string(id)}); }

  void report(RunEvent e, const Tracked& t, std::string message = "") {
    if (sink_.run) sink_.run(RunReport{t.job_id, t.run, e, t.slurm_id, std::move(message)});
  }

  void hold(const std::string& reason) {
    held_ = reason;
    if (sink_.hold) sink_.hold(reason);
  }

  // Finds a run of ours by its comment (after a restart); 0 if the cluster has none.
  int64_t find_by_comment(int64_t job, int32_t run) {
    const CommandResult r = this->run("squeue", {"--me", "--noheader", "--states=all", "--format=%i|%k"});
    if (!r.ok()) return -1;
    for (const std::string& line : lines_of(r.out)) {
      const size_t bar = line.find('|');
      if (bar == std::string::npos) continue;
      int64_t j = 0;
      int32_t n = 0;
      if (parse_comment(line.substr(bar + 1), j, n) && j == job && n == run) return parse_job_id(line.substr(0, bar));
    }
    return 0;
  }

  void place(const RunSpec& s) {
    Tracked t{s.job_id, s.run, s.backend_job_id, false, 0, {}};
    if (s.backend_job_id != 0) {
      tracked_[s.job_id] = t;
      return;
    }
    if (!held_.empty()) {
      report(RunEvent::refused, t, held_);
      return;
    }
    if (s.resume) {
      const int64_t found = find_by_comment(s.job_id, s.run);
      if (found > 0) {
        t.slurm_id = found;
        tracked_[s.job_id] = t;
        report(RunEvent::submitted, t, "found in the cluster after a restart");
        return;
      }
    }
    std::vector<std::string> argv = sbatch_argv(spec_, s);
    argv.erase(argv.begin());
    const CommandResult r = run("sbatch", std::move(argv), sbatch_env(spec_, s));
    const int64_t id = r.ok() ? parse_job_id(r.out) : 0;
    if (id <= 0) {
      const std::string reason = fmt::format("{}: sbatch failed: {}", prefix(), r.ok() ? "no job id in its answer '" + r.out + "'" : r.message());
      // sbatch answered but the controller does and the partition is up: the refusal is this
      // job's own (its size on these nodes, its account, its time); the site takes the others.
      if (r.ran && partition_up()) {
        report(RunEvent::rejected, t, reason);
        return;
      }
      hold(reason);
      report(RunEvent::refused, t, reason);
      return;
    }
    t.slurm_id = id;
    tracked_[s.job_id] = t;
    report(RunEvent::submitted, t);
  }

  // Nodes first: a job killed by its node's failure is then requeued by the node's report,
  // while the fleet already counts the node out (not placed again on it at once).
  void poll() {
    poll_nodes();
    if (!tracked_.empty()) poll_jobs();
  }

  void poll_jobs() {
    const CommandResult r = run("squeue", {"--me", "--noheader", "--states=all", "--format=%i|%T|%N"});
    if (!r.ok()) {
      if (held_.empty()) hold(fmt::format("{}: squeue failed: {}", prefix(), r.message()));
      return;
    }
    std::map<int64_t, std::pair<std::string, std::string>> listed;  // slurm id -> (state, nodes)
    for (const std::string& line : lines_of(r.out)) {
      const auto f = split(line, '|');
      if (f.size() < 3) continue;
      const int64_t id = parse_job_id(f[0]);
      if (id > 0) listed[id] = {f[1], f[2]};
    }
    std::vector<int64_t> done;
    for (auto& [job, t] : tracked_) {
      std::string state;
      const auto it = listed.find(t.slurm_id);
      if (it != listed.end()) {
        t.missing = 0;
        state = it->second.first;
        if (!it->second.second.empty()) t.nodes = expand_hostlist(it->second.second);
      } else if (++t.missing >= 2) {
        // The controller forgot it (MinJobAge): accounting may still know how it ended.
        const CommandResult a = run("sacct", {"--noheader", "--parsable2", "--allocations", "--jobs=" + std::to_string(t.slurm_id),
                                              "--format=State"});
        const auto l = lines_of(a.out);
        state = a.ok() && !l.empty() ? l.front() : "";
        if (state.empty()) {
          report(RunEvent::lost, t, fmt::format("{}: job {} is no longer known to the controller, and sacct cannot say how it ended ({})",
                                                  prefix(), t.slurm_id, a.ok() ? "no record" : a.message()));
          done.push_back(job);
          continue;
        }
      } else {
        continue;
      }
      const Meaning m = meaning_of(state);
      switch (m) {
        case Meaning::alive:
          if (!t.started) {
            t.started = true;
            report(RunEvent::started, t, state);
          }
          break;
        case Meaning::finished:
          report(RunEvent::finished, t, state);
          done.push_back(job);
          break;
        case Meaning::failed:
        case Meaning::lost:
          report(m == Meaning::failed ? RunEvent::failed : RunEvent::lost, t,
                 fmt::format("{}: job {} ended {}", prefix(), t.slurm_id, state));
          done.push_back(job);
          break;
        case Meaning::preempted:
          report(RunEvent::preempted, t, state);
          done.push_back(job);
          break;
        case Meaning::cancelled:
          report(RunEvent::cancelled, t, fmt::format("{}: job {} was cancelled in Slurm", prefix(), t.slurm_id));
          done.push_back(job);
          break;
        case Meaning::unknown:
          break;
      }
    }
    for (int64_t j : done) tracked_.erase(j);
  }

  void poll_nodes() {
    const CommandResult r = run("sinfo", {"--noheader", "--Node", "--partition=" + spec_.partition, "--format=%N|%T|%E"});
    if (!r.ok()) return;
    for (const std::string& line : lines_of(r.out)) {
      const auto f = split(line, '|');
      if (f.size() < 2 || f[0].empty()) continue;
      const NodeCondition now = node_condition(f[1]);
      const auto it = node_state_.find(f[0]);
      if (it != node_state_.end() && it->second == now) continue;
      const bool first_seen = it == node_state_.end();
      node_state_[f[0]] = now;
      if (first_seen && now == NodeCondition::in_service) continue;  // nothing to say
      NodeReport n;
      n.node = f[0];
      n.condition = now;
      n.reason = fmt::format("{}: node {} is {}{}", prefix(), f[0], f[1], f.size() > 2 && !f[2].empty() && f[2] != "none" ? " (" + f[2] + ")" : "");
      for (const auto& [job, t] : tracked_) {
        const auto at = std::find(t.nodes.begin(), t.nodes.end(), f[0]);
        if (at == t.nodes.end()) continue;
        n.job_id = job;
        n.run = t.run;
        n.node_index = static_cast<int>(at - t.nodes.begin());
        break;
      }
      if (sink_.node) sink_.node(n);
    }
  }

  // Whether the controller answers and the partition is up.
  bool partition_up() {
    const CommandResult r = run("sinfo", {"--noheader", "--partition=" + spec_.partition, "--format=%a"});
    const auto l = lines_of(r.out);
    return r.ok() && !l.empty() && l.front() == "up";
  }

  // While held: is the partition up again?
  void probe() {
    if (partition_up()) hold("");
  }

  const std::string site_;
  const SlurmBackendSpec spec_;
  const int gpus_per_node_;
  const CommandRunner runner_;
  BackendSink sink_;
  std::thread thread_;

  std::mutex mu_;  // the three below
  std::condition_variable cv_;
  std::deque<RunSpec> submits_;
  std::vector<std::pair<int64_t, int32_t>> cancels_;
  bool stopping_ = false;

  // The backend's thread alone:
  std::map<int64_t, Tracked> tracked_;  // by gpufleet job id
  std::map<std::string, NodeCondition> node_state_;
  std::string held_;  // why the site takes no jobs; "" = it does
};

}  // namespace

std::vector<std::string> expand_hostlist(const std::string& list) {
  std::vector<std::string> out;
  // Split at the commas outside brackets.
  std::vector<std::string> names;
  int depth = 0;
  std::string cur;
  for (char c : list) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth == 0) {
      names.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) names.push_back(cur);
  for (const std::string& n : names) {
    const size_t open = n.find('['), close = n.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open) {
      out.push_back(n);
      continue;
    }
    const std::string head = n.substr(0, open), tail = n.substr(close + 1);
    for (const std::string& range : split(n.substr(open + 1, close - open - 1), ',')) {
      const size_t dash = range.find('-');
      const std::string lo = range.substr(0, dash), hi = dash == std::string::npos ? lo : range.substr(dash + 1);
      if (lo.empty() || hi.empty() || lo.find_first_not_of("0123456789") != std::string::npos ||
          hi.find_first_not_of("0123456789") != std::string::npos || lo.size() > 9 || hi.size() > 9) {
        out.push_back(head + range + tail);
        continue;
      }
      const long a = std::stol(lo), b = std::stol(hi);
      for (long i = a; i <= b && i - a < 100000; ++i) out.push_back(fmt::format("{}{:0{}}{}", head, i, lo.size(), tail));
    }
  }
  return out;
}

std::vector<std::string> sbatch_argv(const SlurmBackendSpec& spec, const RunSpec& run) {
  const auto per_node = static_cast<uint32_t>(std::max(run.gpus_per_node, 1));
  const uint32_t nodes = run.gpus >= per_node ? (run.gpus + per_node - 1) / per_node : 1;
  const uint32_t gres = run.gpus >= per_node ? per_node : run.gpus;
  const double minutes = std::ceil(std::max(run.estimated_duration_s * spec.time_limit_factor, 60.0) / 60.0);
  std::vector<std::string> a = {command_path(spec, "sbatch"),
                                "--parsable",
                                "--partition=" + spec.partition,
                                "--job-name=" + (run.name.empty() ? fmt::format("gpufleet-{}", run.job_id) : clean_name(run.name)),
                                fmt::format("--comment=gpufleet:{}:{} tenant={}", run.job_id, run.run, clean_name(run.tenant)),
                                fmt::format("--nodes={}", nodes),
                                fmt::format("--gres={}:{}", spec.gres, gres),
                                fmt::format("--time={}", static_cast<int64_t>(std::min(minutes, 1e9))),
                                "--no-requeue"};
  std::string account = spec.account;
  for (const auto& [tenant, acct] : spec.accounts)
    if (tenant == run.tenant) account = acct;
  if (!account.empty()) a.push_back("--account=" + account);
  if (!spec.output.empty()) a.push_back("--output=" + spec.output);
  for (const std::string& x : spec.sbatch_args) a.push_back(x);
  if (!spec.command.empty())
    a.push_back("--wrap=" + spec.command);
  else
    a.push_back(spec.script);
  return a;
}

std::vector<std::string> sbatch_env(const SlurmBackendSpec&, const RunSpec& run) {
  return {fmt::format("GPUFLEET_JOB_ID={}", run.job_id), fmt::format("GPUFLEET_RUN={}", run.run),
          "GPUFLEET_JOB_NAME=" + clean_name(run.name), "GPUFLEET_TENANT=" + clean_name(run.tenant),
          fmt::format("GPUFLEET_GPUS={}", run.gpus), fmt::format("GPUFLEET_ESTIMATED_DURATION_S={}", run.estimated_duration_s)};
}

std::unique_ptr<Backend> make_slurm_backend(std::string site, SlurmBackendSpec spec, int gpus_per_node, CommandRunner runner) {
  return std::make_unique<SlurmBackend>(std::move(site), std::move(spec), gpus_per_node, std::move(runner));
}

std::optional<BackendProblem> check_slurm_cluster(const std::string& site, const SlurmBackendSpec& spec, const CommandRunner& runner) {
  const std::string where = fmt::format("slurm cluster {} (site {})", spec.cluster, site);
  const auto problem = [&](int status, std::string message) {
    return BackendProblem{Error{"<scenario>", 0, 0, "sites." + site + ".backend.slurm", where + ": " + std::move(message)}, status};
  };
  const std::vector<std::string> env = slurm_env(spec);
  const CommandResult config = runner({command_path(spec, "scontrol"), "show", "config"}, env, spec.command_timeout_s);
  if (!config.ran && config.exit_status == -1 && config.err.rfind("cannot run", 0) == 0)
    return problem(kExitBadInput, config.err + " (install slurm-client, or set bin_dir)");
  if (!config.ok()) return problem(4, "the controller does not answer: " + config.message());
  std::string cluster_name;
  for (const std::string& line : lines_of(config.out)) {
    if (line.rfind("ClusterName", 0) != 0) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    cluster_name = line.substr(eq + 1);
    cluster_name.erase(0, cluster_name.find_first_not_of(' '));
  }
  if (cluster_name != spec.cluster)
    return problem(kExitBadInput, fmt::format("the controller{} serves cluster '{}'; expected '{}' (backend.slurm.cluster)",
                                              spec.conf.empty() ? "" : " of " + spec.conf, cluster_name, spec.cluster));
  const CommandResult parts = runner({command_path(spec, "sinfo"), "--noheader", "--format=%R|%a"}, env, spec.command_timeout_s);
  if (!parts.ok()) return problem(4, "sinfo failed: " + parts.message());
  std::vector<std::string> names;
  for (const std::string& line : lines_of(parts.out)) {
    const auto f = split(line, '|');
    if (std::find(names.begin(), names.end(), f[0]) == names.end()) names.push_back(f[0]);
    if (f[0] == spec.partition) return std::nullopt;
  }
  return problem(kExitBadInput, fmt::format("no partition '{}'; the cluster has {}", spec.partition,
                                            names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
}

}  // namespace gpufleet::serve
