// Tests of the report: number formatting, downsampling, the CDF, HTML escaping, and the page
// written from small hand-made results folders whose figures are computed by hand.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpufleet/report.h"
#include "report/cdf.h"
#include "report/html_page.h"
#include "report/plan_overlay.h"
#include "report/report_assets.h"
#include "report/time_buckets.h"
#include "util/digest.h"
#include "util/time_parse.h"
#include "../../tests/html_checks.h"

namespace gpufleet::report {
namespace {

using gpufleet::testing::network_references;

namespace fs = std::filesystem;
using json = nlohmann::json;

// 2026-01-01T00:00:00Z
constexpr int64_t kJan2026 = 1767225600;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() / ("gpufleet-report-test-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The JSON the page draws, read back out of the HTML.
json page_data(const std::string& html) {
  const std::string open = "<script id=\"report-data\" type=\"application/json\">";
  const auto from = html.find(open);
  EXPECT_NE(from, std::string::npos);
  const auto to = html.find("</script>", from);
  std::string text = html.substr(from + open.size(), to - from - open.size());
  // escape_script turned "</" into "<\/", which JSON reads back as "</".
  return json::parse(text);
}

// ---- formatting, buckets, CDF, escaping -------------------------------------------------------

TEST(TimeBuckets, DaysWithAPartialLastDay) {
  const TimeBuckets b(kJan2026, 2.5 * 86400, BucketWidth::day);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.labels()[0], "2026-01-01");
  EXPECT_EQ(b.labels()[2], "2026-01-03");
  EXPECT_DOUBLE_EQ(b.seconds(2), 43200);
  // 8 GPUs from 20:00 on day 1 to 04:00 on day 2: 4 hours in each.
  std::vector<double> acc(3, 0.0);
  b.spread(acc, 20 * 3600.0, 28 * 3600.0, 8);
  EXPECT_DOUBLE_EQ(acc[0], 8 * 4 * 3600.0);
  EXPECT_DOUBLE_EQ(acc[1], 8 * 4 * 3600.0);
  EXPECT_DOUBLE_EQ(acc[2], 0);
  // Clipped to the run.
  b.spread(acc, 2 * 86400.0, 10 * 86400.0, 1);
  EXPECT_DOUBLE_EQ(acc[2], 43200);
  EXPECT_EQ(b.index_of(-1), 3u);
  EXPECT_EQ(b.index_of(86400), 1u);
  EXPECT_EQ(b.index_of(2.5 * 86400), 3u);
}

TEST(TimeBuckets, MonthsFollowTheCalendar) {
  const TimeBuckets b(kJan2026, 90 * 86400.0, BucketWidth::month);  // Jan 1 .. Apr 1
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.labels()[0], "2026-01");
  EXPECT_EQ(b.labels()[1], "2026-02");
  EXPECT_DOUBLE_EQ(b.seconds(0), 31 * 86400.0);
  EXPECT_DOUBLE_EQ(b.seconds(1), 28 * 86400.0);
  EXPECT_DOUBLE_EQ(b.seconds(2), 31 * 86400.0);
  // A run starting mid-month: the first bucket is partial.
  const TimeBuckets mid(kJan2026 + 15 * 86400, 30 * 86400.0, BucketWidth::month);
  ASSERT_EQ(mid.size(), 2u);
  EXPECT_DOUBLE_EQ(mid.seconds(0), 16 * 86400.0);
  EXPECT_EQ(width_for_horizon(730 * 86400.0), BucketWidth::day);
  EXPECT_EQ(width_for_horizon(7 * 365 * 86400.0), BucketWidth::week);
}

TEST(Cdf, EvenRanksEndingAtOne) {
  std::vector<double> sample;
  for (int i = 1000; i >= 1; --i) sample.push_back(i);
  const auto points = cdf_points(sample, 11);
  ASSERT_EQ(points.size(), 11u);
  EXPECT_DOUBLE_EQ(points.front().x, 1);
  EXPECT_DOUBLE_EQ(points.front().p, 0.001);
  EXPECT_DOUBLE_EQ(points.back().x, 1000);
  EXPECT_DOUBLE_EQ(points.back().p, 1.0);
  for (size_t i = 1; i < points.size(); ++i) {
    EXPECT_GT(points[i].x, points[i - 1].x);
    EXPECT_GT(points[i].p, points[i - 1].p);
  }
}

TEST(Cdf, TiesReachTheirLevelAndSmallSamplesKeepEveryValue) {
  // 90 zeros and 10 ones: P(x <= 0) = 0.9.
  std::vector<double> sample(90, 0.0);
  sample.insert(sample.end(), 10, 1.0);
  const auto points = cdf_points(sample, 300);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_DOUBLE_EQ(points[0].x, 0);
  EXPECT_DOUBLE_EQ(points[0].p, 0.9);
  EXPECT_DOUBLE_EQ(points[1].p, 1.0);
  EXPECT_TRUE(cdf_points({}, 10).empty());
  const auto one = cdf_points({7}, 10);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_DOUBLE_EQ(one[0].p, 1.0);
}

TEST(HtmlPage, EscapingKeepsTextInsideItsElement) {
  EXPECT_EQ(escape_html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
  EXPECT_EQ(escape_script("x = '</script><script>alert(1)</script>'"), "x = '<\\/script><script>alert(1)<\\/script>'");
  EXPECT_EQ(escape_script("a < b / c"), "a < b / c");
}

TEST(HtmlPage, ChartJsIsEmbeddedAndNothingIsLoaded) {
  EXPECT_NE(embedded_chart_js().find("Chart.js v"), std::string_view::npos);
  EXPECT_GT(embedded_chart_js().size(), 100000u);
  ReportSection s;
  s.kind = "simulation";
  s.scenario = "lab <east>";
  s.horizon = "2026-01-01 to 2026-01-02 (1.0 d)";
  s.totals = {{"Total cost", "$1.20B"}};
  s.data = {{"note", "</script><img src=http://example.invalid/x>"}};
  s.command = "gpufleet simulate --out 'my dir'";
  const std::string html = render_html({s});
  EXPECT_NE(html.find("<h1>lab &lt;east&gt;</h1>"), std::string::npos);
  EXPECT_NE(html.find("gpufleet simulate --out &#39;my dir&#39;"), std::string::npos);
  EXPECT_NE(html.find("<dt>Total cost</dt><dd>$1.20B</dd>"), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  // The data cannot end its <script> element: four </script> in all (the error counter, the
  // data, Chart.js, the page script).
  size_t ends = 0;
  for (size_t at = html.find("</script>"); at != std::string::npos; at = html.find("</script>", at + 1)) ++ends;
  EXPECT_EQ(ends, 4u);
  EXPECT_EQ(page_data(html)["simulation"]["note"], "</script><img src=http://example.invalid/x>");
}

// ---- a hand-made simulation folder ---------------------------------------------------------------

// Two providers over two days. aws: 16 committed GPUs, one contract job of 8 GPUs for 24 h on
// day 1; one on-demand job of 4 GPUs from 12:00 on day 1 to 12:00 on day 2 costing $96
// ($1/GPU-hour). azure: nothing committed; one spot job never finished (runs to the horizon).
void write_small_sim(const fs::path& dir, bool with_faults) {
  json s = {{"scenario", "two-day lab"}, {"queue_policy", "fifo"}, {"placement_policy", "cost"}, {"seed", 1},
            {"horizon_s", 172800.0}, {"jobs", 4}, {"completed", 2}, {"never_started", 1}, {"unplaceable", 0},
            {"mean_jct_s", 86400.0}, {"p50_jct_s", 86400.0}, {"p99_jct_s", 86400.0}, {"mean_queue_s", 1800.0},
            {"p50_queue_s", 0.0}, {"p99_queue_s", 3600.0}, {"makespan_s", 172800.0},
            {"gpu_seconds_busy", 1.5e6}, {"gpu_seconds_allocated", 1.5e6}, {"cost_usd", 1234567.0},
            {"committed_utilisation", 0.25}, {"energy_mwh", 12.5}, {"carbon_t", 4.25}, {"events", 10}};
  s["providers"] = {{"aws", {{"cost_usd", 1000.0}, {"contract_usd", 904.0}, {"on_demand_usd", 96.0}, {"spot_usd", 0.0}, {"gpu_seconds_busy", 1e6}}},
                    {"azure", {{"cost_usd", 10.0}, {"contract_usd", 0.0}, {"on_demand_usd", 0.0}, {"spot_usd", 10.0}, {"gpu_seconds_busy", 5e5}}}};
  s["sites"] = {{"aws-east", {{"gpu_seconds_busy", 1e6}, {"energy_mwh", 10.0}, {"carbon_t", 4.0}, {"electricity_usd", 900.0}}},
                {"azure-west", {{"gpu_seconds_busy", 5e5}, {"energy_mwh", 2.5}, {"carbon_t", 0.25}, {"electricity_usd", 100.0}}}};
  if (with_faults) {
    s["interruptions"] = 7;
    s["interruptions_by_cause"] = {{"node_failure", 5}, {"spot", 2}, {"outage", 0}, {"preempted", 0}};
    s["gpu_seconds_lost"] = 7200.0;
    s["goodput"] = 0.97;
    s["providers"]["aws"]["availability"] = 0.99;
    s["providers"]["azure"]["availability"] = 0.95;
    s["outages"] = json::array({{{"name", "aws-east down"}, {"start_s", 3600.0}, {"end_s", 7200.0}, {"jobs_hit", 1},
                                 {"gpu_seconds_lost", 3600.0}, {"extra_on_demand_usd", 5.0}}});
  }
  s["sim_wall_s"] = 0.01;
  write_text(dir / "summary.json", s.dump(2));
  std::string ts = "hour,time,busy_physical_gpus,capacity_physical_gpus,queued_jobs,spend_usd_per_hour_aws,spend_usd_per_hour_azure,committed_physical_gpus_aws,committed_physical_gpus_azure\n";
  for (int h = 0; h < 48; ++h) {
    const int queued = h == 5 ? 3 : 0;
    ts += std::to_string(h) + ",2026-01-" + (h < 24 ? "01" : "02") + "T00:00:00Z,10.000,20.000," + std::to_string(queued) +
          ",20.0000,0.5000,16,0\n";
  }
  write_text(dir / "timeseries.csv", ts);
  write_text(dir / "jobs.csv",
             "id,name,submit_s,start_s,end_s,gpus,site,provider,source,queue_s,jct_s,cost_usd,restarts\n"
             "0,,0.000,0.000,86400.000,8,aws-east,aws,contract,0.000,86400.000,0.0000,0\n"
             "1,,39600.000,43200.000,129600.000,4,aws-east,aws,on-demand,3600.000,90000.000,96.0000,0\n"
             "2,,0.000,86400.000,,2,azure-west,azure,spot,86400.000,,10.0000,1\n"
             "3,,100.000,,,64,,,,,,0.0000,0\n");
}

TEST(SimReport, FiguresComputedByHand) {
  TempDir dir("sim");
  write_small_sim(dir.path(), false);
  write_run_record(dir.path().string(), "simulate", "gpufleet simulate small.yaml --out results");
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const std::string html = slurp(html_path);
  EXPECT_NE(html.find("<h1>two-day lab</h1>"), std::string::npos);
  EXPECT_NE(html.find("2026-01-01 to 2026-01-03 (2.0 d)"), std::string::npos);
  EXPECT_NE(html.find("<code>gpufleet simulate small.yaml --out results</code>"), std::string::npos);
  // Every dollar total names its basis and span.
  EXPECT_NE(html.find("<dt>Total cost (nominal, 2026-01-01 to 2026-01-03)</dt><dd>$1.23M</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Jobs completed</dt><dd>2 of 4</dd>"), std::string::npos);
  EXPECT_TRUE(network_references(html).empty()) << network_references(html).front();

  const json d = page_data(html)["simulation"];
  EXPECT_EQ(d["bucket"], "day");
  EXPECT_EQ(d["labels"], json({"2026-01-01", "2026-01-02"}));
  // aws busy: day 1 = 8 (contract, all day) + 4 x 12 h / 24 h = 10; day 2 = 4 x 12 / 24 = 2.
  EXPECT_DOUBLE_EQ(d["busy_gpus_by_provider"]["aws"][0].get<double>(), 10);
  EXPECT_DOUBLE_EQ(d["busy_gpus_by_provider"]["aws"][1].get<double>(), 2);
  // azure: 2 GPUs from the start of day 2 to the horizon.
  EXPECT_DOUBLE_EQ(d["busy_gpus_by_provider"]["azure"][0].get<double>(), 0);
  EXPECT_DOUBLE_EQ(d["busy_gpus_by_provider"]["azure"][1].get<double>(), 2);
  EXPECT_DOUBLE_EQ(d["capacity_gpus"][0].get<double>(), 20);
  EXPECT_DOUBLE_EQ(d["committed_gpus_by_provider"]["aws"][0].get<double>(), 16);
  // Committed utilisation: contract busy 8 of 16 on day 1, 0 on day 2; azure has no commitment.
  EXPECT_DOUBLE_EQ(d["committed_utilisation"]["aws"][0].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(d["committed_utilisation"]["aws"][1].get<double>(), 0);
  EXPECT_FALSE(d["committed_utilisation"].contains("azure"));
  // Queue: 3 jobs for one hour on day 1 -> mean 3/24, max 3.
  EXPECT_DOUBLE_EQ(d["queue_mean"][0].get<double>(), 0.125);
  EXPECT_DOUBLE_EQ(d["queue_max"][0].get<double>(), 3);
  // January: aws spent 48 h x $20 = $960, of which $96 on demand; azure 48 x $0.5 = $24, $10 spot.
  EXPECT_EQ(d["months"], json({"2026-01"}));
  EXPECT_DOUBLE_EQ(d["spend_usd_by_provider"]["aws"]["on_demand"][0].get<double>(), 96);
  EXPECT_DOUBLE_EQ(d["spend_usd_by_provider"]["aws"]["committed"][0].get<double>(), 864);
  EXPECT_DOUBLE_EQ(d["spend_usd_by_provider"]["azure"]["spot"][0].get<double>(), 10);
  EXPECT_DOUBLE_EQ(d["spend_usd_by_provider"]["azure"]["committed"][0].get<double>(), 14);
  // Distributions in hours: JCTs 24 h and 25 h; queue times 0, 1 h and 24 h.
  EXPECT_EQ(d["jct_cdf_hours"], json::parse("[[24,0.5],[25,1]]"));
  EXPECT_EQ(d["queue_cdf_hours"].size(), 3u);
  EXPECT_DOUBLE_EQ(d["queue_cdf_hours"][2][0].get<double>(), 24);
  ASSERT_EQ(d["sites"].size(), 2u);
  EXPECT_DOUBLE_EQ(d["sites"][0]["energy_mwh"].get<double>(), 10);
  // No failure figures in this summary: no failure section.
  EXPECT_FALSE(d.contains("reliability"));
  EXPECT_FALSE(d["providers"][0].contains("availability"));
}

TEST(SimReport, FailureFiguresAppearWhenTheSummaryHasThem) {
  TempDir dir("sim-faults");
  write_small_sim(dir.path(), true);
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const std::string html = slurp(html_path);
  EXPECT_NE(html.find("<dt>Goodput</dt><dd>97.0%</dd>"), std::string::npos);
  EXPECT_NE(html.find("(not recorded: no run.json"), std::string::npos);
  const json d = page_data(html)["simulation"];
  ASSERT_TRUE(d.contains("reliability"));
  EXPECT_EQ(d["reliability"]["interruptions_by_cause"]["GPU/node failures"], 5);
  EXPECT_EQ(d["reliability"]["interruptions_by_cause"]["spot reclaims"], 2);
  EXPECT_DOUBLE_EQ(d["reliability"]["gpu_hours_lost"].get<double>(), 2);
  ASSERT_EQ(d["reliability"]["outages"].size(), 1u);
  EXPECT_EQ(d["reliability"]["outages"][0]["outage"], "aws-east down");
  EXPECT_DOUBLE_EQ(d["reliability"]["outages"][0]["duration_h"].get<double>(), 1);
  EXPECT_DOUBLE_EQ(d["providers"][1]["availability"].get<double>(), 0.95);
}

TEST(SimReport, OlderResultsWithoutCommittedColumnsStillRender) {
  TempDir dir("sim-old");
  write_small_sim(dir.path(), false);
  std::string ts = slurp(dir.path() / "timeseries.csv");
  // Drop the two committed_physical_gpus_ columns from every line.
  ts = std::regex_replace(ts, std::regex(",[^,\n]*,[^,\n]*\n"), "\n");
  write_text(dir.path() / "timeseries.csv", ts);
  ASSERT_EQ(ts.substr(0, ts.find('\n')), "hour,time,busy_physical_gpus,capacity_physical_gpus,queued_jobs,spend_usd_per_hour_aws,spend_usd_per_hour_azure");
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const json d = page_data(slurp(html_path))["simulation"];
  EXPECT_FALSE(d.contains("committed_gpus_by_provider"));
  EXPECT_FALSE(d.contains("committed_utilisation"));
  EXPECT_DOUBLE_EQ(d["busy_gpus_by_provider"]["aws"][0].get<double>(), 10);
}

// ---- bad input is an error naming the file, line and field; nothing is written -------------------

TEST(ReportErrors, MissingOrMalformedInputsNameTheFileAndField) {
  TempDir dir("errors");
  const fs::path html = dir.path() / "out.html";
  auto r = write_report((dir.path() / "absent").string(), html.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not a results folder"), std::string::npos);

  r = write_report(dir.path().string(), html.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("summary.json"), std::string::npos);
  EXPECT_NE(r.error().message.find("plan.json"), std::string::npos);

  write_small_sim(dir.path(), false);
  fs::remove(dir.path() / "jobs.csv");
  r = write_report(dir.path().string(), html.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().file.find("jobs.csv"), std::string::npos) << r.error().to_string();

  write_small_sim(dir.path(), false);
  std::string ts = slurp(dir.path() / "timeseries.csv");
  ts.replace(ts.find("10.000"), 6, "ten");  // the first data row: line 2
  write_text(dir.path() / "timeseries.csv", ts);
  r = write_report(dir.path().string(), html.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().file.find("timeseries.csv"), std::string::npos);
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().field, "busy_physical_gpus");

  write_small_sim(dir.path(), false);
  write_text(dir.path() / "summary.json", "{\n  \"scenario\": \"x\",\n  \"jobs\": oops\n}\n");
  r = write_report(dir.path().string(), html.string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 3);
  EXPECT_NE(r.error().message.find("malformed JSON"), std::string::npos);

  write_small_sim(dir.path(), false);
  json s = json::parse(slurp(dir.path() / "summary.json"));
  s["cost_usd"] = "a lot";
  write_text(dir.path() / "summary.json", s.dump());
  r = write_report(dir.path().string(), html.string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "cost_usd");
  EXPECT_NE(r.error().message.find("expected a number"), std::string::npos);

  write_small_sim(dir.path(), false);
  write_text(dir.path() / "run.json", "[1, 2]");
  r = write_report(dir.path().string(), html.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().file.find("run.json"), std::string::npos);
  EXPECT_FALSE(fs::exists(html));
}

// ---- a hand-made plan ----------------------------------------------------------------------------

json small_plan() {
  json p = {{"scenario", "small plan"}, {"status", "optimal"}, {"relaxed", false},
            {"solver", {{"name", "CBC"}, {"status", "optimal"}, {"objective_usd", 2.5e9}, {"best_bound_usd", 2.5e9}, {"gap", 0.0}}},
            {"commitments_beyond_horizon_usd", 1e8}};
  p["commitments"] = json::array({{{"provider", "aws"}, {"site", "aws-east"}, {"accelerator", "H100-SXM"}, {"start", "2026Q1"},
                                   {"term_years", 3}, {"gpus", 2048}, {"usd_per_gpu_hour", 2.0}, {"total_usd", 1.07e8}},
                                  {{"provider", "gcp"}, {"site", "gcp-west"}, {"accelerator", "B200"}, {"start", "2026Q2"},
                                   {"term_years", 1}, {"gpus", 1024}, {"usd_per_gpu_hour", 4.0}, {"total_usd", 3.5e7}}});
  p["periods"] = json::array();
  for (int t = 0; t < 2; ++t)
    p["periods"].push_back({{"period", t == 0 ? "2026Q1" : "2026Q2"}, {"training_ref_gpus", 1000.0}, {"inference_ref_gpus", 500.0 * (t + 1)},
                            {"committed_ref_gpus", 2048.0 + 2500.0 * t}, {"on_demand_ref_gpus", 0.0}, {"spot_ref_gpus", 0.0},
                            {"utilisation", 0.7}, {"power_mw", 3.0 + t},
                            {"committed_ref_gpus_by_provider", {{"aws", 2048.0}, {"gcp", 2500.0 * t}}},
                            {"committed_ref_gpus_by_site", {{"aws-east", 2048.0}, {"gcp-west", 2500.0 * t}}},
                            {"power_mw_by_site", {{"aws-east", 3.0}, {"gcp-west", 1.0 * t}}}});
  const json cost = {{"label", "2026"}, {"commitments_usd", 1e9}, {"on_demand_usd", 1e8}, {"spot_usd", 0.0}, {"energy_usd", 1e7}, {"total_usd", 1.11e9}};
  p["cost_by_year"] = json::array({cost});
  json by_provider = cost;
  by_provider["label"] = "aws";
  p["cost_by_provider"] = json::array({by_provider});
  p["provider_shares"] = json::array({{{"name", "aws"}, {"max_share", 1.0}, {"max_period", "2026Q1"}, {"final_share", 0.45}}});
  p["resilience"] = json::array({{{"kind", "provider"}, {"name", "aws"}, {"period", "2026Q2"}, {"remaining_ref_gpus", 2500.0},
                                  {"critical_ref_gpus", 2000.0}, {"required_ref_gpus", 1200.0}, {"ok", true}}});
  p["marginals"] = json::array({{{"kind", "power_mw"}, {"what", "aws-east"}, {"period", "all"}, {"usd", 5e5}, {"basis", "LP"}},
                                {{"kind", "power_mw"}, {"what", "aws-east"}, {"period", "2026Q2"}, {"usd", 9e9}, {"basis", "LP"}},
                                {{"kind", "supply_gpu"}, {"what", "gcp-west B200 on-demand"}, {"period", "all"}, {"usd", 2e6}, {"basis", "LP"}}});
  p["policy"] = {{"max_provider_share", 0.6}, {"n1_providers", true}, {"n1_sites", false}, {"n1_share", 0.6}};
  p["sites"] = json::array({{{"name", "aws-east"}, {"provider", "aws"}, {"jurisdiction", "US"}, {"power_cap_mw", 10.0}}});
  p["horizon"] = {{"start", "2026-01-01"}, {"end", "2026-07-01"}, {"period_months", 3}, {"periods", 2}};
  return p;
}

TEST(PlanReport, HeaderTotalsSeriesAndRankedMarginals) {
  TempDir dir("plan");
  write_text(dir.path() / "plan.json", small_plan().dump(2));
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const std::string html = slurp(html_path);
  EXPECT_NE(html.find("<h1>small plan</h1>"), std::string::npos);
  EXPECT_NE(html.find("2026-01-01 to 2026-07-01 (2 periods of 3 months)"), std::string::npos);
  EXPECT_NE(html.find("<dt>Objective (present value at 2026-01-01: the horizon, contract tails and the plan&#39;s end)</dt><dd>$2.50B</dd>"),
            std::string::npos)
      << html.substr(html.find("<dl"), 600);
  EXPECT_NE(html.find("<dt>Spend over the horizon (nominal, 2026-01-01 to 2026-07-01)</dt>"), std::string::npos);
  EXPECT_NE(html.find("<dd>2 contracts, 3,072 GPUs</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd>4,548 ref GPUs</dd>"), std::string::npos);
  EXPECT_TRUE(network_references(html).empty());
  const json d = page_data(html)["plan"];
  EXPECT_EQ(d["labels"], json({"2026Q1", "2026Q2"}));
  EXPECT_EQ(d["demand_ref_gpus"]["total"], json({1500.0, 2000.0}));
  EXPECT_EQ(d["committed_ref_gpus_by_provider"]["gcp"], json({0.0, 2500.0}));
  EXPECT_EQ(d["power_mw_by_site"]["aws-east"], json({3.0, 3.0}));
  // Only the whole-horizon marginals, largest first.
  ASSERT_EQ(d["marginals"].size(), 2u);
  EXPECT_EQ(d["marginals"][0]["kind"], "supply_gpu");
  EXPECT_EQ(d["marginals"][1]["what"], "aws-east");
  EXPECT_DOUBLE_EQ(d["policy"]["max_provider_share"].get<double>(), 0.6);
}

TEST(PlanReport, ShowsWhatServingDemandAfterTheHorizonCosts) {
  TempDir dir("plan-after");
  json plan = small_plan();
  plan["after_horizon"] = {{"label", "7 years"}, {"demand_after", "hold"}, {"years", 7}, {"salvage", 0},
                           {"commitments_usd", 2e9}, {"on_demand_usd", 0}, {"spot_usd", 5e8}, {"energy_usd", 0}};
  write_text(dir.path() / "plan.json", plan.dump(2));
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const std::string html = slurp(html_path);
  EXPECT_NE(html.find("<dt>Serving demand 7 years after the horizon (nominal from 2026-07-01; discounted in the objective)</dt><dd>$2.50B</dd>"), std::string::npos);
  EXPECT_EQ(page_data(html)["plan"]["after_horizon"]["label"], "7 years");
}

TEST(PlanReport, ListsSpendCommitmentsWithTheirValue) {
  TempDir dir("plan-spend");
  json plan = small_plan();
  plan["spend_commitments"] = json::array({{{"provider", "aws"}, {"offer", "aws-7y-spend"}, {"start", "2026Q1"}, {"term_years", 7},
                                            {"committed_usd", 38e9}, {"discount", 0.25}, {"escalator_per_year", 0.0},
                                            {"spent_usd", 36e9}, {"shortfall_usd", 2e9}, {"total_usd", 38e9}}});
  write_text(dir.path() / "plan.json", plan.dump(2));
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const std::string html = slurp(html_path);
  EXPECT_NE(html.find("<dt>New spend commitments</dt><dd>1, $38.0B committed</dd>"), std::string::npos);
  const json d = page_data(html)["plan"];
  ASSERT_EQ(d["spend_commitments"].size(), 1u);
  EXPECT_DOUBLE_EQ(d["spend_commitments"][0]["shortfall_usd"].get<double>(), 2e9);
  // A malformed row names its field.
  plan["spend_commitments"][0]["committed_usd"] = "lots";
  write_text(dir.path() / "plan.json", plan.dump());
  auto r = write_report(dir.path().string(), (dir.path() / "r.html").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "spend_commitments[0].committed_usd");
}

TEST(PlanReport, MalformedPlanNamesTheField) {
  TempDir dir("plan-bad");
  json p = small_plan();
  p["periods"][1]["power_mw"] = "high";
  write_text(dir.path() / "plan.json", p.dump());
  auto r = write_report(dir.path().string(), (dir.path() / "r.html").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "periods[1].power_mw");
  p = small_plan();
  p.erase("resilience");
  write_text(dir.path() / "plan.json", p.dump());
  r = write_report(dir.path().string(), (dir.path() / "r.html").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "resilience");
}

// An infeasible plan is a result: the page shows the diagnosis, and no charts of a plan that
// does not exist.
TEST(PlanReport, InfeasiblePlanShowsItsDiagnosis) {
  TempDir dir("plan-infeasible");
  json p = small_plan();
  p["status"] = "infeasible";
  for (const char* key : {"periods", "commitments", "cost_by_year", "cost_by_provider", "provider_shares", "resilience", "marginals"})
    p[key] = json::array();
  p["diagnosis"] = json::array({{{"family", "power"}, {"period", "2026Q2"}, {"message", "aws-east needs 4.0 MW more"}, {"amount", 4.0}}});
  write_text(dir.path() / "plan.json", p.dump());
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const std::string html = slurp(html_path);
  EXPECT_NE(html.find("<dt>Status</dt><dd>infeasible</dd>"), std::string::npos);
  const json d = page_data(html)["plan"];
  EXPECT_TRUE(d["labels"].empty());
  EXPECT_EQ(d["diagnosis"][0]["message"], "aws-east needs 4.0 MW more");
}

TEST(PlanReport, BothResultsInOneFolderGiveOnePageWithBoth) {
  TempDir dir("both");
  write_small_sim(dir.path(), false);
  write_text(dir.path() / "plan.json", small_plan().dump());
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const json d = page_data(slurp(html_path));
  EXPECT_TRUE(d.contains("simulation"));
  EXPECT_TRUE(d.contains("plan"));
  // The small simulation's timeseries has no work_ref_gpus column (an older one): no overlay.
  EXPECT_FALSE(d["simulation"].contains("plan_overlay"));
}

// A plan of quarters from 2026-01-01 and a simulation of its first 2,400 hours: Q1 (2,160
// hours) at 12 reference GPUs of work, then 240 hours of Q2 at 6. The overlay has Q1 and Q2
// only, with each one's simulated share, and carries work / demand over the simulated hours.
TEST(PlanReport, TheSimulationsWorkBesideThePlansDemandPerPeriod) {
  TempDir dir("overlay");
  json plan = {{"horizon", {{"start", "2026-01-01"}, {"period_months", 3}}}, {"periods", json::array()}};
  for (const auto& [label, training, inference] : {std::tuple{"2026Q1", 8.0, 2.0}, std::tuple{"2026Q2", 15.0, 5.0}, std::tuple{"2026Q3", 30.0, 0.0}})
    plan["periods"].push_back({{"period", label}, {"training_ref_gpus", training}, {"inference_ref_gpus", inference}});
  write_text(dir.path() / "plan.json", plan.dump());
  std::string ts = "hour,time,busy_physical_gpus,work_ref_gpus\n";
  for (int h = 0; h < 2400; ++h)
    ts += std::to_string(h) + "," + format_iso_datetime(kJan2026 + h * 3600) + ",1," + (h < 2160 ? "12" : "6") + "\n";
  write_text(dir.path() / "timeseries.csv", ts);
  auto o = read_plan_overlay(dir.path().string());
  ASSERT_TRUE(o) << o.error().to_string();
  ASSERT_TRUE(o->has_value());
  const PlanOverlay& overlay = **o;
  ASSERT_EQ(overlay.periods.size(), 2u);
  EXPECT_EQ(overlay.periods[0].period, "2026Q1");
  EXPECT_DOUBLE_EQ(overlay.periods[0].demand_ref_gpus, 10);
  EXPECT_DOUBLE_EQ(overlay.periods[0].work_ref_gpus, 12);
  EXPECT_DOUBLE_EQ(overlay.periods[0].simulated_share, 1);
  EXPECT_DOUBLE_EQ(overlay.periods[1].work_ref_gpus, 6);
  EXPECT_DOUBLE_EQ(overlay.periods[1].simulated_share, 240.0 / (91 * 24));  // Q2 2026 has 91 days
  EXPECT_DOUBLE_EQ(overlay.carried_share, (12.0 * 2160 + 6.0 * 240) / (10.0 * 2160 + 20.0 * 240));
  // Without the column, no overlay; a malformed time names its line.
  write_text(dir.path() / "timeseries.csv", "hour,time,busy_physical_gpus\n0,2026-01-01T00:00:00Z,1\n");
  auto none = read_plan_overlay(dir.path().string());
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  write_text(dir.path() / "timeseries.csv", "time,work_ref_gpus\n2026-01-01T00:00:00Z,1\nyesterday,1\n");
  auto bad = read_plan_overlay(dir.path().string());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().line, 3);
  EXPECT_EQ(bad.error().field, "time");
  // A plan whose horizon starts mid-month is refused, naming the field.
  plan["horizon"]["start"] = "2026-01-15";
  write_text(dir.path() / "plan.json", plan.dump());
  write_text(dir.path() / "timeseries.csv", "time,work_ref_gpus\n2026-01-01T00:00:00Z,1\n");
  auto mid = read_plan_overlay(dir.path().string());
  ASSERT_FALSE(mid);
  EXPECT_EQ(mid.error().field, "horizon.start");
}

}  // namespace
}  // namespace gpufleet::report

namespace gpufleet::report {
namespace {

// A run.json written before it had one entry per command ({command, files} at the top) is
// still read: its command heads every section, and its digests are still checked.
TEST(RunRecord, TheOldSingleRecordIsStillRead) {
  TempDir dir("legacy-run");
  write_small_sim(dir.path(), false);
  write_text(dir.path() / "plan.json", small_plan().dump());
  nlohmann::json files = nlohmann::json::object();
  for (const char* name : {"summary.json", "jobs.csv", "timeseries.csv", "plan.json"})
    files[name] = file_digest(slurp(dir.path() / name));
  write_text(dir.path() / "run.json", nlohmann::json{{"command", "gpufleet old --out d"}, {"files", files}}.dump());
  const fs::path html_path = dir.path() / "report.html";
  ASSERT_TRUE(write_report(dir.path().string(), html_path.string()));
  const std::string html = slurp(html_path);
  size_t shown = 0;
  for (size_t at = 0; (at = html.find("Produced by: <code>gpufleet old --out d</code>", at)) != std::string::npos; ++at) ++shown;
  EXPECT_EQ(shown, 2u);  // both sections
  write_text(dir.path() / "plan.json", small_plan().dump() + " ");
  const auto r = write_report(dir.path().string(), html_path.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("digest"), std::string::npos) << r.error().to_string();
}

// Two entries may not claim one file.
TEST(RunRecord, AFileListedByTwoCommandsIsAMixedFolder) {
  TempDir dir("two-claims");
  write_small_sim(dir.path(), false);
  const std::string digest = file_digest(slurp(dir.path() / "summary.json"));
  nlohmann::json run = {{"simulate", {{"command", "a"}, {"files", {{"summary.json", digest}}}}},
                        {"plan", {{"command", "b"}, {"files", {{"summary.json", digest}}}}}};
  write_text(dir.path() / "run.json", run.dump());
  const auto r = write_report(dir.path().string(), (dir.path() / "r.html").string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("listed by two runs"), std::string::npos) << r.error().to_string();
}

}  // namespace
}  // namespace gpufleet::report
