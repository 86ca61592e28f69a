// What `gpufleet compare` prints and draws: the terminal table, the report section, and the
// public compare_results that does both.
#include <set>

#include <fmt/format.h>

#include "gpufleet/report.h"
#include "report/compare.h"
#include "report/html_page.h"
#include "util/atomic_file.h"
#include "util/human_format.h"

namespace gpufleet::report {

namespace {

using json = nlohmann::ordered_json;

// Providers in the order the folders first name them.
std::vector<std::string> providers_of(const Comparison& c) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& f : c.folders)
    for (const auto& [name, usd] : f.cost_by_provider)
      if (seen.insert(name).second) out.push_back(name);
  return out;
}

// The folder's share of its cost per provider (0 when it names none or spends nothing).
double share_of(const ComparedFolder& f, const std::string& provider) {
  double total = 0, mine = 0;
  for (const auto& [name, usd] : f.cost_by_provider) {
    total += usd;
    if (name == provider) mine += usd;
  }
  return total > 0 ? mine / total : 0.0;
}

// (provider, kind, year) of every folder's contracts, sorted.
std::set<CommitmentKey> commitment_keys(const Comparison& c) {
  std::set<CommitmentKey> keys;
  for (const auto& f : c.folders)
    for (const auto& [key, gpus] : f.commitment_gpus) keys.insert(key);
  return keys;
}

double gpus_of(const ComparedFolder& f, const CommitmentKey& key) {
  const auto it = f.commitment_gpus.find(key);
  return it == f.commitment_gpus.end() ? 0.0 : it->second;
}

}  // namespace

std::string format_comparison(const Comparison& c) {
  std::string out;
  auto line = [&out](const std::string& s) { out += s + "\n"; };
  size_t w = 8;
  for (const auto& f : c.folders) w = std::max(w, f.dir.size());
  line(fmt::format("Compare: {} folders", c.folders.size()));
  line("");
  line(fmt::format("  {:<{}} {:<10} {:>10} {:>10} {:>10} {:>10} {:>10}  {}", "cost", w, "kind", "mean", "P5", "P50", "P95", "CVaR95",
                   "basis"));
  for (const auto& f : c.folders) {
    if (f.distribution)
      line(fmt::format("  {:<{}} {:<10} {:>10} {:>10} {:>10} {:>10} {:>10}  {}", f.dir, w, f.kind, human_usd(f.mean), human_usd(f.p5),
                       human_usd(f.p50), human_usd(f.p95), human_usd(f.cvar95), f.basis));
    else
      line(fmt::format("  {:<{}} {:<10} {:>10} {:>10} {:>10} {:>10} {:>10}  {}", f.dir, w, f.kind, human_usd(f.mean), "-", "-", "-", "-",
                       f.basis));
  }
  line("");
  line("Shortfall:");
  for (const auto& f : c.folders) line(fmt::format("  {:<{}} {}", f.dir, w, f.shortfall));
  const auto providers = providers_of(c);
  if (!providers.empty()) {
    line("");
    std::string head = fmt::format("  {:<14}", "share of cost");
    for (size_t i = 0; i < c.folders.size(); ++i) head += fmt::format(" {:>10}", fmt::format("[{}]", i + 1));
    line(head);
    for (const auto& p : providers) {
      std::string row = fmt::format("  {:<14}", p);
      for (const auto& f : c.folders) row += fmt::format(" {:>9.1f}%", 100 * share_of(f, p));
      line(row);
    }
    for (size_t i = 0; i < c.folders.size(); ++i) line(fmt::format("  [{}] {}", i + 1, c.folders[i].dir));
  }
  const auto keys = commitment_keys(c);
  line("");
  if (keys.empty()) {
    line("Contracts: none (no plan or risk folder, or none holds a contract)");
  } else {
    line("Contracts (GPUs; an existing contract at its peak) by provider, kind and start year:");
    std::string head = fmt::format("  {:<14} {:<9} {:<6}", "provider", "kind", "year");
    for (size_t i = 0; i < c.folders.size(); ++i)
      if (c.folders[i].has_commitments) head += fmt::format(" {:>10}", fmt::format("[{}]", i + 1));
    line(head);
    for (const auto& key : keys) {
      std::string row = fmt::format("  {:<14} {:<9} {:<6}", key.provider, key.kind, key.year);
      for (const auto& f : c.folders)
        if (f.has_commitments) row += fmt::format(" {:>10}", with_commas(gpus_of(f, key)));
      line(row);
    }
  }
  line("");
  if (c.regret.empty()) {
    line("Regret: none: " + c.regret_note);
  } else {
    line("Regret (cost in each future minus the best of the folders in it; " + c.regret_note + "):");
    line(fmt::format("  {:<{}} {:>10} {:>10} {:>10} {:>10}", "", w, "mean", "P95", "max", "best in"));
    for (size_t i = 0; i < c.regret.size(); ++i) {
      const RegretSummary& r = c.regret[i];
      line(fmt::format("  {:<{}} {:>10} {:>10} {:>10} {:>9.1f}%", c.folders[c.regret_of[i]].dir, w, human_usd(r.mean_usd),
                       human_usd(r.p95_usd), human_usd(r.max_usd), 100 * r.best_share));
    }
  }
  return out;
}

ReportSection comparison_section(const Comparison& c) {
  ReportSection s;
  s.kind = "compare";
  std::string names;
  for (const auto& f : c.folders) names += (names.empty() ? "" : " vs ") + f.dir;
  s.scenario = names;
  s.horizon = "each folder's own";
  json& d = s.data;
  d["labels"] = json::array();
  d["commitment_labels"] = json::array();
  d["folders"] = json::array();
  d["cdfs"] = json::array();
  for (const auto& f : c.folders) {
    d["labels"].push_back(f.dir);
    if (f.has_commitments) d["commitment_labels"].push_back(f.dir);
    json row = {{"label", f.dir}, {"kind", f.kind}, {"basis", f.basis}, {"mean", f.mean}, {"shortfall", f.shortfall}};
    if (f.distribution) {
      row["p5"] = f.p5;
      row["p50"] = f.p50;
      row["p95"] = f.p95;
      row["cvar95"] = f.cvar95;
    }
    d["folders"].push_back(row);
    json points = json::array();
    // One cost: a vertical step from 0 to 1 at it.
    if (!f.distribution) points.push_back({{"x", f.mean}, {"p", 0}});
    for (const CdfPoint& p : f.cdf) points.push_back({{"x", compact(p.x, 6)}, {"p", compact(p.p, 4)}});
    d["cdfs"].push_back({{"label", f.dir}, {"points", points}});
  }
  json regret_rows = json::array();
  for (size_t i = 0; i < c.regret.size(); ++i) {
    const RegretSummary& r = c.regret[i];
    regret_rows.push_back({{"label", c.folders[c.regret_of[i]].dir}, {"mean_usd", r.mean_usd}, {"p95_usd", r.p95_usd},
                           {"max_usd", r.max_usd}, {"best_share", r.best_share}});
  }
  d["regret"] = {{"note", c.regret_note}, {"rows", regret_rows}};
  json shares = json::array();
  for (const auto& p : providers_of(c)) {
    json row = {{"provider", p}};
    for (const auto& f : c.folders) row[f.dir] = compact(share_of(f, p), 4);
    shares.push_back(row);
  }
  d["shares"] = shares;
  json commitments = json::array();
  for (const auto& key : commitment_keys(c)) {
    json row = {{"provider", key.provider}, {"kind", key.kind}, {"year", key.year}};
    for (const auto& f : c.folders)
      if (f.has_commitments) row[f.dir] = gpus_of(f, key);
    commitments.push_back(row);
  }
  d["commitments"] = commitments;
  s.totals.push_back({"Folders", std::to_string(c.folders.size())});
  for (size_t i = 0; i < c.folders.size(); ++i)
    s.totals.push_back({c.folders[i].dir + " (" + c.folders[i].kind + ", " + c.folders[i].basis + ")",
                        human_usd(c.folders[i].mean) + (c.folders[i].distribution ? " mean" : "")});
  return s;
}

}  // namespace gpufleet::report

namespace gpufleet {

Result<std::string> compare_results(const std::vector<std::string>& dirs, const std::string& html_path,
                                    const std::string& command_line) {
  auto c = report::compare_folders(dirs);
  if (!c) return fail(c.error());
  if (!html_path.empty()) {
    report::ReportSection section = report::comparison_section(*c);
    if (!command_line.empty()) section.command = command_line;
    if (auto ok = write_file_atomically(html_path, report::render_html({section})); !ok) return fail(ok.error());
  }
  return report::format_comparison(*c);
}

}  // namespace gpufleet
