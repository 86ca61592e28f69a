// write_sim_results: summary.json, jobs.csv, timeseries.csv and focus.csv of one simulation run.
// The bytes depend only on the results, the scenario and the workload, except summary.json's
// sim_wall_s (wall-clock seconds the run took), the one field that varies between runs.
// Numbers in the CSVs have a fixed number of decimals; JSON numbers are the shortest text that
// reads back to the same double.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/simulate.h"
#include "io/catalog/catalog_provenance.h"
#include "io/results/focus_writer.h"
#include "util/atomic_file.h"
#include "util/csv_cell.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

// GPU-hours and spend of a group of jobs (a tenant, a kind), from the job rows.
struct GroupTotals {
  int64_t jobs = 0;
  double gpu_seconds_allocated = 0;
  double cost_usd = 0, contract_usd = 0, on_demand_usd = 0, spot_usd = 0;
  void add(const JobResult& j) {
    ++jobs;
    gpu_seconds_allocated += j.gpu_seconds_allocated;
    cost_usd += j.cost_usd;
    contract_usd += j.contract_usd;
    on_demand_usd += j.on_demand_usd;
    spot_usd += j.spot_usd;
  }
  nlohmann::ordered_json json() const {
    return {{"jobs", jobs},
            {"gpu_hours_allocated", gpu_seconds_allocated / 3600},
            {"cost_usd", cost_usd},
            {"contract_usd", contract_usd},
            {"on_demand_usd", on_demand_usd},
            {"spot_usd", spot_usd}};
  }
};

// "tenants" and "kinds": jobs, allocated GPU-hours and spend (the jobs' own, at their pools'
// prices; a contract's idle take-or-pay is the contract's, under "contracts") per tenant and
// per kind; a tenant with a quota also gets its guarantee and quota_use, the GPUs it held on
// average over the horizon / its guaranteed GPUs. Empty without job rows.
void add_attribution(nlohmann::ordered_json& j, const SimResults& r, const Scenario& scenario, const Workload& workload) {
  nlohmann::ordered_json tenants = nlohmann::ordered_json::object(), kinds = nlohmann::ordered_json::object();
  if (workload.jobs.size() == r.jobs.size() && !r.jobs.empty()) {
    std::vector<GroupTotals> by_tenant(workload.tenants.size()), by_kind(3);
    for (const JobResult& job : r.jobs) {
      const Job& in = workload.jobs[job.id];
      if (in.tenant < by_tenant.size()) by_tenant[in.tenant].add(job);
      if (static_cast<size_t>(in.kind) < by_kind.size()) by_kind[static_cast<size_t>(in.kind)].add(job);
    }
    for (size_t t = 0; t < by_tenant.size(); ++t) {
      if (by_tenant[t].jobs == 0) continue;
      nlohmann::ordered_json o = by_tenant[t].json();
      for (const TenantQuota& q : scenario.policy.quotas) {
        if (q.tenant != workload.tenants[t] || q.guaranteed_gpus <= 0) continue;
        o["guaranteed_gpus"] = q.guaranteed_gpus;
        if (std::isfinite(scenario.horizon_s) && scenario.horizon_s > 0)
          o["quota_use"] = by_tenant[t].gpu_seconds_allocated / scenario.horizon_s / static_cast<double>(q.guaranteed_gpus);
      }
      tenants[workload.tenants[t].empty() ? "(none)" : workload.tenants[t]] = o;
    }
    for (size_t k = 0; k < by_kind.size(); ++k)
      if (by_kind[k].jobs > 0) kinds[std::string(to_string(static_cast<JobKind>(k)))] = by_kind[k].json();
  }
  j["tenants"] = tenants;
  j["kinds"] = kinds;
  // Per contract: its bill and the part of it paid for committed GPUs no job used.
  nlohmann::ordered_json contracts = nlohmann::ordered_json::object();
  for (size_t i = 0; i < r.by_contract.size() && i < scenario.contracts.size(); ++i)
    contracts[scenario.contracts[i].name] = {{"cost_usd", r.by_contract[i].cost_usd},
                                             {"idle_take_or_pay_usd", r.by_contract[i].idle_usd},
                                             {"termination_fee_usd", r.by_contract[i].termination_fee_usd}};
  j["contracts"] = contracts;
  // Per spend commitment: what was drawn at its discount and the shortfalls billed (both in
  // the provider's contract spend).
  nlohmann::ordered_json spend = nlohmann::ordered_json::object();
  for (size_t i = 0; i < r.by_spend_commitment.size() && i < scenario.spend_commitments.size(); ++i)
    spend[scenario.spend_commitments[i].name] = {{"spent_usd", r.by_spend_commitment[i].spent_usd},
                                                 {"shortfall_usd", r.by_spend_commitment[i].shortfall_usd},
                                                 {"cost_usd", r.by_spend_commitment[i].cost_usd()}};
  j["spend_commitments"] = spend;
}

nlohmann::ordered_json time_stats_json(const TimeStats& t) {
  return {{"mean_s", t.mean_s}, {"p50_s", t.p50_s}, {"p99_s", t.p99_s}};
}

// "job_times_by_size_band" and "job_times_by_kind": queue time and JCT per group, per job and by
// GPU-hours; "longest_waits": the jobs that waited longest, with their names when the workload
// has names.
void add_job_times(nlohmann::ordered_json& j, const SimSummary& s, const Workload& workload) {
  const auto groups = [](const std::vector<JobGroupStats>& list, const char* key) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const JobGroupStats& g : list)
      a.push_back({{key, g.group},
                   {"jobs", g.jobs},
                   {"started", g.started},
                   {"completed", g.completed},
                   {"gpu_hours", g.gpu_hours},
                   {"queue", time_stats_json(g.queue)},
                   {"queue_by_gpu_hours", time_stats_json(g.queue_by_gpu_hours)},
                   {"jct", time_stats_json(g.jct)},
                   {"jct_by_gpu_hours", time_stats_json(g.jct_by_gpu_hours)}});
    return a;
  };
  j["job_times_by_size_band"] = groups(s.by_size_band, "gpus");
  j["job_times_by_kind"] = groups(s.by_kind, "kind");
  nlohmann::ordered_json waits = nlohmann::ordered_json::array();
  for (const LongWait& w : s.longest_waits) {
    nlohmann::ordered_json o;
    o["id"] = w.id;
    o["name"] = w.id < workload.names.size() ? workload.names[w.id] : std::string();
    if (w.id < workload.jobs.size()) {
      const Job& in = workload.jobs[w.id];
      o["tenant"] = in.tenant < workload.tenants.size() ? workload.tenants[in.tenant] : std::string();
      o["kind"] = to_string(in.kind);
      o["gpus"] = in.gpus;
    }
    o["submit_s"] = w.submit_s;
    o["wait_s"] = w.wait_s;
    o["started"] = w.started;
    waits.push_back(o);
  }
  j["longest_waits"] = waits;
}

nlohmann::ordered_json summary_json(const SimResults& r, const Scenario& scenario, const Workload& workload) {
  const SimSummary& s = r.summary;
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario_name;
  j["queue_policy"] = r.queue_policy;
  j["placement_policy"] = r.placement_policy;
  j["seed"] = r.seed;
  j["horizon_s"] = scenario.horizon_s;
  if (!scenario.catalogs.empty()) j["price_catalogues"] = catalog_sources_json(scenario.catalogs);
  j["jobs"] = s.jobs;
  j["completed"] = s.completed;
  j["never_started"] = s.never_started;
  j["unplaceable"] = s.unplaceable;
  j["mean_jct_s"] = s.mean_jct_s;
  j["p50_jct_s"] = s.p50_jct_s;
  j["p99_jct_s"] = s.p99_jct_s;
  j["mean_queue_s"] = s.mean_queue_s;
  j["p50_queue_s"] = s.p50_queue_s;
  j["p99_queue_s"] = s.p99_queue_s;
  j["queue_by_gpu_hours"] = time_stats_json(s.queue_by_gpu_hours);
  j["jct_by_gpu_hours"] = time_stats_json(s.jct_by_gpu_hours);
  // [seconds, share of GPU-hours at or below], for the report's CDFs by GPU-hours.
  const auto cdf_json = [](const std::vector<std::pair<double, double>>& points) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& [x, p] : points) a.push_back({x, p});
    return a;
  };
  j["queue_cdf_by_gpu_hours"] = cdf_json(s.queue_cdf_by_gpu_hours);
  j["jct_cdf_by_gpu_hours"] = cdf_json(s.jct_cdf_by_gpu_hours);
  j["makespan_s"] = s.makespan_s;
  j["gpu_seconds_busy"] = s.gpu_seconds_busy;
  j["gpu_seconds_allocated"] = s.gpu_seconds_allocated;
  j["cost_usd"] = s.cost_usd;
  j["electricity_usd"] = s.electricity_usd;  // billed, inside cost_usd (0 when the scenario bills no energy)
  j["bill_energy"] = scenario.bill_energy;
  nlohmann::ordered_json by_provider = nlohmann::ordered_json::object();
  nlohmann::ordered_json providers = nlohmann::ordered_json::object();
  for (size_t i = 0; i < r.by_provider.size() && i < scenario.providers.size(); ++i) {
    const ProviderTotals& p = r.by_provider[i];
    by_provider[scenario.providers[i].name] = p.cost_usd;
    double idle = 0;
    for (size_t c = 0; c < r.by_contract.size() && c < scenario.contracts.size(); ++c)
      if (scenario.contracts[c].provider == static_cast<int>(i)) idle += r.by_contract[c].idle_usd;
    providers[scenario.providers[i].name] = {{"cost_usd", p.cost_usd},
                                             {"contract_usd", p.contract_usd},
                                             {"on_demand_usd", p.on_demand_usd},
                                             {"spot_usd", p.spot_usd},
                                             {"electricity_usd", p.electricity_usd},
                                             {"idle_take_or_pay_usd", idle},
                                             {"gpu_seconds_busy", p.gpu_seconds_busy},
                                             // the provider's whole bill over the GPU-hours jobs ran there (0 when none ran)
                                             {"usd_per_busy_gpu_hour", p.gpu_seconds_busy > 0 ? p.cost_usd / (p.gpu_seconds_busy / 3600) : 0.0},
                                             {"availability", p.availability}};
  }
  j["cost_usd_by_provider"] = by_provider;
  j["committed_utilisation"] = s.committed_utilisation;
  j["energy_mwh"] = s.energy_mwh;
  j["carbon_t"] = s.carbon_t;
  j["interruptions"] = s.interruptions;
  j["interruptions_by_cause"] = {{"node_failure", s.interruptions_by_failure},
                                 {"spot", s.interruptions_by_spot},
                                 {"outage", s.interruptions_by_outage},
                                 {"preempted", s.preemptions}};
  j["node_failures"] = s.node_failures;
  j["gpu_seconds_lost"] = s.gpu_seconds_lost;
  j["gpu_seconds_overhead"] = s.gpu_seconds_overhead;
  j["restarts_per_job"] = s.restarts_per_job;
  j["goodput"] = s.goodput;
  j["fractional_gpus_rounded"] = s.fractional_gpus_rounded;
  j["trace_rows_without_gpus"] = s.trace_rows_without_gpus;
  j["trace_rows_not_replayed"] = s.trace_rows_not_replayed;
  nlohmann::ordered_json availability = nlohmann::ordered_json::object();
  for (size_t i = 0; i < r.by_provider.size() && i < scenario.providers.size(); ++i)
    availability[scenario.providers[i].name] = r.by_provider[i].availability;
  j["availability_by_provider"] = availability;
  nlohmann::ordered_json outages = nlohmann::ordered_json::array();
  for (const OutageResult& o : r.outages)
    outages.push_back({{"name", o.name},
                       {"start_s", o.start_s},
                       {"end_s", o.end_s},
                       {"jobs_hit", o.jobs_hit},
                       {"gpu_seconds_lost", o.gpu_seconds_lost},
                       {"extra_on_demand_usd", o.extra_on_demand_usd}});
  j["outages"] = outages;
  if (s.cost_placement_cost_usd >= 0)
    j["cost_placement"] = {{"carbon_t", s.cost_placement_carbon_t}, {"cost_usd", s.cost_placement_cost_usd}};
  j["events"] = s.events;
  j["providers"] = providers;
  nlohmann::ordered_json sites = nlohmann::ordered_json::object();
  for (size_t i = 0; i < r.by_site.size() && i < scenario.sites.size(); ++i) {
    const SiteTotals& t = r.by_site[i];
    const int provider = scenario.sites[i].provider;
    sites[scenario.sites[i].name] = {{"provider", provider >= 0 && static_cast<size_t>(provider) < scenario.providers.size()
                                                      ? scenario.providers[static_cast<size_t>(provider)].name
                                                      : std::string()},
                                     {"gpu_seconds_busy", t.gpu_seconds_busy},
                                     {"energy_mwh", t.energy_mwh},
                                     {"carbon_t", t.carbon_t},
                                     {"electricity_usd", t.electricity_usd}};
  }
  j["sites"] = sites;
  add_attribution(j, r, scenario, workload);
  add_job_times(j, s, workload);
  j["sim_wall_s"] = s.sim_wall_s;  // the only value that differs between identical runs
  return j;
}

Result<void> write_jobs(const SimResults& r, const Scenario& scenario, const Workload& workload,
                        const std::string& path) {
  AtomicFile file;
  if (auto ok = file.open(path); !ok) return ok;
  fmt::memory_buffer out;
  for (size_t c = 0; c < kJobsCsvColumns.size(); ++c) {
    if (c > 0) out.push_back(',');
    out.append(kJobsCsvColumns[c]);
  }
  out.push_back('\n');
  for (size_t i = 0; i < r.jobs.size(); ++i) {
    const JobRow row = job_row(r, scenario, workload, i);
    fmt::format_to(std::back_inserter(out), "{},", row.id);
    if (row.name) append_csv_cell(out, *row.name);
    out.push_back(',');
    if (row.tenant >= 0) append_csv_cell(out, workload.tenants[static_cast<size_t>(row.tenant)]);
    if (row.kind >= 0)
      fmt::format_to(std::back_inserter(out), ",{},{}", to_string(static_cast<JobKind>(row.kind)), row.priority);
    else
      out.append(std::string_view(",,"));
    fmt::format_to(std::back_inserter(out), ",{:.3f},", row.submit_s);
    if (row.started) fmt::format_to(std::back_inserter(out), "{:.3f}", row.start_s);
    out.push_back(',');
    if (row.ended) fmt::format_to(std::back_inserter(out), "{:.3f}", row.end_s);
    fmt::format_to(std::back_inserter(out), ",{},", row.gpus);
    if (row.accelerator >= 0) append_csv_cell(out, scenario.accelerators[static_cast<size_t>(row.accelerator)].name);
    out.push_back(',');
    if (row.site >= 0) append_csv_cell(out, scenario.sites[static_cast<size_t>(row.site)].name);
    out.push_back(',');
    if (row.provider >= 0) append_csv_cell(out, scenario.providers[static_cast<size_t>(row.provider)].name);
    out.push_back(',');
    if (row.source >= 0) out.append(to_string(static_cast<CapacitySource>(row.source)));
    out.push_back(',');
    if (row.started) fmt::format_to(std::back_inserter(out), "{:.3f}", row.queue_s);
    out.push_back(',');
    if (row.ended) fmt::format_to(std::back_inserter(out), "{:.3f}", row.jct_s);
    fmt::format_to(std::back_inserter(out), ",{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{}\n", row.gpu_hours_allocated,
                   row.cost_usd, row.contract_usd, row.on_demand_usd, row.spot_usd, row.restarts);
    if (out.size() > (1 << 20)) {
      file.write(std::string_view(out.data(), out.size()));
      out.clear();
    }
  }
  file.write(std::string_view(out.data(), out.size()));
  return file.commit();
}

Result<void> write_timeseries(const SimResults& r, const Scenario& scenario, const std::string& path) {
  AtomicFile file;
  if (auto ok = file.open(path); !ok) return ok;
  fmt::memory_buffer out;
  const std::vector<std::string> columns = timeseries_csv_columns(scenario);
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out.push_back(',');
    out.append(columns[c]);
  }
  out.push_back('\n');
  const size_t split = scenario.providers.size() * 3;
  for (size_t h = 0; h < r.hours.size(); ++h) {
    const HourRow& row = r.hours[h];
    fmt::format_to(std::back_inserter(out), "{},{},{:.3f},{:.3f},{}", h,
                   format_iso_datetime(scenario.start_unix_s + static_cast<int64_t>(h) * 3600), row.busy_gpus,
                   row.capacity_gpus, row.queued_jobs);
    for (size_t i = 0; i < scenario.providers.size(); ++i)
      fmt::format_to(std::back_inserter(out), ",{:.4f}",
                     i < row.spend_usd_by_provider.size() ? row.spend_usd_by_provider[i] : 0.0);
    for (int64_t g : committed_gpus_by_provider(scenario, static_cast<double>(h) * 3600)) fmt::format_to(std::back_inserter(out), ",{}", g);
    for (size_t c = 0; c < split; ++c)
      fmt::format_to(std::back_inserter(out), ",{:.3f}", c < row.busy_gpus_by_provider_source.size() ? row.busy_gpus_by_provider_source[c] : 0.0);
    for (size_t c = 0; c < split; ++c)
      fmt::format_to(std::back_inserter(out), ",{:.4f}", c < row.spend_usd_by_provider_source.size() ? row.spend_usd_by_provider_source[c] : 0.0);
    for (size_t i = 0; i < scenario.providers.size(); ++i)
      fmt::format_to(std::back_inserter(out), ",{:.4f}",
                     i < row.electricity_usd_by_provider.size() ? row.electricity_usd_by_provider[i] : 0.0);
    fmt::format_to(std::back_inserter(out), ",{:.3f}\n", row.work_ref_gpus);
    if (out.size() > (1 << 20)) {
      file.write(std::string_view(out.data(), out.size()));
      out.clear();
    }
  }
  file.write(std::string_view(out.data(), out.size()));
  return file.commit();
}

// What a name of the scenario's list is, "" when i is out of it.
template <class T>
std::string name_at(const std::vector<T>& list, int i) {
  return i >= 0 && static_cast<size_t>(i) < list.size() ? list[static_cast<size_t>(i)].name : std::string();
}

// focus.csv: a row per line of the bill (SimResults::charges: per UTC day, pool, contract or
// spend commitment, used or unused), the site's region as RegionId, the site and accelerator
// in Tags with the source the spend counts in (summary.json's contract, on-demand, spot).
Result<void> write_focus(const SimResults& r, const Scenario& scenario, const std::string& path) {
  std::vector<FocusRow> rows;
  rows.reserve(r.charges.size());
  for (const DailyCharge& c : r.charges) {
    FocusRow row;
    row.charge_start_unix_s = c.day * 86400;
    row.charge_end_unix_s = row.charge_start_unix_s + 86400;
    row.provider = name_at(scenario.providers, c.provider);
    const std::string site = name_at(scenario.sites, c.site), accelerator = name_at(scenario.accelerators, c.accelerator);
    if (c.site >= 0 && static_cast<size_t>(c.site) < scenario.sites.size())
      row.region = scenario.sites[static_cast<size_t>(c.site)].region;
    row.gpu_hours = c.gpu_hours;
    row.list_usd = c.list_usd;
    row.billed_usd = row.effective_usd = c.usd;
    nlohmann::ordered_json tags = nlohmann::ordered_json::object();
    if (!site.empty()) tags["site"] = site;
    if (!accelerator.empty()) tags["accelerator"] = accelerator;
    tags["source"] = c.kind == ChargeKind::electricity ? std::string("electricity") : std::string(to_string(c.source));
    row.tags_json = tags.dump();
    const std::string where = accelerator + " GPUs at " + site;
    if (c.contract >= 0) {
      row.commitment_id = name_at(scenario.contracts, c.contract);
      row.commitment_type = "Capacity Contract";
      row.commitment_category = "Usage";
    } else if (c.spend_commitment >= 0) {
      row.commitment_id = name_at(scenario.spend_commitments, c.spend_commitment);
      row.commitment_type = "Spend Commitment";
      row.commitment_category = "Spend";
    }
    switch (c.kind) {
      case ChargeKind::use:
        if (!row.commitment_id.empty()) row.commitment_status = "Used";
        row.description = c.contract >= 0          ? "Contract " + row.commitment_id + ": " + where + " in use"
                          : c.spend_commitment >= 0 ? "On-demand " + where + " under spend commitment " + row.commitment_id
                          : c.source == CapacitySource::spot ? "Spot " + where
                                                             : "On-demand " + where;
        break;
      case ChargeKind::unused_commitment:
        row.commitment_status = "Unused";
        row.description = c.contract >= 0 ? "Contract " + row.commitment_id + ": committed " + where + " idle (take-or-pay)"
                                          : "Spend commitment " + row.commitment_id + ": shortfall billed at the year's end";
        break;
      case ChargeKind::fee:
        row.charge_category = "Purchase";
        row.description = "Contract " + row.commitment_id + ": early termination fee";
        break;
      case ChargeKind::electricity:
        row.service_category = "Other";
        row.description = "Electricity of " + where + " (held GPUs: busy at board power, idle at its idle share; x PUE x USD/MWh)";
        break;
    }
    rows.push_back(std::move(row));
  }
  return write_focus_csv(rows, path);
}

}  // namespace

std::string sim_summary_json(const SimResults& results, const Scenario& scenario, const Workload& workload) {
  return summary_json(results, scenario, workload).dump(2);
}

JobRow job_row(const SimResults& r, const Scenario& scenario, const Workload& workload, size_t i) {
  const JobResult& job = r.jobs[i];
  JobRow row;
  row.id = job.id;
  if (workload.names.size() == r.jobs.size()) row.name = &workload.names[job.id];
  if (workload.jobs.size() == r.jobs.size()) {
    const Job& in = workload.jobs[job.id];
    if (in.tenant < workload.tenants.size()) row.tenant = static_cast<int>(in.tenant);
    row.kind = static_cast<int>(in.kind);
    row.priority = in.priority;
  }
  row.submit_s = job.submit_s;
  row.started = job.start_s >= 0;
  row.ended = job.end_s >= 0;
  row.start_s = job.start_s;
  row.end_s = job.end_s;
  row.queue_s = job.start_s - job.submit_s;
  row.jct_s = job.end_s - job.submit_s;
  row.gpus = job.gpus;
  if (row.started && job.accelerator >= 0 && static_cast<size_t>(job.accelerator) < scenario.accelerators.size())
    row.accelerator = job.accelerator;
  if (row.started && job.site >= 0 && static_cast<size_t>(job.site) < scenario.sites.size()) {
    row.site = job.site;
    const int provider = scenario.sites[static_cast<size_t>(job.site)].provider;
    if (provider >= 0 && static_cast<size_t>(provider) < scenario.providers.size()) row.provider = provider;
    row.source = static_cast<int>(job.source);
  }
  row.gpu_hours_allocated = job.gpu_seconds_allocated / 3600;
  row.cost_usd = job.cost_usd;
  row.contract_usd = job.contract_usd;
  row.on_demand_usd = job.on_demand_usd;
  row.spot_usd = job.spot_usd;
  row.restarts = job.restarts;
  return row;
}

std::vector<std::string> timeseries_csv_columns(const Scenario& scenario) {
  // Units in every name: physical GPUs (not reference GPUs), USD spent in the hour (= USD per
  // hour over it). Then by provider: spend, contract GPUs at the hour's start (the ramps), and
  // busy GPUs and spend by source, electricity; last, the work done in reference GPUs (a plan's unit).
  std::vector<std::string> columns{"hour", "time", "busy_physical_gpus", "capacity_physical_gpus", "queued_jobs"};
  for (const Provider& p : scenario.providers) columns.push_back("spend_usd_per_hour_" + p.name);
  for (const Provider& p : scenario.providers) columns.push_back("committed_physical_gpus_" + p.name);
  // Sources in CapacitySource order, spelt as identifiers (jobs.csv's source cells say "on-demand").
  constexpr const char* kSources[] = {"contract", "on_demand", "spot"};
  for (const Provider& p : scenario.providers)
    for (const char* c : kSources) columns.push_back(fmt::format("busy_physical_gpus_{}_{}", p.name, c));
  for (const Provider& p : scenario.providers)
    for (const char* c : kSources) columns.push_back(fmt::format("spend_usd_per_hour_{}_{}", p.name, c));
  for (const Provider& p : scenario.providers) columns.push_back("spend_usd_per_hour_" + p.name + "_electricity");
  columns.push_back("work_ref_gpus");
  return columns;
}

std::vector<int64_t> committed_gpus_by_provider(const Scenario& scenario, double at_s) {
  std::vector<int64_t> committed(scenario.providers.size());
  for (const Contract& c : scenario.contracts)
    if (c.provider >= 0 && static_cast<size_t>(c.provider) < committed.size())
      committed[static_cast<size_t>(c.provider)] += c.gpus_at(at_s);
  return committed;
}

Result<void> write_sim_results(const SimResults& results, const Scenario& scenario, const Workload& workload,
                               const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, 0, 0, "", fmt::format("cannot create the results folder: {}", ec.message()));
  const std::filesystem::path base(dir);
  if (auto ok = write_file_atomically((base / "summary.json").string(), sim_summary_json(results, scenario, workload) + "\n"); !ok)
    return ok;
  if (auto ok = write_jobs(results, scenario, workload, (base / "jobs.csv").string()); !ok) return ok;
  if (auto ok = write_timeseries(results, scenario, (base / "timeseries.csv").string()); !ok) return ok;
  return write_focus(results, scenario, (base / "focus.csv").string());
}

}  // namespace gpufleet
