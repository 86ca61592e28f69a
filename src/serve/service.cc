#include "serve/service.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "fleet/pool_builder.h"
#include "gpufleet/simulate.h"
#include "sched/policy_registry.h"
#include "serve/token.h"
#include "util/human_format.h"
#include "util/json_text.h"

namespace gpufleet::serve {

const std::vector<double> kLatencyBucketsS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

namespace {

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A JSON object body with exactly the allowed fields, or an error reply's message.
Result<nlohmann::ordered_json> object_body(const std::string& body, const std::vector<std::string>& allowed) {
  auto doc = parse_json_text(body, "request body");
  if (!doc) return tl::unexpected(doc.error());
  if (!doc->is_object()) return fail("request body", 0, 0, "", fmt::format("{} found; expected a JSON object", doc->type_name()));
  for (const auto& [key, v] : doc->items())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return fail("request body", 0, 0, key, fmt::format("unknown field; expected one of {}", fmt::join(allowed, ", ")));
  return doc;
}

}  // namespace

Service::Service(const Scenario& scenario, std::unique_ptr<Store> store, ServiceOptions options)
    : scenario_(scenario), store_(std::move(store)), options_(std::move(options)) {}

Result<std::unique_ptr<Service>> Service::open(const Scenario& scenario, std::unique_ptr<Store> store,
                                               ServiceOptions options) {
  auto state = store->load();
  if (!state) return tl::unexpected(state.error());
  options.read_only = false;
  return from_state(scenario, std::move(store), std::move(*state), std::move(options));
}

Result<std::unique_ptr<Service>> Service::snapshot(const Scenario& scenario, Store& store, ServiceOptions options) {
  auto state = store.load();
  if (!state) return tl::unexpected(state.error());
  options.read_only = true;
  return from_state(scenario, nullptr, std::move(*state), std::move(options));
}

Result<std::unique_ptr<Service>> Service::from_state(const Scenario& scenario, std::unique_ptr<Store> store,
                                                     StoredState stored, ServiceOptions options) {
  std::unique_ptr<Service> s(new Service(scenario, std::move(store), std::move(options)));
  s->opened_ns_ = steady_ns();
  auto* state = &stored;
  // Tenants known at start: the quotas' and the tokens' (others schedule as tenant 0).
  s->tenant_names_ = {""};
  for (const TenantQuota& q : scenario.policy.quotas)
    if (std::find(s->tenant_names_.begin(), s->tenant_names_.end(), q.tenant) == s->tenant_names_.end())
      s->tenant_names_.push_back(q.tenant);
  for (const TokenRecord& t : state->tokens)
    if (t.role == Role::tenant && std::find(s->tenant_names_.begin(), s->tenant_names_.end(), t.tenant) == s->tenant_names_.end())
      s->tenant_names_.push_back(t.tenant);
  if (s->tenant_names_.size() > 65535) return fail("<tokens>", 0, 0, "tenant", "more than 65,535 tenants");
  Workload names;  // only its jurisdictions: what the pools' jurisdiction codes index
  names.jurisdictions = {""};
  for (const Site& site : scenario.sites) names.intern_jurisdiction(site.jurisdiction);
  s->jurisdictions_ = names.jurisdictions;
  std::vector<fleet::PoolSpec> pools = fleet::build_pools(scenario, names);
  for (const Accelerator& a : scenario.accelerators) s->limits_.accelerators.push_back(a.name);
  s->limits_.jurisdictions.assign(s->jurisdictions_.begin() + 1, s->jurisdictions_.end());
  for (const auto& p : pools) {
    int64_t peak = 0;
    for (const auto& point : p.schedule) peak = std::max(peak, point.gpus);
    const int64_t per_node = p.gpus_per_node;
    const int64_t most = std::max(peak / per_node * per_node, peak >= per_node ? int64_t{0} : peak);
    s->limits_.largest_job_gpus = static_cast<uint32_t>(std::min<int64_t>(std::max<int64_t>(s->limits_.largest_job_gpus, most), INT32_MAX));
  }
  auto queue = sched::make_queue_policy(s->options_.queue_policy.empty() ? scenario.policy.queue : s->options_.queue_policy,
                                        scenario.policy);
  if (!queue) return tl::unexpected(queue.error());
  auto placement = sched::make_placement_policy(
      s->options_.placement_policy.empty() ? scenario.policy.placement : s->options_.placement_policy, scenario);
  if (!placement) return tl::unexpected(placement.error());
  s->make_backends(pools.size());
  *placement = s->hold_aware(std::move(*placement));
  Service* self = s.get();
  LiveScheduler::Hooks hooks;
  hooks.started = [self](uint32_t slot) { self->on_started(slot); };
  hooks.stopped = [self](uint32_t slot, StopReason why, double kept) { self->on_stopped(slot, why, kept); };
  hooks.rejected = [self](uint32_t slot) { self->on_rejected(slot); };
  s->scheduler_ = std::make_unique<LiveScheduler>(scenario, std::move(pools), std::move(*queue), std::move(*placement),
                                                  s->options_.job_capacity, s->tenant_names_, std::move(hooks));
  s->id_of_slot_.assign(s->options_.job_capacity, 0);
  s->submitted_ns_.assign(s->options_.job_capacity, 0);
  s->latency_buckets_.assign(kLatencyBucketsS.size() + 1, 0);
  if (auto r = s->restore(std::move(*state)); !r) return tl::unexpected(r.error());
  s->resume_backends();
  return s;
}

Result<void> Service::restore(StoredState state) {
  std::lock_guard lock(mu_);
  for (TokenRecord& t : state.tokens) tokens_[t.sha256_hex] = t;
  virtual_now_s_ = state.clock_s.value_or(0);
  const double now = clock_now();
  scheduler_->advance(now);
  // Outages reported before the restart still hold (the jobs there are already requeued).
  std::vector<uint32_t> down;
  for (uint32_t p : state.pools_down)
    if (p < scheduler_->fleet().pool_count()) down.push_back(p);
  scheduler_->set_down(down, true);
  // Running jobs first, in the order they started (their GPUs are theirs), then the waiting
  // ones in submission order.
  std::vector<int64_t> running, waiting;
  for (JobRecord& j : state.jobs) {
    if (j.id != static_cast<int64_t>(jobs_.size()) + 1)
      return fail("<database>", 0, 0, "jobs.id", fmt::format("job id {} out of sequence; expected {}", j.id, jobs_.size() + 1));
    if (static_cast<size_t>(j.state) >= kJobStates)
      return fail("<database>", 0, 0, "jobs.state",
                  fmt::format("job {} has state {}; expected 0 to {} (written by a newer gpufleet?)", j.id,
                              static_cast<int>(j.state), kJobStates - 1));
    jobs_.push_back(std::move(j));
    slot_of_id_.push_back(-1);
    const JobRecord& r = jobs_.back();
    ++state_count_[static_cast<size_t>(r.state)];
    if (!r.request.idempotency_key.empty()) idempotent_[{r.tenant, r.request.idempotency_key}] = r.id;
    if (r.state == JobState::running) running.push_back(r.id);
    if (r.state == JobState::queued) waiting.push_back(r.id);
  }
  std::stable_sort(running.begin(), running.end(), [&](int64_t a, int64_t b) { return jobs_[a - 1].start_s < jobs_[b - 1].start_s; });
  auto place = [&](int64_t id) -> uint32_t {
    JobRecord& r = jobs_[id - 1];
    Job job;
    job.gpus = r.request.gpus;
    job.accelerator_mask = accelerator_mask(r.request, limits_);
    job.tenant = tenant_index(r.tenant);
    const auto it = std::find(jurisdictions_.begin(), jurisdictions_.end(), r.request.jurisdiction);
    job.jurisdiction = it == jurisdictions_.end() ? 0 : static_cast<uint16_t>(it - jurisdictions_.begin());
    job.kind = r.request.kind;
    job.priority = r.request.priority;
    job.duration_s = r.request.estimated_duration_s;
    job.submit_s = r.submit_s;
    const uint32_t slot = scheduler_->add(job, r.remaining_s, r.request.checkpoint_interval_s, r.restarts > 0);
    if (slot == fleet::kNone) return slot;
    slot_of_id_[id - 1] = static_cast<int32_t>(slot);
    id_of_slot_[slot] = id;
    return slot;
  };
  for (int64_t id : running) {
    const uint32_t slot = place(id);
    if (slot == fleet::kNone) return fail("<database>", 0, 0, "jobs", "more jobs waiting or running than --max-jobs");
    JobRecord& r = jobs_[id - 1];
    if (!scheduler_->restore_running(slot, static_cast<uint32_t>(std::max(r.pool, 0)), r.start_s)) {
      set_state(r, JobState::queued);  // its pool no longer holds it: it waits again
      touch_job(id);
    }
  }
  for (int64_t id : waiting) {
    const uint32_t slot = place(id);
    if (slot == fleet::kNone) return fail("<database>", 0, 0, "jobs", "more jobs waiting or running than --max-jobs");
    scheduler_->submit(slot);
  }
  for (const JobRecord& r : jobs_) {
    auto& spend = spend_by_tenant_[r.tenant];
    spend.resize(scenario_.providers.size(), 0);
    if (r.pool >= 0 && static_cast<size_t>(r.pool) < scheduler_->fleet().pool_count()) {
      const int provider = scheduler_->fleet().pool(static_cast<uint32_t>(r.pool)).spec.provider;
      if (provider >= 0) spend[static_cast<size_t>(provider)] += r.spend_usd;
    }
  }
  return {};
}

Service::~Service() { stop(); }

void Service::start() {
  if (options_.read_only) return;
  writer_ = std::thread([this] { writer_loop(); });
  if (!options_.virtual_clock) ticker_ = std::thread([this] { scheduler_loop(); });
  start_backends();
}

void Service::stop() {
  if (stopping_.exchange(true)) return;
  stop_backends();
  writer_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  if (writer_.joinable()) writer_.join();
}

double Service::clock_now() const {
  if (options_.virtual_clock) return virtual_now_s_;
  return unix_now_s() - static_cast<double>(scenario_.start_unix_s);
}

uint16_t Service::tenant_index(const std::string& tenant) const {
  for (size_t i = 1; i < tenant_names_.size(); ++i)
    if (tenant_names_[i] == tenant) return static_cast<uint16_t>(i);
  return 0;
}

std::optional<Caller> Service::authenticate(const std::string& token) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  const std::string hash = sha256_hex(token);
  std::lock_guard lock(mu_);
  const auto it = tokens_.find(hash);
  if (it == tokens_.end()) return std::nullopt;
  return Caller{it->second.role, it->second.tenant, hash};
}

Result<std::string> Service::add_token(Store& store, const std::string& tenant, bool admin) {
  const std::string token = new_token();
  Batch b;
  b.tokens.push_back(TokenRecord{sha256_hex(token), admin ? std::string() : tenant, admin ? Role::admin : Role::tenant});
  if (auto r = store.commit(b); !r) return tl::unexpected(r.error());
  return token;
}

// ---- durability ----

uint64_t Service::touch_job(int64_t id) {
  pending_jobs_[id] = true;
  writer_cv_.notify_one();
  return ++next_seq_;
}

bool Service::wait_durable(uint64_t seq) {
  std::unique_lock lock(durable_mu_);
  durable_cv_.wait(lock, [&] { return durable_seq_ >= seq || store_failed_; });
  return durable_seq_ >= seq;
}

void Service::writer_loop() {
  for (;;) {
    Batch batch;
    uint64_t seq = 0;
    {
      std::unique_lock lock(mu_);
      const auto pending = [&] { return !pending_jobs_.empty() || pending_clock_ || pending_outages_ || !pending_tokens_.empty(); };
      writer_cv_.wait(lock, [&] { return stopping_ || pending(); });
      if (!pending()) {
        if (stopping_) return;
        continue;
      }
      batch.jobs.reserve(pending_jobs_.size());
      for (const auto& [id, _] : pending_jobs_) batch.jobs.push_back(jobs_[static_cast<size_t>(id - 1)]);
      if (pending_clock_) batch.clock_s = virtual_now_s_;
      if (pending_outages_) batch.pools_down = scheduler_->pools_down();
      pending_outages_ = false;
      batch.tokens = std::move(pending_tokens_);
      pending_jobs_.clear();
      pending_clock_ = false;
      pending_tokens_.clear();
      seq = next_seq_;
    }
    auto r = store_->commit(batch);
    {
      std::lock_guard lock(durable_mu_);
      if (r) {
        durable_seq_ = seq;
      } else {
        store_failed_ = true;
        store_error_ = r.error().to_string();
      }
    }
    durable_cv_.notify_all();
    if (!r) return;
  }
}

void Service::scheduler_loop() {
  const auto tick = std::chrono::duration<double>(options_.tick_s);
  while (!stopping_) {
    std::this_thread::sleep_for(tick);
    std::lock_guard lock(mu_);
    scheduler_->advance(clock_now());
    scheduler_->dispatch_now();
  }
}

void Service::set_state(JobRecord& r, JobState state) {
  --state_count_[static_cast<size_t>(r.state)];
  ++state_count_[static_cast<size_t>(state)];
  r.state = state;
}

// ---- scheduler hooks (called under mu_) ----

void Service::on_started(uint32_t slot) {
  const int64_t id = id_of_slot_[slot];
  JobRecord& r = jobs_[static_cast<size_t>(id - 1)];
  const fleet::Allocation& a = scheduler_->allocation(slot);
  set_state(r, JobState::running);
  r.pool = static_cast<int32_t>(a.pool);
  r.start_s = scheduler_->now();
  r.remaining_s = scheduler_->remaining_at_start(slot);
  if (submitted_ns_[slot] != 0) {
    const double s = static_cast<double>(steady_ns() - submitted_ns_[slot]) * 1e-9;
    submitted_ns_[slot] = 0;
    size_t b = 0;
    while (b < kLatencyBucketsS.size() && s > kLatencyBucketsS[b]) ++b;
    ++latency_buckets_[b];
    latency_sum_s_ += s;
    ++latency_count_;
  }
  if (started_log_) started_log_->push_back(id);
  backend_run_started(r);
  touch_job(id);
}

void Service::close_run(JobRecord& r) {
  if (r.pool < 0) return;
  const fleet::Pool& pool = scheduler_->fleet().pool(static_cast<uint32_t>(r.pool));
  const double held_s = std::max(0.0, scheduler_->now() - r.start_s);
  const double gpus = static_cast<double>(scheduler_->fleet().gpus_taken(static_cast<uint32_t>(r.pool), r.request.gpus));
  const double usd = gpus * held_s / kSecondsPerHour * pool.spec.usd_per_gpu_hour;
  r.gpu_seconds += gpus * held_s;
  r.spend_usd += usd;
  auto& spend = spend_by_tenant_[r.tenant];
  spend.resize(scenario_.providers.size(), 0);
  if (pool.spec.provider >= 0) spend[static_cast<size_t>(pool.spec.provider)] += usd;
}

void Service::on_stopped(uint32_t slot, StopReason, double) {
  const int64_t id = id_of_slot_[slot];
  JobRecord& r = jobs_[static_cast<size_t>(id - 1)];
  close_run(r);
  backend_run_ended(r);
  set_state(r, JobState::queued);
  r.remaining_s = scheduler_->remaining_at_start(slot);
  ++r.restarts;
  if (stopped_log_) stopped_log_->push_back(id);
  touch_job(id);
}

void Service::on_rejected(uint32_t slot) {
  const int64_t id = id_of_slot_[slot];
  JobRecord& r = jobs_[static_cast<size_t>(id - 1)];
  set_state(r, JobState::unplaceable);
  r.end_s = scheduler_->now();
  slot_of_id_[static_cast<size_t>(id - 1)] = -1;
  touch_job(id);
}

// ---- replies ----

Reply Service::error_reply(int status, const std::string& field, const std::string& message) const {
  Reply r;
  r.status = status;
  r.body["error"] = message;
  if (!field.empty()) r.body["field"] = field;
  return r;
}

Reply Service::unavailable() const {
  std::lock_guard lock(durable_mu_);
  return error_reply(503, "", "the service cannot make changes durable (" + store_error_ + "); nothing more is acknowledged");
}

JobRecord* Service::find_visible(const Caller& caller, int64_t id) {
  if (id < 1 || id > static_cast<int64_t>(jobs_.size())) return nullptr;
  JobRecord& r = jobs_[static_cast<size_t>(id - 1)];
  if (caller.role != Role::admin && r.tenant != caller.tenant) return nullptr;  // 404: ids leak nothing
  return &r;
}

std::string Service::why_pending(const JobRecord& r) const {
  const fleet::FleetState& fleet = scheduler_->fleet();
  const int32_t slot = slot_of_id_[static_cast<size_t>(r.id - 1)];
  if (slot < 0) return "";
  const Job& j = scheduler_->job_at(static_cast<uint32_t>(slot));
  int64_t free = 0, best = 0, pools = 0, capacity = 0;
  for (uint32_t p = 0; p < fleet.pool_count(); ++p) {
    const fleet::Pool& pool = fleet.pool(p);
    if (!sched::pool_allows(pool.spec, j)) continue;
    ++pools;
    free += pool.free_gpus;
    capacity += pool.nominal_gpus;
    const int64_t usable = j.gpus >= static_cast<uint32_t>(pool.spec.gpus_per_node) &&
                                   fleet.layout() == fleet::GpuLayout::whole_nodes
                               ? fleet.fully_free_nodes(p) * pool.spec.gpus_per_node
                               : pool.free_gpus;
    best = std::max(best, usable);
  }
  std::string accel = r.request.accelerators.empty() ? std::string("GPUs") : fmt::format("{}", fmt::join(r.request.accelerators, "/"));
  std::string where = r.request.jurisdiction.empty() ? std::string() : " in " + r.request.jurisdiction;
  std::string out = fmt::format("needs {} {}{}; {} free there (at most {} usable at once in one pool) of {} in {} pools it may use",
                                with_commas(r.request.gpus), accel, where, with_commas(static_cast<double>(free)),
                                with_commas(static_cast<double>(best)), with_commas(static_cast<double>(capacity)), pools);
  for (const TenantQuota& q : scenario_.policy.quotas) {
    if (q.tenant != r.tenant) continue;
    const int64_t used = scheduler_->tenant_gpus(tenant_index(r.tenant));
    out += fmt::format("; quota of tenant {} is {} GPUs guaranteed, {} in use{}", r.tenant, with_commas(static_cast<double>(q.guaranteed_gpus)),
                       with_commas(static_cast<double>(used)), q.can_borrow ? " (may borrow idle GPUs)" : " (may not borrow)");
  }
  if (best >= static_cast<int64_t>(r.request.gpus))
    out += fmt::format("; it fits now and waits for the next placement pass or for jobs ahead of it (queue policy {})",
                       options_.queue_policy.empty() ? scenario_.policy.queue : options_.queue_policy);
  out += backend_notes(j);
  return out;
}

nlohmann::ordered_json Service::job_json(const JobRecord& r) const {
  nlohmann::ordered_json j;
  j["id"] = r.id;
  j["name"] = r.request.name;
  j["tenant"] = r.tenant;
  j["state"] = std::string(to_string(r.state));
  j["gpus"] = r.request.gpus;
  j["accelerators"] = r.request.accelerators;
  j["jurisdiction"] = r.request.jurisdiction;
  j["kind"] = std::string(to_string(r.request.kind));
  j["priority"] = r.request.priority;
  j["estimated_duration_s"] = r.request.estimated_duration_s;
  j["checkpoint_interval_s"] = r.request.checkpoint_interval_s;
  j["submit_s"] = r.submit_s;
  j["start_s"] = r.start_s >= 0 ? nlohmann::ordered_json(r.start_s) : nlohmann::ordered_json();
  j["end_s"] = r.end_s >= 0 ? nlohmann::ordered_json(r.end_s) : nlohmann::ordered_json();
  j["restarts"] = r.restarts;
  if (r.backend_job_id != 0) j["backend_job_id"] = r.backend_job_id;
  if (r.pool >= 0) {
    const auto& spec = scheduler_->fleet().pool(static_cast<uint32_t>(r.pool)).spec;
    j["last_run"] = {{"pool", r.pool},
                     {"provider", scenario_.providers[static_cast<size_t>(spec.provider)].name},
                     {"site", scenario_.sites[static_cast<size_t>(spec.site)].name},
                     {"source", std::string(to_string(spec.source))}};
  }
  double gpu_s = r.gpu_seconds, usd = r.spend_usd;
  const int32_t slot = slot_of_id_[static_cast<size_t>(r.id - 1)];
  const fleet::FleetState& fleet = scheduler_->fleet();
  if (r.state == JobState::running && slot >= 0 && scheduler_->running(static_cast<uint32_t>(slot))) {
    const fleet::Allocation& a = scheduler_->allocation(static_cast<uint32_t>(slot));
    const fleet::Pool& pool = fleet.pool(a.pool);
    nlohmann::ordered_json p;
    p["pool"] = a.pool;
    p["provider"] = scenario_.providers[static_cast<size_t>(pool.spec.provider)].name;
    p["site"] = scenario_.sites[static_cast<size_t>(pool.spec.site)].name;
    p["accelerator"] = scenario_.accelerators[static_cast<size_t>(pool.spec.accelerator)].name;
    p["source"] = std::string(to_string(pool.spec.source));
    p["gpus_allocated"] = a.gpus;
    uint32_t count = 0;
    const uint32_t* nodes = fleet.alloc_nodes(a, &count);
    p["nodes"] = std::vector<uint32_t>(nodes, nodes + count);
    p["expected_end_s"] = a.end_s;
    j["placement"] = p;
    const double held = std::max(0.0, scheduler_->now() - r.start_s) * a.gpus;
    gpu_s += held;
    usd += held / kSecondsPerHour * pool.spec.usd_per_gpu_hour;
  } else if (r.state == JobState::queued) {
    j["why_pending"] = why_pending(r);
  }
  j["gpu_hours"] = gpu_s / kSecondsPerHour;
  j["spend_usd"] = usd;
  return j;
}

Reply Service::submit(const Caller& caller, const std::string& body) {
  if (options_.read_only) return refused_by_standby();
  if (caller.role != Role::tenant) return error_reply(403, "", "jobs are submitted with a tenant's token, not the admin's");
  auto request = parse_job_request(body, limits_);
  if (!request) return error_reply(400, request.error().field, request.error().to_string());
  uint64_t seq = 0;
  Reply reply;
  reply.status = 201;
  {
    std::lock_guard lock(mu_);
    if (!request->idempotency_key.empty()) {
      const auto it = idempotent_.find({caller.tenant, request->idempotency_key});
      if (it != idempotent_.end()) {
        // The first answer: the same job (as it is now), once what created it is durable.
        reply.body = job_json(jobs_[static_cast<size_t>(it->second - 1)]);
        reply.body["replayed"] = true;
        seq = next_seq_;
      }
    }
    if (seq == 0 && reply.body.is_null()) {
      if (scheduler_->free_slots() == 0)
        return error_reply(503, "", fmt::format("{} jobs are waiting or running, the most this service holds (--max-jobs); retry later",
                                                with_commas(static_cast<double>(options_.job_capacity))));
      const double now = clock_now();
      JobRecord r;
      r.id = static_cast<int64_t>(jobs_.size()) + 1;
      r.tenant = caller.tenant;
      r.request = std::move(*request);
      r.submit_s = now;
      r.remaining_s = r.request.estimated_duration_s;
      Job job;
      job.submit_s = now;
      job.duration_s = r.request.estimated_duration_s;
      job.accelerator_mask = accelerator_mask(r.request, limits_);
      job.gpus = r.request.gpus;
      job.tenant = tenant_index(caller.tenant);
      const auto it = std::find(jurisdictions_.begin(), jurisdictions_.end(), r.request.jurisdiction);
      job.jurisdiction = it == jurisdictions_.end() ? 0 : static_cast<uint16_t>(it - jurisdictions_.begin());
      job.kind = r.request.kind;
      job.priority = r.request.priority;
      const uint32_t slot = scheduler_->add(job, r.remaining_s, r.request.checkpoint_interval_s, r.restarts > 0);
      jobs_.push_back(std::move(r));
      ++state_count_[static_cast<size_t>(JobState::queued)];
      slot_of_id_.push_back(static_cast<int32_t>(slot));
      const JobRecord& rec = jobs_.back();
      id_of_slot_[slot] = rec.id;
      submitted_ns_[slot] = steady_ns();
      if (!rec.request.idempotency_key.empty()) idempotent_[{rec.tenant, rec.request.idempotency_key}] = rec.id;
      ++submissions_;
      scheduler_->submit(slot);
      seq = touch_job(rec.id);
      reply.body = job_json(rec);
    }
  }
  if (!wait_durable(seq)) return unavailable();
  return reply;
}

Reply Service::get_job(const Caller& caller, int64_t id) {
  std::lock_guard lock(mu_);
  const JobRecord* r = find_visible(caller, id);
  if (!r) return error_reply(404, "", fmt::format("no job {}", id));
  return Reply{200, job_json(*r)};
}

Reply Service::list_jobs(const Caller& caller, const JobFilter& filter) {
  if (filter.limit < 1 || filter.limit > 1000) return error_reply(400, "limit", fmt::format("{}; expected 1 to 1000", filter.limit));
  if (caller.role != Role::admin && !filter.tenant.empty() && filter.tenant != caller.tenant)
    return error_reply(403, "tenant", "a tenant lists only its own jobs");
  std::lock_guard lock(mu_);
  int site = -1;
  if (!filter.site.empty()) {
    site = scenario_.find_site(filter.site);
    if (site < 0) return error_reply(400, "site", fmt::format("unknown site '{}'", filter.site));
  }
  const std::string& tenant = caller.role == Role::admin ? filter.tenant : caller.tenant;
  Reply reply;
  reply.body["jobs"] = nlohmann::ordered_json::array();
  int64_t last = 0;
  bool more = false;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(filter.after_id, 0)); i < jobs_.size(); ++i) {
    const JobRecord& r = jobs_[i];
    if (!tenant.empty() && r.tenant != tenant) continue;
    if (filter.state && r.state != *filter.state) continue;
    if (site >= 0 && (r.state != JobState::running || r.pool < 0 ||
                      scheduler_->fleet().pool(static_cast<uint32_t>(r.pool)).spec.site != site))
      continue;
    if (static_cast<int64_t>(reply.body["jobs"].size()) == filter.limit) {
      more = true;
      break;
    }
    reply.body["jobs"].push_back(job_json(r));
    last = r.id;
  }
  reply.body["next_after"] = more ? nlohmann::ordered_json(last) : nlohmann::ordered_json();
  return reply;
}

Reply Service::cancel_job(const Caller& caller, int64_t id) {
  if (options_.read_only) return refused_by_standby();
  uint64_t seq = 0;
  Reply reply;
  {
    std::lock_guard lock(mu_);
    JobRecord* r = find_visible(caller, id);
    if (!r) return error_reply(404, "", fmt::format("no job {}", id));
    if (is_final(r->state)) return error_reply(409, "", fmt::format("job {} is already {}", id, to_string(r->state)));
    const int32_t slot = slot_of_id_[static_cast<size_t>(id - 1)];
    if (r->state == JobState::running) {
      close_run(*r);
      backend_run_ended(*r);
    }
    scheduler_->cancel(static_cast<uint32_t>(slot));
    slot_of_id_[static_cast<size_t>(id - 1)] = -1;
    set_state(*r, JobState::cancelled);
    r->end_s = scheduler_->now();
    seq = touch_job(id);
    reply.body = job_json(*r);
  }
  if (!wait_durable(seq)) return unavailable();
  return reply;
}

Reply Service::job_event(const Caller& caller, int64_t id, const std::string& body) {
  if (options_.read_only) return refused_by_standby();
  if (caller.role != Role::admin) return error_reply(403, "", "job events come from the runner, with the admin token");
  auto doc = object_body(body, {"event", "node"});
  if (!doc) return error_reply(400, doc.error().field, doc.error().to_string());
  if (!doc->contains("event") || !(*doc)["event"].is_string())
    return error_reply(400, "event", "missing or not a string; expected started, finished, failed or preempted");
  const std::string event = (*doc)["event"].get<std::string>();
  uint64_t seq = 0;
  Reply reply;
  {
    std::lock_guard lock(mu_);
    JobRecord* r = find_visible(caller, id);
    if (!r) return error_reply(404, "", fmt::format("no job {}", id));
    if (event != "started" && event != "finished" && event != "failed" && event != "preempted")
      return error_reply(400, "event", fmt::format("'{}'; expected started, finished, failed or preempted", event));
    if (r->state != JobState::running)
      return error_reply(409, "event", fmt::format("job {} is {}; a {} event is for a running job", id, to_string(r->state), event));
    const auto slot = static_cast<uint32_t>(slot_of_id_[static_cast<size_t>(id - 1)]);
    if (event == "finished") {
      close_run(*r);
      backend_run_ended(*r);
      scheduler_->finish(slot);
      slot_of_id_[static_cast<size_t>(id - 1)] = -1;
      set_state(*r, JobState::finished);
      r->end_s = scheduler_->now();
    } else if (event == "failed" || event == "preempted") {
      scheduler_->interrupt(slot, event == "failed" ? StopReason::failed : StopReason::preempted);
    }
    seq = touch_job(id);
    reply.body = job_json(*r);
  }
  if (!wait_durable(seq)) return unavailable();
  return reply;
}

namespace {
// A node's state as the API names it.
std::string_view node_state_name(const fleet::Node& node) {
  switch (node.state) {
    case fleet::NodeState::active: return "in_service";
    case fleet::NodeState::draining: return "leaving";  // the pool shrank: it goes when its jobs end
    case fleet::NodeState::cordoned: return "draining";
    case fleet::NodeState::failed: return node.drained ? "drained" : "down";
    case fleet::NodeState::retired: return "retired";
  }
  return "unknown";
}
}  // namespace

Reply Service::fleet(const Caller&) {
  std::lock_guard lock(mu_);
  const fleet::FleetState& fleet = scheduler_->fleet();
  Reply reply;
  reply.body["now_s"] = scheduler_->now();
  reply.body["pools"] = nlohmann::ordered_json::array();
  for (uint32_t p = 0; p < fleet.pool_count(); ++p) {
    const fleet::Pool& pool = fleet.pool(p);
    nlohmann::ordered_json j;
    j["pool"] = p;
    j["provider"] = scenario_.providers[static_cast<size_t>(pool.spec.provider)].name;
    j["site"] = scenario_.sites[static_cast<size_t>(pool.spec.site)].name;
    j["accelerator"] = scenario_.accelerators[static_cast<size_t>(pool.spec.accelerator)].name;
    j["source"] = std::string(to_string(pool.spec.source));
    j["usd_per_gpu_hour"] = pool.spec.usd_per_gpu_hour;
    j["capacity_gpus"] = pool.nominal_gpus;
    j["in_service_gpus"] = pool.in_service_gpus;
    j["allocated_gpus"] = pool.busy_gpus;
    j["free_gpus"] = pool.free_gpus;
    j["jobs_running"] = pool.running.size();
    j["down"] = pool.down;
    j["nodes_out_of_service"] = nlohmann::ordered_json::array();  // filled below
    reply.body["pools"].push_back(j);
  }
  // Nodes down, drained or draining, by pool: those an operator acts on.
  for (uint32_t n = 0; n < fleet.node_count(); ++n) {
    const fleet::Node& node = fleet.node(n);
    if (node.state == fleet::NodeState::active || node.state == fleet::NodeState::retired) continue;
    reply.body["pools"][node.pool]["nodes_out_of_service"].push_back({{"node", n}, {"state", node_state_name(node)}});
  }
  return reply;
}

Reply Service::outage(const Caller& caller, const std::string& body) {
  if (options_.read_only) return refused_by_standby();
  if (caller.role != Role::admin) return error_reply(403, "", "only the admin reports outages");
  auto doc = object_body(body, {"site", "provider", "down"});
  if (!doc) return error_reply(400, doc.error().field, doc.error().to_string());
  const bool by_site = doc->contains("site"), by_provider = doc->contains("provider");
  if (by_site == by_provider) return error_reply(400, "site", "expected exactly one of site or provider");
  if (!doc->contains("down") || !(*doc)["down"].is_boolean())
    return error_reply(400, "down", "missing or not a boolean; expected true (an outage begins) or false (it ends)");
  const std::string key = by_site ? "site" : "provider";
  if (!(*doc)[key].is_string()) return error_reply(400, key, "expected a name");
  const std::string name = (*doc)[key].get<std::string>();
  const int target = by_site ? scenario_.find_site(name) : scenario_.find_provider(name);
  if (target < 0) return error_reply(400, key, fmt::format("unknown {} '{}'", key, name));
  const bool down = (*doc)["down"].get<bool>();
  uint64_t seq = 0;
  Reply reply;
  {
    std::lock_guard lock(mu_);
    const fleet::FleetState& fleet = scheduler_->fleet();
    std::vector<uint32_t> pools;
    int64_t jobs = 0;
    for (uint32_t p = 0; p < fleet.pool_count(); ++p) {
      const auto& spec = fleet.pool(p).spec;
      if ((by_site && spec.site == target) || (by_provider && spec.provider == target)) {
        pools.push_back(p);
        jobs += static_cast<int64_t>(fleet.pool(p).running.size());
      }
    }
    if (down && pools.size() > 0 && fleet.pool(pools[0]).down)
      return error_reply(409, "down", fmt::format("{} {} is already down", key, name));
    scheduler_->set_down(pools, down);
    if (!options_.virtual_clock) scheduler_->dispatch_now();
    pending_outages_ = true;
    writer_cv_.notify_one();
    seq = ++next_seq_;
    reply.body[key] = name;
    reply.body["down"] = down;
    reply.body["pools"] = pools;
    reply.body["jobs_requeued"] = down ? jobs : 0;
  }
  if (!wait_durable(seq)) return unavailable();
  return reply;
}

Reply Service::node(const Caller& caller, int64_t node, const std::string& body) {
  if (options_.read_only) return refused_by_standby();
  if (caller.role != Role::admin) return error_reply(403, "", "only the admin reports nodes down, repaired or drained");
  auto doc = object_body(body, {"down", "drain"});
  if (!doc) return error_reply(400, doc.error().field, doc.error().to_string());
  const bool by_down = doc->contains("down"), by_drain = doc->contains("drain");
  if (by_down == by_drain)
    return error_reply(400, "down", "expected exactly one of down (true: the node failed; false: repaired) or drain "
                                    "(true: start no job there and take it out when its jobs end; false: back in service)");
  const std::string key = by_down ? "down" : "drain";
  if (!(*doc)[key].is_boolean()) return error_reply(400, key, "not a boolean; expected true or false");
  const bool on = (*doc)[key].get<bool>();
  uint64_t seq = 0;
  Reply reply;
  {
    std::lock_guard lock(mu_);
    const fleet::FleetState& fleet = scheduler_->fleet();
    if (node < 0 || static_cast<size_t>(node) >= fleet.node_count() || fleet.node(static_cast<uint32_t>(node)).state == fleet::NodeState::retired)
      return error_reply(404, "", fmt::format("no node {} in service, in repair or drained", node));
    const auto n = static_cast<uint32_t>(node);
    const size_t running = fleet.pool(fleet.node(n).pool).running.size();
    const bool changed = by_down ? scheduler_->set_node_down(n, on) : scheduler_->set_node_drained(n, on);
    if (!changed)
      return error_reply(409, key, fmt::format("node {} is {}", node, node_state_name(fleet.node(n))));
    if (!options_.virtual_clock) scheduler_->dispatch_now();
    seq = next_seq_;
    reply.body["node"] = node;
    reply.body["state"] = node_state_name(fleet.node(n));
    reply.body["jobs_requeued"] = running - fleet.pool(fleet.node(n).pool).running.size();
  }
  if (!wait_durable(seq)) return unavailable();
  return reply;
}

Reply Service::tenant(const Caller& caller, const std::string& name) {
  if (caller.role != Role::admin && caller.tenant != name) return error_reply(403, "", "a tenant sees only its own usage");
  std::lock_guard lock(mu_);
  Reply reply;
  reply.body["tenant"] = name;
  int64_t used = 0;
  std::map<std::string, int64_t> states;
  std::vector<double> spend = spend_by_tenant_.count(name) ? spend_by_tenant_.at(name) : std::vector<double>();
  spend.resize(scenario_.providers.size(), 0);
  const fleet::FleetState& fleet = scheduler_->fleet();
  for (const JobRecord& r : jobs_) {
    if (r.tenant != name) continue;
    ++states[std::string(to_string(r.state))];
    if (r.state != JobState::running) continue;
    const auto p = static_cast<uint32_t>(r.pool);
    const int64_t gpus = fleet.gpus_taken(p, r.request.gpus);
    used += r.request.gpus;
    const int provider = fleet.pool(p).spec.provider;
    spend[static_cast<size_t>(provider)] += static_cast<double>(gpus) * std::max(0.0, scheduler_->now() - r.start_s) /
                                            kSecondsPerHour * fleet.pool(p).spec.usd_per_gpu_hour;
  }
  reply.body["gpus_in_use"] = used;
  reply.body["quota"] = nullptr;
  reply.body["borrowed_gpus"] = 0;
  for (const TenantQuota& q : scenario_.policy.quotas) {
    if (q.tenant != name) continue;
    reply.body["quota"] = {{"guaranteed_gpus", q.guaranteed_gpus}, {"can_borrow", q.can_borrow}};
    reply.body["borrowed_gpus"] = std::max<int64_t>(0, used - q.guaranteed_gpus);
  }
  reply.body["jobs"] = states;
  nlohmann::ordered_json by_provider = nlohmann::ordered_json::object();
  for (size_t p = 0; p < scenario_.providers.size(); ++p) by_provider[scenario_.providers[p].name] = spend[p];
  reply.body["spend_usd_by_provider"] = by_provider;
  return reply;
}

Reply Service::advance_clock(const Caller& caller, const std::string& body) {
  if (options_.read_only) return refused_by_standby();
  if (caller.role != Role::admin) return error_reply(403, "", "only the admin moves the clock");
  if (!options_.virtual_clock) return error_reply(409, "", "the clock is real (start the server with --clock virtual to move it)");
  auto doc = object_body(body, {"advance_to_s", "dispatch"});
  if (!doc) return error_reply(400, doc.error().field, doc.error().to_string());
  if (!doc->contains("advance_to_s") || !(*doc)["advance_to_s"].is_number())
    return error_reply(400, "advance_to_s", "missing or not a number; expected the clock's new reading, seconds");
  const double t = (*doc)["advance_to_s"].get<double>();
  if (doc->contains("dispatch") && !(*doc)["dispatch"].is_boolean())
    return error_reply(400, "dispatch", "not a boolean; expected true (dispatch at the new time, the default) or false");
  const bool dispatch = doc->value("dispatch", true);
  uint64_t seq = 0;
  Reply reply;
  {
    std::lock_guard lock(mu_);
    if (!std::isfinite(t) || t < virtual_now_s_ || t > kMaxHorizonS)
      return error_reply(400, "advance_to_s", fmt::format("{}; expected a time from the clock's reading {} up to 100 years", t, virtual_now_s_));
    std::vector<int64_t> started, stopped;
    started_log_ = &started;
    stopped_log_ = &stopped;
    scheduler_->advance(t);
    if (dispatch) scheduler_->dispatch_now();
    started_log_ = nullptr;
    stopped_log_ = nullptr;
    virtual_now_s_ = t;
    pending_clock_ = true;
    writer_cv_.notify_one();
    seq = ++next_seq_;
    reply.body["now_s"] = t;
    // Jobs a policy stopped (preempted) on the way, then those running now that started on
    // the way (a job can be in both).
    std::sort(stopped.begin(), stopped.end());
    stopped.erase(std::unique(stopped.begin(), stopped.end()), stopped.end());
    reply.body["stopped"] = stopped;
    reply.body["started"] = nlohmann::ordered_json::array();
    std::sort(started.begin(), started.end());
    started.erase(std::unique(started.begin(), started.end()), started.end());
    for (int64_t id : started) {
      const JobRecord& r = jobs_[static_cast<size_t>(id - 1)];
      const int32_t slot = slot_of_id_[static_cast<size_t>(id - 1)];
      if (r.state != JobState::running || slot < 0) continue;
      reply.body["started"].push_back({{"id", id},
                                       {"pool", r.pool},
                                       {"start_s", r.start_s},
                                       {"expected_end_s", scheduler_->allocation(static_cast<uint32_t>(slot)).end_s}});
    }
    const double next = scheduler_->next_event_s();
    reply.body["next_event_s"] = std::isfinite(next) ? nlohmann::ordered_json(next) : nlohmann::ordered_json();
  }
  if (!wait_durable(seq)) return unavailable();
  return reply;
}

std::string Service::metrics() {
  std::lock_guard lock(mu_);
  std::string out;
  const int64_t queued = state_count_[static_cast<size_t>(JobState::queued)];
  const int64_t running = state_count_[static_cast<size_t>(JobState::running)];
  out += fmt::format("# HELP gpufleet_queue_length Jobs waiting for a placement.\n# TYPE gpufleet_queue_length gauge\ngpufleet_queue_length {}\n", queued);
  out += fmt::format("# HELP gpufleet_jobs_running Jobs holding GPUs.\n# TYPE gpufleet_jobs_running gauge\ngpufleet_jobs_running {}\n", running);
  out += fmt::format("# HELP gpufleet_submissions_total Submissions acknowledged or pending.\n# TYPE gpufleet_submissions_total counter\ngpufleet_submissions_total {}\n", submissions_);
  out += fmt::format("# HELP gpufleet_decisions_total Placement decisions made.\n# TYPE gpufleet_decisions_total counter\ngpufleet_decisions_total {}\n", scheduler_->decisions());
  out += "# HELP gpufleet_decision_latency_seconds Wall time from a submission to its placement, for jobs placed in the first pass after they arrived.\n";
  out += "# TYPE gpufleet_decision_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b < kLatencyBucketsS.size(); ++b) {
    cumulative += latency_buckets_[b];
    out += fmt::format("gpufleet_decision_latency_seconds_bucket{{le=\"{}\"}} {}\n", kLatencyBucketsS[b], cumulative);
  }
  cumulative += latency_buckets_.back();
  out += fmt::format("gpufleet_decision_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("gpufleet_decision_latency_seconds_sum {}\ngpufleet_decision_latency_seconds_count {}\n", latency_sum_s_, latency_count_);
  const fleet::FleetState& fleet = scheduler_->fleet();
  out += "# HELP gpufleet_pool_allocated_gpus GPUs allocated to jobs per pool.\n# TYPE gpufleet_pool_allocated_gpus gauge\n";
  for (uint32_t p = 0; p < fleet.pool_count(); ++p) {
    const auto& spec = fleet.pool(p).spec;
    out += fmt::format("gpufleet_pool_allocated_gpus{{pool=\"{}\",site=\"{}\",source=\"{}\"}} {}\n", p,
                       scenario_.sites[static_cast<size_t>(spec.site)].name, to_string(spec.source), fleet.pool(p).busy_gpus);
  }
  out += "# HELP gpufleet_pool_capacity_gpus Capacity per pool now.\n# TYPE gpufleet_pool_capacity_gpus gauge\n";
  for (uint32_t p = 0; p < fleet.pool_count(); ++p) {
    const auto& spec = fleet.pool(p).spec;
    out += fmt::format("gpufleet_pool_capacity_gpus{{pool=\"{}\",site=\"{}\",source=\"{}\"}} {}\n", p,
                       scenario_.sites[static_cast<size_t>(spec.site)].name, to_string(spec.source), fleet.pool(p).nominal_gpus);
  }
  std::vector<double> spend(scenario_.providers.size(), 0);
  for (const auto& [_, s] : spend_by_tenant_)
    for (size_t p = 0; p < s.size() && p < spend.size(); ++p) spend[p] += s[p];
  out += "# HELP gpufleet_spend_usd_total Spend of the runs that have ended, per provider.\n# TYPE gpufleet_spend_usd_total counter\n";
  for (size_t p = 0; p < spend.size(); ++p)
    out += fmt::format("gpufleet_spend_usd_total{{provider=\"{}\"}} {}\n", scenario_.providers[p].name, spend[p]);
  return out;
}

Reply Service::health() {
  Reply reply;
  if (options_.read_only) {
    const std::string leader = options_.leader_url ? options_.leader_url() : std::string();
    reply.body["status"] = "standby";
    reply.body["leader"] = leader;
    std::lock_guard lock(mu_);
    reply.body["role"] = "standby";
    reply.body["jobs_known"] = jobs_.size();
    reply.body["state_read_s_ago"] = static_cast<double>(steady_ns() - opened_ns_) * 1e-9;
    return reply;
  }
  {
    std::lock_guard lock(durable_mu_);
    if (store_failed_) {
      reply.status = 503;
      reply.body["status"] = "failing";
      reply.body["error"] = store_error_;
    } else {
      reply.body["status"] = "ok";
    }
  }
  std::lock_guard lock(mu_);
  reply.body["role"] = "leader";
  reply.body["store"] = store_->describe();
  reply.body["clock"] = options_.virtual_clock ? "virtual" : "real";
  reply.body["now_s"] = scheduler_->now();
  reply.body["jobs_known"] = jobs_.size();
  reply.body["backends"] = backends_json();
  return reply;
}

Reply Service::refused_by_standby() const {
  const std::string leader = options_.leader_url ? options_.leader_url() : std::string();
  Reply reply;
  reply.status = 503;
  reply.body["error"] = leader.empty()
                            ? std::string("this server is a standby (it answers reads) and no leader is known; retry shortly")
                            : fmt::format("this server is a standby (it answers reads); changes go to the leader at {}", leader);
  reply.body["leader"] = leader;
  return reply;
}

size_t Service::jobs_known() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

}  // namespace gpufleet::serve
