#include "report/sim_report_data.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "report/cdf.h"
#include "report/csv_columns.h"
#include "util/human_format.h"
#include "util/time_parse.h"
#include "report/json_input.h"
#include "report/time_buckets.h"
#include "util/time_parse.h"

namespace gpufleet::report {

namespace {

using json = nlohmann::ordered_json;
constexpr double kHour = 3600;

json compact_array(const std::vector<double>& v, int digits = 4) {
  json a = json::array();
  for (double x : v) a.push_back(compact(x, digits));
  return a;
}

struct Provider {
  std::string name;
  std::vector<double> busy, committed, contract_busy;  // GPU-seconds per bucket
  bool has_committed = false;
  std::vector<double> spend_total, spend_on_demand, spend_spot;  // USD per month
};

// What the page needs from summary.json.
struct Summary {
  std::string scenario;
  double horizon_s = 0;
  std::vector<std::string> providers;
};

Result<Summary> read_summary_basics(const JsonObject& s) {
  Summary out;
  auto name = s.string("scenario");
  if (!name) return fail(name.error());
  out.scenario = *name;
  if (auto h = s.optional_number("horizon_s"); h && *h > 0) out.horizon_s = *h;
  auto providers = s.object("providers");
  if (!providers) return fail(providers.error());
  for (const auto& [key, value] : providers->json().items()) out.providers.push_back(key);
  return out;
}

}  // namespace

Result<ReportSection> read_sim_section(const std::string& dir) {
  const std::filesystem::path base(dir);
  const std::string summary_path = (base / "summary.json").string();
  const std::string series_path = (base / "timeseries.csv").string();
  const std::string jobs_path = (base / "jobs.csv").string();

  auto summary_json = read_json_object(summary_path);
  if (!summary_json) return fail(summary_json.error());
  const JsonObject s(*summary_json, summary_path);
  auto basics = read_summary_basics(s);
  if (!basics) return fail(basics.error());
  for (const char* key : {"jobs", "completed", "cost_usd", "gpu_seconds_busy", "committed_utilisation", "energy_mwh",
                          "carbon_t", "mean_jct_s", "p99_jct_s", "mean_queue_s"})
    if (auto v = s.number(key); !v) return fail(v.error());

  // The time series: its first row gives the start date; hours give the horizon when the
  // summary has none (an open-ended trace replay).
  auto header = csv_header(series_path);
  if (!header) return fail(header.error());
  std::vector<CsvColumn> columns = {{"hour"}, {"time"}, {"busy_physical_gpus"}, {"capacity_physical_gpus"}, {"queued_jobs"}};
  std::vector<Provider> providers(basics->providers.size());
  for (size_t p = 0; p < providers.size(); ++p) {
    providers[p].name = basics->providers[p];
    columns.push_back({"spend_usd_per_hour_" + providers[p].name});
    const std::string committed = "committed_physical_gpus_" + providers[p].name;
    providers[p].has_committed = std::find(header->begin(), header->end(), committed) != header->end();
    columns.push_back({committed, false});
  }
  struct HourValues {
    double busy, capacity, queued;
    std::vector<double> spend, committed;
  };
  std::vector<HourValues> hours;
  int64_t start_unix_s = 0;
  auto read_series = for_each_csv_row(series_path, columns, [&](const CsvRow& row) -> Result<void> {
    if (hours.empty()) {
      const auto t = parse_iso_datetime(row.text(1));
      if (!t) return fail(series_path, 2, 0, "time", fmt::format("expected an ISO date and time, found '{}'", row.text(1)));
      start_unix_s = *t;
    }
    HourValues h;
    auto busy = row.required_number(2);
    if (!busy) return fail(busy.error());
    auto capacity = row.required_number(3);
    if (!capacity) return fail(capacity.error());
    auto queued = row.required_number(4);
    if (!queued) return fail(queued.error());
    h.busy = *busy;
    h.capacity = *capacity;
    h.queued = *queued;
    for (size_t p = 0; p < providers.size(); ++p) {
      auto spend = row.required_number(5 + 2 * p);
      if (!spend) return fail(spend.error());
      h.spend.push_back(*spend);
      auto committed = row.number(6 + 2 * p);
      if (!committed) return fail(committed.error());
      h.committed.push_back(committed->value_or(0.0));
    }
    hours.push_back(std::move(h));
    return {};
  });
  if (!read_series) return fail(read_series.error());
  if (hours.empty()) return fail(series_path, 1, 0, "", "expected at least one hourly row");
  const double horizon_s = basics->horizon_s > 0 ? basics->horizon_s : static_cast<double>(hours.size()) * kHour;

  const TimeBuckets buckets(start_unix_s, horizon_s, width_for_horizon(horizon_s));
  const TimeBuckets months(start_unix_s, horizon_s, BucketWidth::month);
  const size_t B = buckets.size(), M = months.size();
  std::vector<double> busy_total(B, 0), capacity_total(B, 0), queue_mean(B, 0), queue_max(B, 0);
  for (auto& p : providers) {
    p.busy.assign(B, 0);
    p.committed.assign(B, 0);
    p.contract_busy.assign(B, 0);
    p.spend_total.assign(M, 0);
    p.spend_on_demand.assign(M, 0);
    p.spend_spot.assign(M, 0);
  }
  for (size_t h = 0; h < hours.size(); ++h) {
    const double from = static_cast<double>(h) * kHour, to = from + kHour;
    const HourValues& v = hours[h];
    buckets.spread(busy_total, from, to, v.busy);
    buckets.spread(capacity_total, from, to, v.capacity);
    buckets.spread(queue_mean, from, to, v.queued);
    if (const size_t b = buckets.index_of(from); b < B) queue_max[b] = std::max(queue_max[b], v.queued);
    for (size_t p = 0; p < providers.size(); ++p) {
      months.spread(providers[p].spend_total, from, to, v.spend[p] / kHour);
      buckets.spread(providers[p].committed, from, to, v.committed[p]);
    }
  }

  // Jobs: busy GPUs by provider, on-demand and spot spend by month, the distributions.
  std::map<std::string, size_t, std::less<>> provider_index;
  for (size_t p = 0; p < providers.size(); ++p) provider_index.emplace(providers[p].name, p);
  std::vector<double> jct_h, queue_h;
  const std::vector<CsvColumn> job_columns = {{"start_s"}, {"end_s"}, {"gpus"}, {"provider"}, {"source"},
                                              {"queue_s"}, {"jct_s"}, {"cost_usd"}};
  auto read_jobs = for_each_csv_row(jobs_path, job_columns, [&](const CsvRow& row) -> Result<void> {
    auto start = row.number(0);
    if (!start) return fail(start.error());
    auto end = row.number(1);
    if (!end) return fail(end.error());
    auto jct = row.number(6);
    if (!jct) return fail(jct.error());
    if (*jct) jct_h.push_back(**jct / kHour);
    if (!*start) return {};  // never started: no GPUs, no spend
    auto gpus = row.required_number(2);
    if (!gpus) return fail(gpus.error());
    auto queue = row.number(5);
    if (!queue) return fail(queue.error());
    if (*queue) queue_h.push_back(**queue / kHour);
    auto cost = row.number(7);
    if (!cost) return fail(cost.error());
    const auto it = provider_index.find(row.text(3));
    if (it == provider_index.end()) return {};  // e.g. the no-provider cluster of --gpus
    Provider& p = providers[it->second];
    const double from = **start, to = end->value_or(horizon_s);
    buckets.spread(p.busy, from, to, *gpus);
    const std::string_view source = row.text(4);
    if (source == "contract") buckets.spread(p.contract_busy, from, to, *gpus);
    std::vector<double>* spend = source == "on-demand" ? &p.spend_on_demand : source == "spot" ? &p.spend_spot : nullptr;
    if (spend && cost->value_or(0) > 0) {
      if (to > from) {
        months.spread(*spend, from, to, **cost / (to - from));
      } else if (const size_t m = months.index_of(from); m < M) {
        (*spend)[m] += **cost;
      }
    }
    return {};
  });
  if (!read_jobs) return fail(read_jobs.error());

  ReportSection out;
  out.kind = "simulation";
  out.scenario = basics->scenario;
  out.horizon = fmt::format("{} to {} ({})", format_iso_date(start_unix_s), format_iso_date(start_unix_s + static_cast<int64_t>(horizon_s)),
                            human_duration(horizon_s));
  json& d = out.data;
  d["bucket"] = width_for_horizon(horizon_s) == BucketWidth::day ? "day" : "week";
  d["labels"] = buckets.labels();
  d["months"] = months.labels();
  auto per_second = [&](std::vector<double> v) {  // GPU-seconds per bucket -> average GPUs
    for (size_t b = 0; b < B; ++b) v[b] = buckets.seconds(b) > 0 ? v[b] / buckets.seconds(b) : 0;
    return v;
  };
  d["busy_gpus"] = compact_array(per_second(busy_total));
  const std::vector<double> capacity_avg = per_second(capacity_total);
  d["capacity_gpus"] = compact_array(capacity_avg);
  d["queue_mean"] = compact_array(per_second(queue_mean), 3);
  d["queue_max"] = compact_array(queue_max);
  json busy = json::object(), committed = json::object(), utilisation = json::object(), spend = json::object();
  const bool has_committed = std::any_of(providers.begin(), providers.end(), [](const Provider& p) { return p.has_committed; });
  std::vector<double> all_contract_busy(B, 0), all_committed(B, 0);
  for (const Provider& p : providers) {
    busy[p.name] = compact_array(per_second(p.busy));
    json months_of = json::object();
    std::vector<double> committed_usd(M);
    for (size_t m = 0; m < M; ++m)
      committed_usd[m] = std::max(0.0, p.spend_total[m] - p.spend_on_demand[m] - p.spend_spot[m]);
    months_of["committed"] = compact_array(committed_usd);
    months_of["on_demand"] = compact_array(p.spend_on_demand);
    months_of["spot"] = compact_array(p.spend_spot);
    spend[p.name] = months_of;
    if (!p.has_committed) continue;
    committed[p.name] = compact_array(per_second(p.committed));
    bool any = false;
    json u = json::array();
    for (size_t b = 0; b < B; ++b) {
      all_contract_busy[b] += p.contract_busy[b];
      all_committed[b] += p.committed[b];
      any = any || p.committed[b] > 0;
      if (p.committed[b] > 0) {
        u.push_back(compact(std::min(1.0, p.contract_busy[b] / p.committed[b]), 3));
      } else {
        u.push_back(nullptr);  // no commitment with this provider then: no point
      }
    }
    if (any) utilisation[p.name] = u;
  }
  d["busy_gpus_by_provider"] = busy;
  d["spend_usd_by_provider"] = spend;
  if (has_committed) {
    d["committed_gpus_by_provider"] = committed;
    json all = json::array();
    for (size_t b = 0; b < B; ++b)
      all.push_back(all_committed[b] > 0 ? json(compact(std::min(1.0, all_contract_busy[b] / all_committed[b]), 3)) : json(nullptr));
    utilisation["all providers"] = all;
    d["committed_utilisation"] = utilisation;
  }
  json jct = json::array(), queue = json::array();
  for (const CdfPoint& c : cdf_points(std::move(jct_h), 300)) jct.push_back({compact(c.x), compact(c.p)});
  for (const CdfPoint& c : cdf_points(std::move(queue_h), 300)) queue.push_back({compact(c.x), compact(c.p)});
  d["jct_cdf_hours"] = jct;
  d["queue_cdf_hours"] = queue;
  // The same by GPU-hours, from the summary (older summaries have none).
  for (const auto& [key, out_key] : {std::pair{"jct_cdf_by_gpu_hours", "jct_cdf_by_gpu_hours"}, std::pair{"queue_cdf_by_gpu_hours", "queue_cdf_by_gpu_hours"}}) {
    json points = json::array();
    if (summary_json->contains(key) && summary_json->at(key).is_array())
      for (const json& p : summary_json->at(key))
        if (p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number())
          points.push_back({compact(p[0].get<double>() / kHour), compact(p[1].get<double>())});
    d[out_key] = points;
  }

  // Per provider and per site, from the summary.
  const auto& pj = summary_json->at("providers");
  json provider_rows = json::array();
  for (const Provider& p : providers) {
    const JsonObject o(pj.at(p.name), summary_path, "providers." + p.name);
    json row;
    row["provider"] = p.name;
    for (const char* key : {"cost_usd", "contract_usd", "on_demand_usd", "spot_usd", "electricity_usd"})
      row[key] = o.optional_number(key).value_or(0);
    row["gpu_hours_busy"] = o.optional_number("gpu_seconds_busy").value_or(0) / kHour;
    if (auto a = o.optional_number("availability")) row["availability"] = *a;
    double cb = 0, c = 0;
    for (size_t b = 0; b < B; ++b) cb += p.contract_busy[b], c += p.committed[b];
    if (p.has_committed && c > 0) row["committed_utilisation"] = std::min(1.0, cb / c);
    provider_rows.push_back(row);
  }
  d["providers"] = provider_rows;
  json site_rows = json::array();
  if (auto sites = s.object("sites")) {
    for (const auto& [name, value] : sites->json().items()) {
      const JsonObject o(value, summary_path, "sites." + name);
      site_rows.push_back({{"site", name},
                           {"provider", value.contains("provider") && value.at("provider").is_string() ? value.at("provider").get<std::string>() : std::string()},
                           {"gpu_hours_busy", o.optional_number("gpu_seconds_busy").value_or(0) / kHour},
                           {"energy_mwh", o.optional_number("energy_mwh").value_or(0)},
                           {"carbon_t", o.optional_number("carbon_t").value_or(0)},
                           {"electricity_usd", o.optional_number("electricity_usd").value_or(0)}});
    }
  }
  d["sites"] = site_rows;

  // Failures, outages and preemptions: only when the simulator reported them.
  if (s.has("interruptions") || s.has("goodput") || s.has("outages")) {
    json r;
    // summary.json's interruptions_by_cause: {cause: count}; causes people read, else as written.
    json causes = json::object();
    const std::map<std::string, std::string, std::less<>> cause_label = {
        {"node_failure", "GPU/node failures"}, {"spot", "spot reclaims"}, {"outage", "outages"}, {"preempted", "preempted by the scheduler"}};
    if (auto by_cause = s.object("interruptions_by_cause")) {
      for (const auto& [key, value] : by_cause->json().items()) {
        if (!value.is_number()) continue;
        const auto it = cause_label.find(key);
        causes[it == cause_label.end() ? key : it->second] = value.get<double>();
      }
    }
    r["interruptions_by_cause"] = causes;
    for (const char* key : {"interruptions", "goodput", "restarts_per_job", "node_failures"})
      if (auto v = s.optional_number(key)) r[key] = *v;
    if (auto v = s.optional_number("gpu_seconds_lost")) r["gpu_hours_lost"] = *v / kHour;
    if (auto v = s.optional_number("gpu_seconds_overhead")) r["gpu_hours_overhead"] = *v / kHour;
    json outages = json::array();
    if (summary_json->contains("outages") && summary_json->at("outages").is_array()) {
      const auto& list = summary_json->at("outages");
      for (size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_object()) continue;
        const JsonObject o(list[i], summary_path, fmt::format("outages[{}]", i));
        json row;
        row["outage"] = o.has("name") && list[i].at("name").is_string() ? list[i].at("name").get<std::string>() : fmt::format("#{}", i + 1);
        if (auto v = o.optional_number("start_s")) row["start"] = format_iso_date(start_unix_s + static_cast<int64_t>(*v));
        if (auto a = o.optional_number("start_s"), b = o.optional_number("end_s"); a && b) row["duration_h"] = (*b - *a) / kHour;
        row["jobs_hit"] = o.optional_number("jobs_hit").value_or(0);
        row["gpu_hours_lost"] = o.optional_number("gpu_seconds_lost").value_or(0) / kHour;
        row["extra_on_demand_usd"] = o.optional_number("extra_on_demand_usd").value_or(0);
        outages.push_back(row);
      }
    }
    r["outages"] = outages;
    d["reliability"] = r;
  }

  // Queue time and JCT per size band and kind, per job and by GPU-hours, and the longest
  // waits, when the summary has them (older results do not).
  json job_times = json::array();
  for (const auto& [key, field] : {std::pair{"job_times_by_size_band", "gpus"}, std::pair{"job_times_by_kind", "kind"}}) {
    if (!summary_json->contains(key) || !summary_json->at(key).is_array()) continue;
    for (const json& g : summary_json->at(key)) {
      if (!g.is_object()) continue;
      const auto figure = [&](const char* name, const char* stat) {
        return g.contains(name) && g.at(name).is_object() && g.at(name).contains(stat) && g.at(name).at(stat).is_number()
                   ? g.at(name).at(stat).get<double>() / kHour
                   : 0.0;
      };
      const std::string group = g.contains(field) && g.at(field).is_string() ? g.at(field).get<std::string>() : "";
      job_times.push_back({{"group", std::string(field) == "gpus" ? group + " GPUs" : group},
                           {"jobs", g.value("jobs", 0.0)},
                           {"gpu_hours", g.value("gpu_hours", 0.0)},
                           {"queue_p50_h", figure("queue", "p50_s")},
                           {"queue_p99_h", figure("queue", "p99_s")},
                           {"queue_w_mean_h", figure("queue_by_gpu_hours", "mean_s")},
                           {"queue_w_p50_h", figure("queue_by_gpu_hours", "p50_s")},
                           {"queue_w_p99_h", figure("queue_by_gpu_hours", "p99_s")},
                           {"jct_p99_h", figure("jct", "p99_s")},
                           {"jct_w_p99_h", figure("jct_by_gpu_hours", "p99_s")}});
    }
  }
  d["job_times"] = job_times;
  json waits = json::array();
  if (summary_json->contains("longest_waits") && summary_json->at("longest_waits").is_array()) {
    for (const json& w : summary_json->at("longest_waits")) {
      if (!w.is_object() || !(w.value("wait_s", 0.0) > 0)) continue;
      const std::string name = w.value("name", "");
      waits.push_back({{"job", name.empty() ? fmt::format("job {}", w.value("id", 0)) : name},
                       {"tenant", w.value("tenant", "")},
                       {"kind", w.value("kind", "")},
                       {"gpus", w.value("gpus", 0)},
                       {"submitted", format_iso_date(start_unix_s + static_cast<int64_t>(w.value("submit_s", 0.0)))},
                       {"wait_h", w.value("wait_s", 0.0) / kHour},
                       {"started", w.value("started", true)}});
    }
  }
  d["longest_waits"] = waits;

  // The header's totals.
  const double jobs = *s.number("jobs"), completed = *s.number("completed");
  // Dollar totals are nominal (undiscounted) over the simulated horizon; they say so.
  const std::string span = fmt::format("nominal, {} to {}", format_iso_date(start_unix_s),
                                       format_iso_date(start_unix_s + static_cast<int64_t>(horizon_s)));
  out.totals = {
      {fmt::format("Total cost ({})", span), human_usd(*s.number("cost_usd"))},
      {"GPU-hours busy", with_commas(*s.number("gpu_seconds_busy") / kHour)},
      {"Peak GPUs in service", with_commas(*std::max_element(capacity_avg.begin(), capacity_avg.end()))},
      {"Committed utilisation", fmt::format("{:.1f}%", 100 * *s.number("committed_utilisation"))},
      {"Jobs completed", fmt::format("{} of {}", with_commas(completed), with_commas(jobs))},
      {"Mean / p99 JCT", fmt::format("{} / {}", human_duration(*s.number("mean_jct_s")), human_duration(*s.number("p99_jct_s")))},
      {"Mean queue time", human_duration(*s.number("mean_queue_s"))},
      {"Energy", fmt::format("{} MWh", with_commas(*s.number("energy_mwh")))},
      {"Carbon", fmt::format("{} t CO2e", with_commas(*s.number("carbon_t")))},
  };
  if (summary_json->contains("queue_by_gpu_hours") && summary_json->at("queue_by_gpu_hours").is_object()) {
    const json& q = summary_json->at("queue_by_gpu_hours");
    out.totals.emplace_back("Mean / p99 queue by GPU-hours",
                            fmt::format("{} / {}", human_duration(q.value("mean_s", 0.0)), human_duration(q.value("p99_s", 0.0))));
  }
  if (!waits.empty())
    out.totals.emplace_back("Longest wait", fmt::format("{}: {}{}", waits[0]["job"].get<std::string>(),
                                                        human_duration(waits[0]["wait_h"].get<double>() * kHour),
                                                        waits[0]["started"].get<bool>() ? "" : " (never ran)"));
  if (auto contracts = s.object("contracts")) {
    double idle = 0;
    for (const auto& [name, c] : contracts->json().items())
      if (c.is_object() && c.contains("idle_take_or_pay_usd") && c.at("idle_take_or_pay_usd").is_number())
        idle += c.at("idle_take_or_pay_usd").get<double>();
    const double cost = *s.number("cost_usd");
    out.totals.emplace_back(fmt::format("Idle take-or-pay ({})", span), cost > 0 ? fmt::format("{} ({:.0f}% of cost)", human_usd(idle), 100 * idle / cost) : human_usd(idle));
  }
  if (const double busy_h = *s.number("gpu_seconds_busy") / kHour; busy_h > 0)
    out.totals.emplace_back(fmt::format("Cost per busy GPU-hour ({})", span), fmt::format("${:.2f}", *s.number("cost_usd") / busy_h));
  if (auto g = s.optional_number("goodput")) out.totals.emplace_back("Goodput", fmt::format("{:.1f}%", 100 * *g));
  if (auto n = s.optional_number("interruptions")) out.totals.emplace_back("Interruptions", with_commas(*n));
  // With carbon-aware placement the simulator also ran cost placement, for comparison.
  if (auto cp = s.object("cost_placement")) {
    if (auto c = cp->optional_number("carbon_t")) out.totals.emplace_back("Carbon with cost placement", fmt::format("{} t CO2e", with_commas(*c)));
    if (auto c = cp->optional_number("cost_usd")) out.totals.emplace_back(fmt::format("Cost with cost placement ({})", span), human_usd(*c));
  }
  // Optional, but text when present.
  const auto policy_name = [&](const char* key) -> Result<std::string> {
    if (!summary_json->contains(key)) return std::string();
    return s.string(key);
  };
  auto queue_policy = policy_name("queue_policy");
  if (!queue_policy) return fail(queue_policy.error());
  auto placement = policy_name("placement_policy");
  if (!placement) return fail(placement.error());
  d["policy"] = fmt::format("{} / {}", *queue_policy, *placement);
  return out;
}

}  // namespace gpufleet::report
