// The service's side of its backends (backend.h): handing placed runs to the backend of their
// site, applying what the backends report as the HTTP job events would, holding the pools of
// a site that refuses jobs, and mapping a cluster's failed nodes onto the fleet's.
#include <fmt/format.h>

#include "serve/held_placement.h"
#include "serve/service.h"

namespace gpufleet::serve {

void Service::make_backends(size_t pool_count) {
  backends_ = serve::make_backends(scenario_, options_.backend_log, options_.slurm_runner ? options_.slurm_runner : CommandRunner(run_command));
  site_hold_.assign(scenario_.sites.size(), "");
  pool_held_.assign(pool_count, 0);
}

std::unique_ptr<sched::PlacementPolicy> Service::hold_aware(std::unique_ptr<sched::PlacementPolicy> placement) {
  return std::make_unique<HeldPlacement>(std::move(placement), &pool_held_);
}

namespace {

RunSpec run_spec(const JobRecord& r, const Site& site) {
  RunSpec s;
  s.job_id = r.id;
  s.run = r.restarts;
  s.name = r.request.name;
  s.tenant = r.tenant;
  s.gpus = r.request.gpus;
  s.gpus_per_node = site.gpus_per_node;
  s.estimated_duration_s = r.request.estimated_duration_s;
  s.backend_job_id = r.backend_job_id;
  return s;
}

}  // namespace

void Service::resume_backends() {
  if (options_.read_only) return;  // a standby's copy hands nothing to the clusters: its leader does
  std::lock_guard lock(mu_);
  for (JobRecord& r : jobs_) {
    if (r.pool < 0 || static_cast<size_t>(r.pool) >= scheduler_->fleet().pool_count()) continue;
    const auto site = static_cast<size_t>(scheduler_->fleet().pool(static_cast<uint32_t>(r.pool)).spec.site);
    if (r.state == JobState::running) {
      RunSpec s = run_spec(r, scenario_.sites[site]);
      s.resume = true;
      backends_[site]->submit(s);
    } else if (r.backend_job_id != 0 && r.state == JobState::queued) {
      // Running before the restart, but its pool no longer holds it (restore() requeued it):
      // the cluster's run is not the service's any more.
      RunSpec s = run_spec(r, scenario_.sites[site]);
      s.resume = true;
      backends_[site]->submit(s);
      backends_[site]->cancel(r.id, r.restarts);
      r.backend_job_id = 0;
      touch_job(r.id);
    }
  }
}

void Service::start_backends() {
  for (size_t site = 0; site < backends_.size(); ++site) {
    BackendSink sink;
    sink.run = [this, site](const RunReport& r) { on_run_report(site, r); };
    sink.node = [this, site](const NodeReport& n) { on_node_report(site, n); };
    sink.hold = [this, site](const std::string& reason) { on_hold(site, reason); };
    backends_[site]->start(std::move(sink));
  }
}

void Service::stop_backends() {
  for (auto& b : backends_) b->stop();
}

void Service::backend_run_started(JobRecord& r) {
  const auto site = static_cast<size_t>(scheduler_->fleet().pool(static_cast<uint32_t>(r.pool)).spec.site);
  r.backend_job_id = 0;
  backends_[site]->submit(run_spec(r, scenario_.sites[site]));
}

void Service::backend_run_ended(JobRecord& r) {
  if (r.pool >= 0 && !backend_reporting_) {
    const auto site = static_cast<size_t>(scheduler_->fleet().pool(static_cast<uint32_t>(r.pool)).spec.site);
    backends_[site]->cancel(r.id, r.restarts);
  }
  if (!backend_reporting_) r.backend_job_id = 0;
}

void Service::on_run_report(size_t site, const RunReport& rep) {
  std::lock_guard lock(mu_);
  if (rep.job_id < 1 || rep.job_id > static_cast<int64_t>(jobs_.size())) return;
  JobRecord& r = jobs_[static_cast<size_t>(rep.job_id - 1)];
  const int32_t slot = slot_of_id_[static_cast<size_t>(rep.job_id - 1)];
  // A report of an earlier run, or of a run the service has ended meanwhile, changes nothing.
  if (r.state != JobState::running || r.restarts != rep.run || slot < 0 || r.pool < 0 ||
      static_cast<size_t>(scheduler_->fleet().pool(static_cast<uint32_t>(r.pool)).spec.site) != site)
    return;
  const auto s = static_cast<uint32_t>(slot);
  const std::string& site_name = scenario_.sites[site].name;
  std::FILE* log = options_.backend_log;
  // A run that never ran goes back to the queue as it was (not a restart).
  const auto wait_again = [&] {
    r.backend_job_id = 0;
    const int32_t restarts = r.restarts;
    scheduler_->interrupt(s, StopReason::failed);
    r.restarts = restarts;
  };
  backend_reporting_ = true;
  switch (rep.event) {
    case RunEvent::submitted:
      r.backend_job_id = rep.backend_job_id;
      if (log) fmt::print(log, "site {}: job {} run {} is {} job {}{}\n", site_name, r.id, r.restarts, backends_[site]->describe(),
                          rep.backend_job_id, rep.message.empty() ? "" : " (" + rep.message + ")");
      break;
    case RunEvent::started:
      if (log) fmt::print(log, "site {}: job {} ({}) is {}\n", site_name, r.id, r.backend_job_id, rep.message);
      break;
    case RunEvent::finished:
      close_run(r);
      scheduler_->finish(s);
      slot_of_id_[static_cast<size_t>(r.id - 1)] = -1;
      set_state(r, JobState::finished);
      r.end_s = scheduler_->now();
      if (log) fmt::print(log, "site {}: job {} ({}) finished\n", site_name, r.id, r.backend_job_id);
      break;
    case RunEvent::failed:
    case RunEvent::lost:
    case RunEvent::preempted:
    case RunEvent::rejected: {
      const bool failed = rep.event == RunEvent::failed || rep.event == RunEvent::rejected;
      const auto& slurm = scenario_.sites[site].slurm;
      if (failed && slurm && ++r.failures >= slurm->max_failures) {
        // It fails by itself (its exit, a timeout, its memory, a request the cluster refuses):
        // given up, its GPUs freed.
        close_run(r);
        scheduler_->cancel(s);
        slot_of_id_[static_cast<size_t>(r.id - 1)] = -1;
        set_state(r, JobState::failed);
        r.end_s = scheduler_->now();
        if (log) fmt::print(log, "site {}: job {} ({}) failed: {}; failed {} times, given up\n", site_name, r.id, r.backend_job_id,
                            rep.message, r.failures);
        break;
      }
      if (rep.event == RunEvent::rejected) {
        // It never ran: back in the queue as it was (not a restart); the site takes others.
        if (log) fmt::print(log, "site {}: job {} refused for its own reason: {}; it waits again\n", site_name, r.id, rep.message);
        wait_again();
        break;
      }
      const bool lost = rep.event == RunEvent::lost;
      if (log) fmt::print(log, "site {}: job {} ({}) {}: {}; requeued\n", site_name, r.id, r.backend_job_id,
                          failed ? "failed" : lost ? "was lost" : "was preempted", rep.message);
      r.backend_job_id = 0;
      scheduler_->interrupt(s, failed || lost ? StopReason::failed : StopReason::preempted);
      break;
    }
    case RunEvent::cancelled:
      close_run(r);
      scheduler_->cancel(s);
      slot_of_id_[static_cast<size_t>(r.id - 1)] = -1;
      set_state(r, JobState::cancelled);
      r.end_s = scheduler_->now();
      if (log) fmt::print(log, "site {}: job {} ({}): {}\n", site_name, r.id, r.backend_job_id, rep.message);
      break;
    case RunEvent::refused: {
      // It never ran: back in the queue as it was (not a restart), and the site is held.
      if (log) fmt::print(log, "site {}: job {} refused: {}; it waits again\n", site_name, r.id, rep.message);
      wait_again();
      break;
    }
  }
  backend_reporting_ = false;
  if (log) std::fflush(log);
  touch_job(r.id);
}

void Service::on_node_report(size_t site, const NodeReport& n) {
  std::lock_guard lock(mu_);
  const fleet::FleetState& fleet = scheduler_->fleet();
  const auto key = std::pair{site, n.node};
  std::FILE* log = options_.backend_log;
  const std::string& site_name = scenario_.sites[site].name;
  const auto it = backend_nodes_.find(key);
  // Back in service, or from one condition to the other: what the fleet node had is undone.
  if (it != backend_nodes_.end()) {
    const uint32_t fleet_node = it->second.first;
    const NodeCondition was = it->second.second;
    if (n.condition == NodeCondition::failed && was == NodeCondition::drained) {
      // A drained node now broken: failed from its drained state (its jobs are lost).
      scheduler_->set_node_down(fleet_node, true);
      it->second.second = NodeCondition::failed;
      if (log) fmt::print(log, "site {}: {}: node {} of the fleet fails; its jobs are requeued\n", site_name, n.reason, fleet_node);
    } else {
      // (A node drained, then failed, is repaired as a drained one.)
      if (!scheduler_->set_node_down(fleet_node, false)) scheduler_->set_node_drained(fleet_node, false);
      backend_nodes_.erase(it);
      if (n.condition == NodeCondition::in_service) {
        if (log) fmt::print(log, "site {}: {}: node {} of the fleet is back in service\n", site_name, n.reason, fleet_node);
      } else if (scheduler_->set_node_drained(fleet_node, true)) {
        backend_nodes_[key] = {fleet_node, NodeCondition::drained};
        if (log) fmt::print(log, "site {}: {}: node {} of the fleet is drained\n", site_name, n.reason, fleet_node);
      }
    }
  } else if (n.condition != NodeCondition::in_service) {
    // The fleet's node for the cluster's: the one the job that ran there holds, else an idle
    // node of the site that no other cluster node stands for (else any node in service).
    uint32_t chosen = fleet::kNone;
    if (n.job_id >= 1 && n.job_id <= static_cast<int64_t>(jobs_.size())) {
      const JobRecord& r = jobs_[static_cast<size_t>(n.job_id - 1)];
      const int32_t slot = slot_of_id_[static_cast<size_t>(n.job_id - 1)];
      if (r.state == JobState::running && r.restarts == n.run && slot >= 0 && scheduler_->running(static_cast<uint32_t>(slot))) {
        uint32_t count = 0;
        const uint32_t* nodes = fleet.alloc_nodes(scheduler_->allocation(static_cast<uint32_t>(slot)), &count);
        if (count > 0) chosen = nodes[std::min<uint32_t>(static_cast<uint32_t>(std::max(n.node_index, 0)), count - 1)];
      }
    }
    std::set<uint32_t> taken;
    for (const auto& [_, f] : backend_nodes_) taken.insert(f.first);
    for (int pass = 0; pass < 2 && chosen == fleet::kNone; ++pass) {
      for (uint32_t p = 0; p < fleet.pool_count() && chosen == fleet::kNone; ++p) {
        if (static_cast<size_t>(fleet.pool(p).spec.site) != site) continue;
        for (uint32_t m : fleet.pool(p).members) {
          const fleet::Node& node = fleet.node(m);
          if (taken.count(m) || node.state != fleet::NodeState::active) continue;
          if (pass == 0 && fleet.free_on(m) != node.capacity) continue;
          chosen = m;
          break;
        }
      }
    }
    if (chosen == fleet::kNone) return;
    if (n.condition == NodeCondition::failed) {
      if (!scheduler_->set_node_down(chosen, true)) return;
      if (log) fmt::print(log, "site {}: {}: node {} of the fleet fails; its jobs are requeued\n", site_name, n.reason, chosen);
    } else {
      if (!scheduler_->set_node_drained(chosen, true)) return;
      if (log) fmt::print(log, "site {}: {}: node {} of the fleet is drained (its jobs run on)\n", site_name, n.reason, chosen);
    }
    backend_nodes_[key] = {chosen, n.condition};
  }
  if (log) std::fflush(log);
  if (!options_.virtual_clock) scheduler_->dispatch_now();
}

void Service::on_hold(size_t site, const std::string& reason) {
  std::lock_guard lock(mu_);
  const bool was = !site_hold_[site].empty();
  site_hold_[site] = reason;
  const fleet::FleetState& fleet = scheduler_->fleet();
  for (uint32_t p = 0; p < fleet.pool_count(); ++p)
    if (static_cast<size_t>(fleet.pool(p).spec.site) == site) pool_held_[p] = reason.empty() ? 0 : 1;
  if (std::FILE* log = options_.backend_log) {
    if (!reason.empty()) fmt::print(log, "site {}: takes no jobs for now: {}\n", scenario_.sites[site].name, reason);
    if (reason.empty() && was) fmt::print(log, "site {}: takes jobs again\n", scenario_.sites[site].name);
    std::fflush(log);
  }
  if (reason.empty() && was) scheduler_->capacity_changed();
}

std::string Service::backend_notes(const Job& j) const {
  std::string out;
  std::vector<uint8_t> said(site_hold_.size(), 0);
  const fleet::FleetState& fleet = scheduler_->fleet();
  for (uint32_t p = 0; p < fleet.pool_count(); ++p) {
    const auto site = static_cast<size_t>(fleet.pool(p).spec.site);
    if (!pool_held_[p] || said[site] || !sched::pool_allows(fleet.pool(p).spec, j)) continue;
    said[site] = 1;
    out += fmt::format("; site {} takes no jobs for now: {}", scenario_.sites[site].name, site_hold_[site]);
  }
  return out;
}

nlohmann::ordered_json Service::backends_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (size_t site = 0; site < backends_.size(); ++site) {
    nlohmann::ordered_json b;
    b["site"] = scenario_.sites[site].name;
    b["backend"] = backends_[site]->describe();
    b["takes_jobs"] = site_hold_[site].empty();
    if (!site_hold_[site].empty()) b["reason"] = site_hold_[site];
    out.push_back(b);
  }
  return out;
}

}  // namespace gpufleet::serve
