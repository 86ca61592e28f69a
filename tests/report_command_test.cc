// End-to-end tests of `gpufleet report` and of `--report` on simulate and plan.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ReportCommand, SimulateReportInOneStepEqualsReportFromTheFolder) {
  const fs::path dir = fresh_dir("report-sim");
  const auto r = run_gpufleet("simulate --quiet --out " + (dir / "results").string() + " --report " + (dir / "one-step.html").string());
  ASSERT_EQ(r.status, 0) << r.err;
  const json run = json::parse(slurp(dir / "results" / "run.json"));
  EXPECT_EQ(run["simulate"]["command"], "gpufleet simulate --quiet --out " + (dir / "results").string() + " --report " +
                                (dir / "one-step.html").string());
  const auto again = run_gpufleet("report " + (dir / "results").string() + " -o " + (dir / "later.html").string());
  ASSERT_EQ(again.status, 0) << again.err;
  const std::string html = slurp(dir / "one-step.html");
  EXPECT_EQ(html, slurp(dir / "later.html"));  // the page depends only on the results folder
  EXPECT_NE(html.find("<h1>frontier-lab-2026</h1>"), std::string::npos);
  EXPECT_NE(html.find("Chart.js v"), std::string::npos);
  EXPECT_LT(fs::file_size(dir / "one-step.html"), 5u << 20);  // two years, daily points, the library
  const auto header = slurp(dir / "results" / "timeseries.csv").substr(0, 200);
  EXPECT_NE(header.find(",committed_physical_gpus_aws"), std::string::npos);
  fs::remove_all(dir);
}

TEST(ReportCommand, ReportWithoutOutLeavesNoResultsBehind) {
  const fs::path dir = fresh_dir("report-no-out");
  // The command and its temporary results folder live in a private TMPDIR, empty afterwards.
  const fs::path tmp = dir / "tmp";
  fs::create_directories(tmp);
  const char* old_tmpdir = std::getenv("TMPDIR");
  const std::string saved = old_tmpdir ? old_tmpdir : "";
  ::setenv("TMPDIR", tmp.c_str(), 1);
  const auto r = run_gpufleet("simulate --quiet --report " + (dir / "r.html").string());
  if (old_tmpdir) ::setenv("TMPDIR", saved.c_str(), 1); else ::unsetenv("TMPDIR");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_GT(fs::file_size(dir / "r.html"), 100000u);
  EXPECT_NE(slurp(dir / "r.html").find("<code>gpufleet simulate --quiet --report"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(tmp));  // the temporary results folder was removed
  fs::remove_all(dir);
}

TEST(ReportCommand, PlanReportHasThePlan) {
  const fs::path dir = fresh_dir("report-plan");
  const auto r = run_gpufleet("plan --quiet --out " + (dir / "plan").string() + " --report " + (dir / "plan.html").string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = slurp(dir / "plan.html");
  EXPECT_NE(html.find("<h1>frontier-lab-plan-2026-2032</h1>"), std::string::npos);
  EXPECT_NE(html.find("gpufleet plan report"), std::string::npos);
  const json plan = json::parse(slurp(dir / "plan" / "plan.json"));
  // The per-provider split adds up to the total in every period.
  for (const auto& p : plan["periods"]) {
    double sum = 0;
    for (const auto& [name, v] : p["committed_ref_gpus_by_provider"].items()) sum += v.get<double>();
    EXPECT_NEAR(sum, p["committed_ref_gpus"].get<double>(), 1e-6 * (1 + sum)) << p["period"];
    double mw = 0;
    for (const auto& [name, v] : p["power_mw_by_site"].items()) mw += v.get<double>();
    EXPECT_NEAR(mw, p["power_mw"].get<double>(), 1e-6 * (1 + mw)) << p["period"];
  }
  EXPECT_EQ(plan["horizon"]["start"], "2026-01-01");
  EXPECT_TRUE(plan["policy"].contains("max_provider_share"));
  fs::remove_all(dir);
}

// `plan --out D` then `simulate --out D`: one folder, both results, and run.json keeps an entry
// per command; each section of the report names the command that wrote it; a command run
// again replaces only its own entry and files; the digests still catch an edited file.
TEST(ReportCommand, PlanAndSimulateInOneFolderKeepEachCommandsProvenance) {
  const fs::path dir = fresh_dir("report-both");
  const std::string d = (dir / "d").string();
  const std::string small = (fs::path(GPUFLEET_SOURCE_DIR) / "tests/bad_input/base/small.yaml").string();
  ASSERT_EQ(run_gpufleet("plan --quiet --out " + d).status, 0);
  const json plan_run = json::parse(slurp(dir / "d" / "run.json"));
  ASSERT_TRUE(plan_run.contains("plan"));
  EXPECT_EQ(plan_run["plan"]["command"], "gpufleet plan --quiet --out " + d);
  const std::string plan_json = slurp(dir / "d" / "plan.json");

  auto r = run_gpufleet("simulate " + small + " --quiet --out " + d);
  ASSERT_EQ(r.status, 0) << r.err;
  json both = json::parse(slurp(dir / "d" / "run.json"));
  EXPECT_EQ(both["plan"], plan_run["plan"]);  // kept as it was
  EXPECT_EQ(both["simulate"]["command"], "gpufleet simulate " + small + " --quiet --out " + d);
  EXPECT_EQ(slurp(dir / "d" / "plan.json"), plan_json);
  EXPECT_TRUE(both["simulate"]["files"].contains("summary.json"));
  EXPECT_FALSE(both["simulate"]["files"].contains("plan.json"));

  r = run_gpufleet("report " + d + " -o " + (dir / "r.html").string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string html = slurp(dir / "r.html");
  const auto plan_section = html.find("data-kind=\"plan\"");
  const auto sim_command = html.find("Produced by: <code>gpufleet simulate ");
  const auto plan_command = html.find("Produced by: <code>gpufleet plan --quiet --out ");
  ASSERT_NE(plan_section, std::string::npos);
  ASSERT_NE(sim_command, std::string::npos);
  ASSERT_NE(plan_command, std::string::npos);
  EXPECT_LT(sim_command, plan_section);
  EXPECT_GT(plan_command, plan_section);

  // simulate again: its entry changes, the plan's stays; then plan again keeps the simulation.
  ASSERT_EQ(run_gpufleet("simulate " + small + " --quiet --seed 3 --out " + d).status, 0);
  both = json::parse(slurp(dir / "d" / "run.json"));
  EXPECT_EQ(both["plan"], plan_run["plan"]);
  EXPECT_NE(both["simulate"]["command"].get<std::string>().find("--seed 3"), std::string::npos);
  const json sim_entry = both["simulate"];
  ASSERT_EQ(run_gpufleet("plan --quiet --out " + d).status, 0);
  both = json::parse(slurp(dir / "d" / "run.json"));
  EXPECT_EQ(both["simulate"], sim_entry);
  EXPECT_TRUE(fs::exists(dir / "d" / "summary.json"));
  ASSERT_EQ(run_gpufleet("report " + d + " -o " + (dir / "r.html").string()).status, 0);

  // An edited plan.json is caught by its digest.
  std::ofstream(dir / "d" / "plan.json", std::ios::app) << " ";
  r = run_gpufleet("report " + d + " -o " + (dir / "r2.html").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("plan.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("digest"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(ReportCommand, BadResultsFolderIsBadInput) {
  const fs::path dir = fresh_dir("report-bad");
  auto r = run_gpufleet("report /nonexistent/results -o " + (dir / "r.html").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/results"), std::string::npos) << r.err;

  r = run_gpufleet("report " + dir.string() + " -o " + (dir / "r.html").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("summary.json"), std::string::npos) << r.err;

  std::ofstream(dir / "summary.json") << "{\"scenario\": \"x\", ";  // cut short
  r = run_gpufleet("report " + dir.string() + " -o " + (dir / "r.html").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("summary.json:1:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "r.html"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
