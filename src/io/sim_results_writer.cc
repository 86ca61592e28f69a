// write_sim_results: summary.json, jobs.csv and timeseries.csv of one simulation run.
// The bytes depend only on the results, the scenario and the workload, except summary.json's
// sim_wall_s (wall-clock seconds the run took), the one field that varies between runs.
// Numbers in the CSVs have a fixed number of decimals; JSON numbers are the shortest text that
// reads back to the same double.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/simulate.h"
#include "util/atomic_file.h"

namespace gpufleet {

namespace {

// "YYYY-MM-DDTHH:MM:SSZ" of Unix seconds.
std::string iso_time(int64_t unix_s) {
  const auto t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// A CSV cell: quoted when it holds a comma, quote or line break.
void append_cell(fmt::memory_buffer& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

Result<void> write_summary(const SimResults& r, const Scenario& scenario, const std::string& path) {
  const SimSummary& s = r.summary;
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario_name;
  j["queue_policy"] = r.queue_policy;
  j["placement_policy"] = r.placement_policy;
  j["seed"] = r.seed;
  j["horizon_s"] = scenario.horizon_s;
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
  j["makespan_s"] = s.makespan_s;
  j["gpu_seconds_busy"] = s.gpu_seconds_busy;
  j["gpu_seconds_allocated"] = s.gpu_seconds_allocated;
  j["cost_usd"] = s.cost_usd;
  nlohmann::ordered_json by_provider = nlohmann::ordered_json::object();
  nlohmann::ordered_json providers = nlohmann::ordered_json::object();
  for (size_t i = 0; i < r.by_provider.size() && i < scenario.providers.size(); ++i) {
    const ProviderTotals& p = r.by_provider[i];
    by_provider[scenario.providers[i].name] = p.cost_usd;
    providers[scenario.providers[i].name] = {{"cost_usd", p.cost_usd},
                                             {"contract_usd", p.contract_usd},
                                             {"on_demand_usd", p.on_demand_usd},
                                             {"spot_usd", p.spot_usd},
                                             {"gpu_seconds_busy", p.gpu_seconds_busy},
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
    sites[scenario.sites[i].name] = {{"gpu_seconds_busy", t.gpu_seconds_busy},
                                     {"energy_mwh", t.energy_mwh},
                                     {"carbon_t", t.carbon_t},
                                     {"electricity_usd", t.electricity_usd}};
  }
  j["sites"] = sites;
  j["sim_wall_s"] = s.sim_wall_s;  // the only value that differs between identical runs
  return write_file_atomically(path, j.dump(2) + "\n");
}

Result<void> write_jobs(const SimResults& r, const Scenario& scenario, const Workload& workload,
                        const std::string& path) {
  AtomicFile file;
  if (auto ok = file.open(path); !ok) return ok;
  fmt::memory_buffer out;
  out.append(std::string_view("id,name,submit_s,start_s,end_s,gpus,site,provider,source,queue_s,jct_s,cost_usd,restarts\n"));
  const bool names = workload.names.size() == r.jobs.size();
  for (const JobResult& job : r.jobs) {
    fmt::format_to(std::back_inserter(out), "{},", job.id);
    if (names) append_cell(out, workload.names[job.id]);
    fmt::format_to(std::back_inserter(out), ",{:.3f},", job.submit_s);
    const bool started = job.start_s >= 0;
    const bool ended = job.end_s >= 0;
    if (started) fmt::format_to(std::back_inserter(out), "{:.3f}", job.start_s);
    out.push_back(',');
    if (ended) fmt::format_to(std::back_inserter(out), "{:.3f}", job.end_s);
    fmt::format_to(std::back_inserter(out), ",{},", job.gpus);
    if (started && job.site >= 0 && static_cast<size_t>(job.site) < scenario.sites.size()) {
      const Site& site = scenario.sites[static_cast<size_t>(job.site)];
      append_cell(out, site.name);
      out.push_back(',');
      if (site.provider >= 0 && static_cast<size_t>(site.provider) < scenario.providers.size())
        append_cell(out, scenario.providers[static_cast<size_t>(site.provider)].name);
      out.push_back(',');
      out.append(to_string(job.source));
    } else {
      out.append(std::string_view(",,"));
    }
    out.push_back(',');
    if (started) fmt::format_to(std::back_inserter(out), "{:.3f}", job.start_s - job.submit_s);
    out.push_back(',');
    if (ended) fmt::format_to(std::back_inserter(out), "{:.3f}", job.end_s - job.submit_s);
    fmt::format_to(std::back_inserter(out), ",{:.4f},{}\n", job.cost_usd, job.restarts);
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
  out.append(std::string_view("hour,time,busy_gpus,capacity_gpus,queued_jobs"));
  for (const Provider& p : scenario.providers) fmt::format_to(std::back_inserter(out), ",spend_usd_{}", p.name);
  // Appended for the report: contract GPUs of each provider at the hour's start (the ramps).
  for (const Provider& p : scenario.providers) fmt::format_to(std::back_inserter(out), ",committed_gpus_{}", p.name);
  out.push_back('\n');
  std::vector<int64_t> committed(scenario.providers.size());
  for (size_t h = 0; h < r.hours.size(); ++h) {
    const HourRow& row = r.hours[h];
    fmt::format_to(std::back_inserter(out), "{},{},{:.3f},{:.3f},{}", h,
                   iso_time(scenario.start_unix_s + static_cast<int64_t>(h) * 3600), row.busy_gpus,
                   row.capacity_gpus, row.queued_jobs);
    for (size_t i = 0; i < scenario.providers.size(); ++i)
      fmt::format_to(std::back_inserter(out), ",{:.4f}",
                     i < row.spend_usd_by_provider.size() ? row.spend_usd_by_provider[i] : 0.0);
    std::fill(committed.begin(), committed.end(), 0);
    for (const Contract& c : scenario.contracts)
      if (c.provider >= 0 && static_cast<size_t>(c.provider) < committed.size())
        committed[static_cast<size_t>(c.provider)] += c.gpus_at(static_cast<double>(h) * 3600);
    for (int64_t g : committed) fmt::format_to(std::back_inserter(out), ",{}", g);
    out.push_back('\n');
    if (out.size() > (1 << 20)) {
      file.write(std::string_view(out.data(), out.size()));
      out.clear();
    }
  }
  file.write(std::string_view(out.data(), out.size()));
  return file.commit();
}

}  // namespace

Result<void> write_sim_results(const SimResults& results, const Scenario& scenario, const Workload& workload,
                               const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, 0, 0, "", fmt::format("cannot create the results folder: {}", ec.message()));
  const std::filesystem::path base(dir);
  if (auto ok = write_summary(results, scenario, (base / "summary.json").string()); !ok) return ok;
  if (auto ok = write_jobs(results, scenario, workload, (base / "jobs.csv").string()); !ok) return ok;
  return write_timeseries(results, scenario, (base / "timeseries.csv").string());
}

}  // namespace gpufleet
