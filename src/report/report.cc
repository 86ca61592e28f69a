// write_report: decides what the results folder holds, reads it, and writes the page.
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/report.h"
#include "report/html_page.h"
#include "report/plan_overlay.h"
#include "report/plan_report_data.h"
#include "report/risk_report_data.h"
#include "report/run_record.h"
#include "report/sim_report_data.h"
#include "util/atomic_file.h"

namespace gpufleet {

namespace {

Result<void> write_report_unguarded(const std::string& dir, const std::string& html_path);

}  // namespace

// The readers check the fields they know by name; a value of another JSON type deeper in a
// file than they check makes nlohmann throw. That is bad input too: an Error, not a crash.
Result<void> write_report(const std::string& dir, const std::string& html_path) {
  try {
    return write_report_unguarded(dir, html_path);
  } catch (const nlohmann::json::exception& e) {
    return fail(dir, 0, 0, "", fmt::format("a results file holds a value of an unexpected type: {}", e.what()));
  }
}

namespace {

Result<void> write_report_unguarded(const std::string& dir, const std::string& html_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(dir, 0, 0, "", "not a results folder (expected the folder written by `simulate --out`, `plan --out` or `risk --out`)");
  const bool is_sim = fs::exists(fs::path(dir) / "summary.json", ec);
  const bool is_plan = fs::exists(fs::path(dir) / "plan.json", ec);
  const bool is_risk = fs::exists(fs::path(dir) / "risk.json", ec);
  if (!is_sim && !is_plan && !is_risk)
    return fail(dir, 0, 0, "",
                "no results found: expected summary.json, timeseries.csv and jobs.csv (from `simulate --out`), "
                "plan.json (from `plan --out`) or risk.json and futures.csv (from `risk --out`)");
  if (auto ok = report::verify_run_files(
          dir, {"summary.json", "jobs.csv", "timeseries.csv", "plan.json", "plan.csv", "risk.json", "futures.csv", "sweep.json"});
      !ok)
    return fail(ok.error());
  std::vector<report::ReportSection> sections;
  if (is_sim) {
    auto s = report::read_sim_section(dir);
    if (!s) return fail(s.error());
    sections.push_back(std::move(*s));
  }
  if (is_plan) {
    auto p = report::read_plan_section(dir);
    if (!p) return fail(p.error());
    sections.push_back(std::move(*p));
  }
  if (is_sim && is_plan) {  // the simulation's work against the plan's demand
    auto overlay = report::read_plan_overlay(dir);
    if (!overlay) return fail(overlay.error());
    if (*overlay) {
      sections.front().data["plan_overlay"] = report::plan_overlay_json(**overlay);
      sections.front().totals.push_back({"Planned demand carried (ref GPU-hours, simulated hours of the plan's periods)",
                                         fmt::format("{:.1f}%", 100 * (*overlay)->carried_share)});
    }
  }
  if (is_risk) {
    auto r = report::read_risk_section(dir);
    if (!r) return fail(r.error());
    sections.push_back(std::move(*r));
  }
  auto commands = report::read_run_record(dir);
  if (!commands) return fail(commands.error());
  // Each section shows the command that wrote it; an old single record, every section.
  for (auto& s : sections) {
    const auto own = commands->find(s.kind == "simulation" ? "simulate" : s.kind);
    const auto single = commands->find("");
    if (own != commands->end()) s.command = own->second;
    else if (single != commands->end()) s.command = single->second;
  }
  return write_file_atomically(html_path, report::render_html(sections));
}

}  // namespace

}  // namespace gpufleet
