// The report in a real browser: headless Chromium opens the pages written for the default
// simulation and the default plan, and the test checks that every chart drew, that no script
// error or blocked load happened, that the page loaded no resource at all, and that tables
// sort. Screenshots and the pages are kept in <build>/test-artefacts/. Skips when Chromium is
// not installed (scripts/setup.sh installs Debian's `chromium`).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "html_checks.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;

// The first of chromium / chromium-browser on PATH, or "".
std::string find_chromium() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  return "";
}

const fs::path kArtefacts = GPUFLEET_ARTEFACT_DIR;

// Runs headless Chromium on a local file with no network: no DNS (every host resolves to
// nothing), no background traffic, a fresh profile. `mode` is the output flag(s). Returns
// what Chromium printed on stdout.
std::string run_chromium(const std::string& chromium, const fs::path& html, const std::string& mode) {
  const fs::path profile = fresh_dir("chromium-profile");
  const fs::path out = profile.string() + ".out";
  const std::string cmd = "timeout 120 " + chromium +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --disable-default-apps --disable-extensions --hide-scrollbars"
                          " '--host-resolver-rules=MAP * ~NOTFOUND'"
                          " --user-data-dir=" + profile.string() +
                          " --virtual-time-budget=10000 " + mode + " file://" + fs::absolute(html).string() +
                          " >" + out.string() + " 2>/dev/null";
  const int raw = std::system(cmd.c_str());
  std::string dump = slurp(out);
  fs::remove_all(profile);
  fs::remove(out);
  EXPECT_TRUE(WIFEXITED(raw) && WEXITSTATUS(raw) == 0) << cmd;
  return dump;
}

// The page's status line ("ok charts=8/8 blank=0 errors=0 resources=0").
std::string render_status(const std::string& dom) {
  std::smatch m;
  static const std::regex status(R"(<output id="render-status"[^>]*>([^<]*)</output>)");
  return std::regex_search(dom, m, status) ? m[1].str() : "no status in the page";
}

struct Counts {
  int rendered = -1, expected = -1, blank = -1, errors = -1, resources = -1;
};
Counts parse_status(const std::string& s) {
  Counts c;
  std::smatch m;
  static const std::regex re(R"(charts=(\d+)/(\d+) blank=(\d+) errors=(\d+) resources=(\d+))");
  if (std::regex_search(s, m, re)) {
    c.rendered = std::stoi(m[1]);
    c.expected = std::stoi(m[2]);
    c.blank = std::stoi(m[3]);
    c.errors = std::stoi(m[4]);
    c.resources = std::stoi(m[5]);
  }
  return c;
}

class ReportInBrowser : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    chromium_ = find_chromium();
    if (chromium_.empty()) return;
    fs::create_directories(kArtefacts);
    const fs::path work = fresh_dir("browser-results");
    const auto sim = run_gpufleet("simulate --quiet --out " + (work / "sim").string() + " --report " + sim_html().string());
    ASSERT_EQ(sim.status, 0) << sim.err;
    const auto plan = run_gpufleet("plan --quiet --out " + (work / "plan").string() + " --report " + plan_html().string());
    ASSERT_EQ(plan.status, 0) << plan.err;
    fs::remove_all(work);
  }
  void SetUp() override {
    if (chromium_.empty()) GTEST_SKIP() << "chromium is not installed (bash scripts/setup.sh installs it): browser test skipped";
  }
  static fs::path sim_html() { return kArtefacts / "report-simulation.html"; }
  static fs::path plan_html() { return kArtefacts / "report-plan.html"; }

  // Opens the page, checks every chart drew with no error and no load, saves a screenshot.
  static std::string check_page(const fs::path& html, const fs::path& png, int height, int min_charts) {
    const std::string status = render_status(run_chromium(chromium_, html, "--dump-dom"));
    const Counts c = parse_status(status);
    EXPECT_EQ(status.substr(0, 3), "ok ") << status;
    EXPECT_GE(c.expected, min_charts) << status;
    EXPECT_EQ(c.rendered, c.expected) << status;
    EXPECT_EQ(c.blank, 0) << status;
    EXPECT_EQ(c.errors, 0) << status;
    EXPECT_EQ(c.resources, 0) << status;
    fs::remove(png);
    run_chromium(chromium_, html, "--window-size=1400," + std::to_string(height) + " --screenshot=" + png.string());
    EXPECT_TRUE(fs::exists(png)) << png;
    if (fs::exists(png)) {
      EXPECT_GT(fs::file_size(png), 50000u);  // a page of charts, not a blank image
      EXPECT_EQ(slurp(png).substr(1, 3), "PNG");
    }
    return status;
  }

  static std::string chromium_;
};
std::string ReportInBrowser::chromium_;

TEST_F(ReportInBrowser, SimulationPageDrawsEveryChart) {
  const std::string html = slurp(sim_html());
  const auto refs = network_references(html);
  EXPECT_TRUE(refs.empty()) << refs.front();
  check_page(sim_html(), kArtefacts / "report-simulation.png", 4200, 8);
  const std::string dom = run_chromium(chromium_, sim_html(), "--dump-dom");
  for (const char* id : {"sim-capacity", "sim-busy", "sim-utilisation", "sim-spend", "sim-queue", "sim-jct", "sim-queue-time",
                         "sim-energy", "sim-provider-table", "sim-site-table"})
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
}

TEST_F(ReportInBrowser, PlanPageDrawsEveryChart) {
  const std::string html = slurp(plan_html());
  const auto refs = network_references(html);
  EXPECT_TRUE(refs.empty()) << refs.front();
  check_page(plan_html(), kArtefacts / "report-plan.png", 4600, 7);
  const std::string dom = run_chromium(chromium_, plan_html(), "--dump-dom");
  for (const char* id : {"plan-committed-provider", "plan-committed-site", "plan-cost-year", "plan-cost-provider", "plan-shares",
                         "plan-power", "plan-resilience", "plan-marginals", "plan-commitments", "plan-resilience-table"})
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
}

// The built-in scenario has node failures and outages: the failure section draws its charts,
// and the outages table names them. With --no-faults nothing is interrupted: no such charts,
// and the page still draws everything else.
TEST_F(ReportInBrowser, FailuresAndOutagesDrawTheirCharts) {
  const fs::path work = fresh_dir("browser-faults");
  const fs::path html = kArtefacts / "report-failures.html";
  auto r = run_gpufleet("simulate --quiet --out " + (work / "faults").string() + " --report " + html.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const auto summary = nlohmann::json::parse(slurp(work / "faults" / "summary.json"));
  ASSERT_GT(summary.at("interruptions").get<double>(), 0);
  ASSERT_FALSE(summary.at("outages").empty());
  check_page(html, kArtefacts / "report-failures.png", 4800, 11);
  std::string dom = run_chromium(chromium_, html, "--dump-dom");
  for (const char* id : {"sim-interruptions", "sim-availability", "sim-outages", "sim-outage-table"})
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(dom.find(summary["outages"][0]["name"].get<std::string>()), std::string::npos);

  const fs::path quiet_html = work / "no-faults.html";
  r = run_gpufleet("simulate --quiet --no-faults --report " + quiet_html.string());
  ASSERT_EQ(r.status, 0) << r.err;
  check_page(quiet_html, kArtefacts / "report-no-faults.png", 4200, 8);
  dom = run_chromium(chromium_, quiet_html, "--dump-dom");
  EXPECT_EQ(dom.find("id=\"sim-interruptions\""), std::string::npos);
  EXPECT_EQ(dom.find("id=\"sim-outages\""), std::string::npos);
  fs::remove_all(work);
}

// Clicking a column header sorts the table: the marginal values by worth, up then down.
TEST_F(ReportInBrowser, TablesSortWhenAHeaderIsClicked) {
  std::string html = slurp(plan_html());
  const std::string probe = R"(<script>
(function () {
  const table = document.querySelector('#plan-marginals table');
  const worth = table.tHead.rows[0].cells[4];
  const ranks = () => Array.from(table.tBodies[0].rows).map((r) => Number(r.cells[0].textContent));
  worth.click();
  const up = ranks();
  worth.click();
  const down = ranks();
  const out = document.createElement('pre');
  out.id = 'sort-check';
  out.textContent = JSON.stringify({ up: up, down: down });
  document.body.appendChild(out);
})();
</script>
</body>)";
  html.replace(html.rfind("</body>"), 7, probe);
  const fs::path probed = kArtefacts / "report-plan-sort-probe.html";
  std::ofstream(probed, std::ios::binary) << html;
  const std::string dom = run_chromium(chromium_, probed, "--dump-dom");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex(R"re(<pre id="sort-check">\{"up":\[([0-9,]*)\],"down":\[([0-9,]*)\]\}</pre>)re")))
      << "no sort result in the page";
  auto numbers = [](const std::string& list) {
    std::vector<int> v;
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) v.push_back(std::stoi(item));
    return v;
  };
  const auto up = numbers(m[1]), down = numbers(m[2]);
  // Rank r is marginals[r - 1] of the page's data: the worth of each row in the order shown.
  const std::string open = "<script id=\"report-data\" type=\"application/json\">";
  const auto from = html.find(open) + open.size();
  const auto data = nlohmann::json::parse(html.substr(from, html.find("</script>", from) - from));
  const auto& marginals = data["plan"]["marginals"];
  ASSERT_EQ(up.size(), marginals.size());
  ASSERT_GT(up.size(), 3u);
  auto worth = [&](int rank) { return marginals.at(static_cast<size_t>(rank - 1)).at("usd").get<double>(); };
  for (size_t i = 1; i < up.size(); ++i) EXPECT_LE(worth(up[i - 1]), worth(up[i])) << i;
  for (size_t i = 1; i < down.size(); ++i) EXPECT_GE(worth(down[i - 1]), worth(down[i])) << i;
  EXPECT_NE(up, down);
  fs::remove(probed);
}

// The status line catches a load: a page that asks for a remote image reports failure (the
// Content-Security-Policy blocks the request, and the page counts the violation).
TEST_F(ReportInBrowser, AnAttemptedLoadMakesThePageFail) {
  std::string html = slurp(sim_html());
  const auto body = html.find("<body>");
  ASSERT_NE(body, std::string::npos);
  html.insert(body + 6, "<img src=\"http://report-test.invalid/pixel.png\" alt=\"\">");
  const fs::path tampered = kArtefacts / "report-tampered.html";
  std::ofstream(tampered, std::ios::binary) << html;
  const std::string status = render_status(run_chromium(chromium_, tampered, "--dump-dom"));
  EXPECT_EQ(status.substr(0, 5), "fail ") << status;
  EXPECT_GE(parse_status(status).errors, 1) << status;
  EXPECT_NE(status.find("blocked load"), std::string::npos) << status;
  fs::remove(tampered);
}

}  // namespace
}  // namespace gpufleet::testing
