// The report in a real browser: headless Chromium opens the pages written for the default
// simulation and the default plan (and for a risk run and a comparison), and the test checks that every chart drew, that no script
// error or blocked load happened, that the page loaded no resource at all, and that tables
// sort. Screenshots and the pages are kept in <build>/test-artefacts/. Skips when Chromium is
// not installed (scripts/setup.sh installs Debian's `chromium`).
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "html_checks.h"
#include "risk_fixture.h"

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

// A copy of the page with `script` run after the page's own, writing its answer (a JSON text)
// into <pre id="probe">; returns that answer, parsed (null when there is none).
nlohmann::json run_probe(const std::string& chromium, const fs::path& html, const std::string& name, const std::string& script,
                         const std::string& mode = "") {
  std::string page = slurp(html);
  page.replace(page.rfind("</body>"), 7,
               "<script>\nsetTimeout(function () {\n  const out = document.createElement('pre');\n  out.id = 'probe';\n"
               "  out.textContent = JSON.stringify((function () {\n" + script +
               "\n  })());\n  document.body.appendChild(out);\n}, 200);\n</script>\n</body>");
  const fs::path probed = kArtefacts / (name + ".html");
  std::ofstream(probed, std::ios::binary) << page;
  const std::string dom = run_chromium(chromium, probed, mode + " --dump-dom");
  fs::remove(probed);
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex(R"re(<pre id="probe">([^<]*)</pre>)re"))) return nullptr;
  std::string text = m[1];
  for (const auto& [entity, c] : {std::pair{"&quot;", "\""}, std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&amp;", "&"}})
    for (size_t at; (at = text.find(entity)) != std::string::npos;) text.replace(at, std::strlen(entity), c);
  return nlohmann::json::parse(text);
}

// Prints the page to PDF with Chromium; returns the PDF's text (pdftotext -layout), and keeps
// the PDF and its first pages as PNG in the artefacts for people to look at.
std::string print_to_pdf(const std::string& chromium, const fs::path& html, const std::string& name) {
  const fs::path pdf = kArtefacts / (name + ".pdf");
  fs::remove(pdf);
  run_chromium(chromium, html, "--no-pdf-header-footer --print-to-pdf=" + pdf.string());
  EXPECT_TRUE(fs::exists(pdf)) << pdf;
  if (!fs::exists(pdf)) return "";
  EXPECT_EQ(slurp(pdf).substr(0, 5), "%PDF-");
  const fs::path text = kArtefacts / (name + ".txt");
  EXPECT_EQ(std::system(("pdftotext -layout " + pdf.string() + " " + text.string()).c_str()), 0);
  EXPECT_EQ(std::system(("pdftoppm -r 50 -png -f 1 -l 3 " + pdf.string() + " " + (kArtefacts / name).string()).c_str()), 0);
  return slurp(text);
}

// Lines of text matching re, with their first group.
std::vector<std::string> matching_lines(const std::string& text, const std::regex& re) {
  std::vector<std::string> out;
  std::stringstream lines(text);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line))
    if (std::regex_search(line, m, re)) out.push_back(m.size() > 1 ? m[1].str() : line);
  return out;
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

  // The first pages of a print as PNG (pdftoppm names them NAME-1.png or NAME-01.png ...).
  static int page_images(const std::string& name) {
    int n = 0;
    for (const auto& e : fs::directory_iterator(kArtefacts)) {
      const std::string f = e.path().filename().string();
      if (f.starts_with(name + "-") && f.ends_with(".png") && fs::file_size(e.path()) > 5000) ++n;
    }
    return n;
  }
  static bool has_poppler() { return std::system("command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1") == 0; }
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
                         "sim-energy", "sim-provider-table", "sim-site-table", "sim-job-times", "sim-longest-waits"})
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
}

TEST_F(ReportInBrowser, PlanPageDrawsEveryChart) {
  const std::string html = slurp(plan_html());
  const auto refs = network_references(html);
  EXPECT_TRUE(refs.empty()) << refs.front();
  check_page(plan_html(), kArtefacts / "report-plan.png", 4600, 7);
  const std::string dom = run_chromium(chromium_, plan_html(), "--dump-dom");
  for (const char* id : {"plan-committed-provider", "plan-committed-site", "plan-cost-year", "plan-cost-provider", "plan-shares",
                         "plan-power", "plan-resilience", "plan-marginals", "plan-commitments", "plan-resilience-table",
                         "plan-binding", "plan-contract-value", "plan-contract-gantt-1"})
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

namespace gpufleet::testing {
namespace {

// The plan printed to PDF holds every row of its longest tables: each commitment (one line
// each, start, provider, site, accelerator, term, GPUs, price, value) and each ranked marginal
// value, once.
TEST_F(ReportInBrowser, PrintedPlanHoldsEveryTableRow) {
  if (!has_poppler()) GTEST_SKIP() << "pdftotext/pdftoppm not installed (poppler-utils, bash scripts/setup.sh): PDF test skipped";
  const auto data = page_data(slurp(plan_html()))["plan"];
  const std::string text = print_to_pdf(chromium_, plan_html(), "report-plan-print");
  ASSERT_FALSE(text.empty());
  EXPECT_GT(std::count(text.begin(), text.end(), '\f'), 3);  // several pages
  const auto rows = matching_lines(text, std::regex(R"(^\s*([0-9]{4}Q[0-9]\s+\S+\s+\S+)\s+\S+\s+[0-9]+\s+[0-9,]+\s+\$[0-9.]+\s+\$)"));
  std::multiset<std::string> printed, expected;
  for (const auto& r : rows) printed.insert(std::regex_replace(r, std::regex("\\s+"), " "));
  for (const auto& c : data["commitments"])
    expected.insert(c["start"].get<std::string>() + " " + c["provider"].get<std::string>() + " " + c["site"].get<std::string>());
  ASSERT_GT(expected.size(), 50u);
  EXPECT_EQ(printed, expected);
  const auto ranks = matching_lines(text, std::regex(R"(^\s*([0-9]+)\s+(power_mw|supply_gpu|ramp_gpu|share_point|budget_usd|demand_ref_gpu)\s)"));
  std::multiset<int> got;
  for (const auto& r : ranks) got.insert(std::stoi(r));
  std::multiset<int> want;
  for (size_t i = 1; i <= data["marginals"].size(); ++i) want.insert(static_cast<int>(i));
  EXPECT_EQ(got, want);
  // The binding choices are printed in words, and the contract value per provider.
  ASSERT_FALSE(data["binding_choices"].empty());
  EXPECT_NE(text.find("provider share cap binds"), std::string::npos);
  for (const auto& v : data["contract_value_by_provider"])
    EXPECT_FALSE(matching_lines(text, std::regex("^\\s*" + v["provider"].get<std::string>() + "\\s+[0-9,]+\\s+[0-9,]+\\s+\\$")).empty())
        << v["provider"];
  EXPECT_EQ(page_images("report-plan-print"), 3);
}

// The simulation printed: every longest wait, every size band and kind, every site.
TEST_F(ReportInBrowser, PrintedSimulationHoldsEveryTableRow) {
  if (!has_poppler()) GTEST_SKIP() << "pdftotext/pdftoppm not installed (poppler-utils, bash scripts/setup.sh): PDF test skipped";
  const auto data = page_data(slurp(sim_html()))["simulation"];
  const std::string text = print_to_pdf(chromium_, sim_html(), "report-simulation-print");
  ASSERT_FALSE(text.empty());
  ASSERT_FALSE(data["longest_waits"].empty());
  for (const auto& w : data["longest_waits"]) {
    const std::string job = w["job"].get<std::string>();
    EXPECT_NE(text.find(job), std::string::npos) << job;
  }
  ASSERT_GE(data["job_times"].size(), 4u);
  for (const auto& g : data["job_times"])
    EXPECT_FALSE(matching_lines(text, std::regex("^\\s*" + std::regex_replace(g["group"].get<std::string>(), std::regex("[+]"), "\\+") + "\\s+[0-9,]+\\s")).empty())
        << g["group"];
  for (const auto& site : data["sites"]) {
    const std::string name = site["site"].get<std::string>();
    EXPECT_GE(matching_lines(text, std::regex("^\\s*" + name + "\\s+[0-9,]+\\s")).size(), 1u) << name;
  }
}

// The new charts: the stacked spend has its total and cumulative lines; a log toggle switches
// its chart's axis and back without an error; at 800 px nothing is wider than the window.
TEST_F(ReportInBrowser, SpendLinesLogToggleAndAnEightHundredPixelLayout) {
  const auto spend = run_probe(chromium_, sim_html(), "probe-spend", R"(
    const chart = Chart.getChart(document.querySelector('#sim-spend canvas'));
    const labels = chart.data.datasets.map((d) => d.label);
    const toggles = Array.from(document.querySelectorAll('button.log-toggle'));
    const types = [];
    for (const b of toggles) {
      const c = Chart.getChart(b.parentElement.querySelector('canvas'));
      b.click();
      types.push(c.options.scales.y.type);
      b.click();
      types.push(c.options.scales.y.type);
    }
    const cdfLabels = ['#sim-queue-time', '#sim-jct'].map((id) => Chart.getChart(document.querySelector(id + ' canvas')).data.datasets.map((d) => d.label));
    return { labels: labels, cdf: cdfLabels, toggles: toggles.length, types: types, errors: window.gpufleetErrors.length,
             stacked: chart.data.datasets.filter((d) => d.type === 'bar').every((d) => d.stack === 'spend') };)");
  ASSERT_TRUE(spend.is_object()) << "no probe result";
  const auto labels = spend["labels"].dump();
  EXPECT_NE(labels.find("total per month"), std::string::npos) << labels;
  EXPECT_NE(labels.find("cumulative (right axis)"), std::string::npos) << labels;
  EXPECT_TRUE(spend["stacked"].get<bool>());
  // The queue-time and JCT CDFs have a line by GPU-hours beside the per-job one.
  EXPECT_EQ(spend["cdf"], nlohmann::json::array({nlohmann::json::array({"started jobs", "by GPU-hours"}),
                                                nlohmann::json::array({"completed jobs", "by GPU-hours"})}));
  EXPECT_EQ(spend["toggles"], 2);
  EXPECT_EQ(spend["types"], nlohmann::json({"logarithmic", "linear", "logarithmic", "linear"}));
  EXPECT_EQ(spend["errors"], 0);

  for (const fs::path& html : {sim_html(), plan_html()}) {
    const auto fit = run_probe(chromium_, html, "probe-width", R"(
      const w = document.documentElement.clientWidth;
      const wide = Array.from(document.querySelectorAll('figure.chart canvas, dl.totals, h1'))
        .filter((e) => e.getBoundingClientRect().right > w + 1).length;
      return { width: w, scroll: document.documentElement.scrollWidth, wide: wide, errors: window.gpufleetErrors.length };)",
                               "--window-size=800,2000");
    ASSERT_TRUE(fit.is_object()) << html;
    EXPECT_LE(fit["width"].get<int>(), 800) << html;
    EXPECT_EQ(fit["wide"], 0) << html;
    EXPECT_EQ(fit["errors"], 0) << html;
  }
  run_chromium(chromium_, plan_html(), "--window-size=800,3000 --screenshot=" + (kArtefacts / "report-plan-800px.png").string());
  EXPECT_TRUE(fs::exists(kArtefacts / "report-plan-800px.png"));
}

// Colours: each provider a hue, its sites shades of that hue (same hue, other lightness), and
// at least 20 series all distinct.
TEST_F(ReportInBrowser, ProvidersHaveHuesAndTheirSitesShades) {
  const auto c = run_probe(chromium_, plan_html(), "probe-colours", R"(
    const chart = Chart.getChart(document.querySelector('#plan-committed-site canvas'));
    const sites = {};
    const data = JSON.parse(document.getElementById('report-data').textContent).plan;
    for (const s of data.sites) sites[s.name] = s.provider;
    const out = [];
    for (const d of chart.data.datasets) if (sites[d.label]) out.push([d.label, sites[d.label], d.borderColor]);
    return out;)");
  ASSERT_TRUE(c.is_array());
  ASSERT_GE(c.size(), 10u);
  std::map<std::string, std::set<std::string>> hues_by_provider;
  std::set<std::string> colours;
  for (const auto& row : c) {
    std::smatch m;
    const std::string colour = row[2].get<std::string>();
    ASSERT_TRUE(std::regex_search(colour, m, std::regex(R"(^hsl\(([0-9.]+),)"))) << colour;
    hues_by_provider[row[1].get<std::string>()].insert(m[1]);
    colours.insert(colour);
  }
  EXPECT_EQ(colours.size(), c.size());  // every site its own colour
  std::set<std::string> all_hues;
  for (const auto& [provider, hues] : hues_by_provider) {
    EXPECT_EQ(hues.size(), 1u) << provider;  // one hue per provider
    all_hues.insert(*hues.begin());
  }
  EXPECT_EQ(all_hues.size(), hues_by_provider.size());  // providers apart
  // 20 providers with three sites each, from the page's own palette: providers' hues at least
  // 10 degrees apart, each site the hue of its provider, all 80 colours distinct.
  const auto many = run_probe(chromium_, plan_html(), "probe-hues", R"(
    const out = [];
    for (const pass of [0, 1]) {  // every site registered before the colours are read
      for (let i = 0; i < 20; ++i) {
        const provider = window.gpufleetPalette.provider('p' + i);
        if (pass) out.push(['p' + i, '', provider]);
        for (let k = 0; k < 3; ++k) {
          const site = window.gpufleetPalette.site('p' + i + '-s' + k, 'p' + i);
          if (pass) out.push(['p' + i + '-s' + k, 'p' + i, site]);
        }
      }
    }
    return out;)");
  ASSERT_TRUE(many.is_array());
  ASSERT_EQ(many.size(), 80u);
  std::map<std::string, double> hue;
  std::set<std::string> distinct;
  for (const auto& row : many) {
    std::smatch m;
    const std::string colour = row[2].get<std::string>();
    ASSERT_TRUE(std::regex_search(colour, m, std::regex(R"(^hsl\(([0-9.]+),)"))) << colour;
    distinct.insert(colour);
    if (row[1] == "") hue[row[0].get<std::string>()] = std::stod(m[1]);
    else EXPECT_DOUBLE_EQ(std::stod(m[1]), hue.at(row[1].get<std::string>())) << row[0];
  }
  EXPECT_EQ(distinct.size(), 80u);
  double closest = 360;
  for (const auto& [a, ha] : hue)
    for (const auto& [b, hb] : hue)
      if (a < b) closest = std::min({closest, std::abs(ha - hb), 360 - std::abs(ha - hb)});
  EXPECT_GE(closest, 10) << "provider hues too close";
}

}  // namespace
}  // namespace gpufleet::testing

namespace gpufleet::testing {
namespace {

// One folder, a plan with a budget and a simulation: the simulation's monthly spend chart
// carries the plan's budget (a year's budget over its twelve months) and its cumulative line;
// the plan's cost per year carries the budget per year.
TEST_F(ReportInBrowser, APlanWithABudgetDrawsItOverTheSimulatedSpend) {
  const fs::path work = fresh_dir("browser-budget");
  auto example = run_gpufleet("example --plan");
  ASSERT_EQ(example.status, 0) << example.err;
  std::string yaml = example.out;
  const auto policy = yaml.find("\n  policy:\n");
  ASSERT_NE(policy, std::string::npos);
  yaml.insert(policy + 11, "    budget_usd_per_year: 6.0e10\n");
  std::ofstream(work / "budget.yaml") << yaml;
  const std::string d = (work / "d").string();
  auto r = run_gpufleet("plan " + (work / "budget.yaml").string() + " --quiet --out " + d);
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_gpufleet("simulate --quiet --out " + d);
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path html = kArtefacts / "report-both-budget.html";
  r = run_gpufleet("report " + d + " -o " + html.string());
  ASSERT_EQ(r.status, 0) << r.err;
  check_page(html, kArtefacts / "report-both-budget.png", 9000, 20);
  const auto got = run_probe(chromium_, html, "probe-budget", R"(
    const spend = Chart.getChart(document.querySelector('#sim-spend canvas'));
    const year = Chart.getChart(document.querySelector('#plan-cost-year canvas'));
    const find = (chart, label) => { const d = chart.data.datasets.find((x) => x.label === label); return d ? d.data : null; };
    const overlay = Chart.getChart(document.querySelector('#sim-plan-demand canvas'));
    return { months: spend.data.labels, monthly: find(spend, 'budget per month (plan)'),
             cumulative: find(spend, 'cumulative budget (right axis)'), yearly: find(year, 'budget'),
             periods: overlay ? overlay.data.labels : null, demand: overlay ? find(overlay, 'planned demand') : null,
             work: overlay ? find(overlay, 'simulated work') : null,
             bill_rows: (() => { const t = document.querySelector('#sim-plan-costs table'); return t ? t.tBodies[0].rows.length : 0; })() };)");
  ASSERT_TRUE(got.is_object());
  ASSERT_TRUE(got["monthly"].is_array()) << got.dump();
  ASSERT_EQ(got["months"][0], "2026-01");
  EXPECT_NEAR(got["monthly"][0].get<double>(), 6.0e10 / 12, 1);
  EXPECT_NEAR(got["monthly"][11].get<double>(), 6.0e10 / 12, 1);
  EXPECT_NEAR(got["cumulative"][11].get<double>(), 6.0e10, 100);
  EXPECT_NEAR(got["cumulative"][23].get<double>(), 1.2e11, 100);
  ASSERT_TRUE(got["yearly"].is_array());
  EXPECT_NEAR(got["yearly"][0].get<double>(), 6.0e10, 1);
  // The plan's demand beside the simulation's work, per plan period the simulation covers:
  // the demand is plan.json's training + inference, the work some of it.
  ASSERT_TRUE(got["periods"].is_array()) << got.dump();
  const auto plan = nlohmann::json::parse(slurp(fs::path(d) / "plan.json"));
  ASSERT_GT(got["periods"].size(), 0u);
  ASSERT_LE(got["periods"].size(), plan["periods"].size());
  EXPECT_EQ(got["periods"][0], plan["periods"][0]["period"]);
  const double demand0 = plan["periods"][0]["training_ref_gpus"].get<double>() + plan["periods"][0]["inference_ref_gpus"].get<double>();
  EXPECT_NEAR(got["demand"][0].get<double>(), demand0, 1e-3 * demand0);
  EXPECT_GT(got["work"][0].get<double>(), 0);
  // The two bills reconciled: a row per provider and part billed, and the total.
  EXPECT_GT(got["bill_rows"].get<int>(), 2) << got.dump();
  fs::remove_all(work);
}


// The risk page: its fan charts have a band and a median in every period, the histogram counts
// every future, and the P95 and CVaR95 both distribution charts mark are risk.json's numbers.
TEST_F(ReportInBrowser, RiskPageDrawsFansAndMarksP95AndCVaRFromRiskJson) {
  const fs::path work = fresh_dir("browser-risk");
  const fs::path html = kArtefacts / "report-risk.html";
  ASSERT_EQ(write_two_plans_on_the_same_futures(work, "--report " + html.string() +
                                                         " --sweep plan.demand.training.growth_per_year=1.2,1.5,1.8"
                                                         " --sweep 'markets[0].on_demand_usd_per_gpu_hour=4,8'"),
            "");
  EXPECT_TRUE(network_references(slurp(html)).empty());
  check_page(html, kArtefacts / "report-risk.png", 3600, 6);
  const std::string dom = run_chromium(chromium_, html, "--dump-dom");
  for (const char* id : {"risk-capacity-fan", "risk-spend-fan", "risk-shortfall-fan", "risk-cost-histogram", "risk-cost-cdf", "risk-tornado",
                         "risk-sweep-table"})
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  const auto got = run_probe(chromium_, html, "probe-risk", R"(
    const chart = (id) => Chart.getChart(document.querySelector('#' + id + ' canvas'));
    const marks = (id) => { const out = {}; for (const d of chart(id).data.datasets) if (d.marker) out[d.marker] = { value: d.value, x: d.data[0].x, x2: d.data[1].x }; return out; };
    const fans = {};
    for (const id of ['risk-capacity-fan', 'risk-spend-fan', 'risk-shortfall-fan'])
      fans[id] = chart(id).data.datasets.map((d) => ({ label: d.label, n: d.data.length, numbers: d.data.every((v) => typeof v === 'number' && isFinite(v)) }));
    const bars = chart('risk-cost-histogram').data.datasets.find((d) => !d.marker);
    const tornado = chart('risk-tornado');
    return { histogram: marks('risk-cost-histogram'), cdf: marks('risk-cost-cdf'), fans,
             counted: bars.data.reduce((a, b) => a + b.y, 0), periods: chart('risk-capacity-fan').data.labels.length,
             tornado: tornado.data.labels, low: tornado.data.datasets[0].data };)");
  ASSERT_TRUE(got.is_object()) << "no probe answer";
  const auto risk = nlohmann::json::parse(slurp(work / "risk-a" / "risk.json"));
  for (const char* chart : {"histogram", "cdf"})
    for (const char* stat : {"p95", "cvar95", "mean"}) {
      EXPECT_EQ(got[chart][stat]["value"], risk["cost_usd"][stat]) << chart << " " << stat;
      EXPECT_EQ(got[chart][stat]["x"], risk["cost_usd"][stat]) << chart << " " << stat;
      EXPECT_EQ(got[chart][stat]["x2"], risk["cost_usd"][stat]) << chart << " " << stat;
    }
  EXPECT_LT(risk["cost_usd"]["p95"].get<double>(), risk["cost_usd"]["cvar95"].get<double>());
  EXPECT_EQ(got["counted"], 200);
  EXPECT_EQ(got["periods"], 8);
  // Each fan: per series a P95 edge, a P5 edge and a median, each with a number per period.
  EXPECT_EQ(got["fans"]["risk-capacity-fan"].size(), 6u);  // demand and delivered
  EXPECT_EQ(got["fans"]["risk-spend-fan"].size(), 6u);     // aws and gcp
  for (const auto& [id, sets] : got["fans"].items())
    for (const auto& d : sets) {
      EXPECT_EQ(d["n"], 8) << id << " " << d["label"];
      EXPECT_TRUE(d["numbers"].get<bool>()) << id << " " << d["label"];
    }
  // The tornado: largest swing first, demand growth ahead of the market price here.
  const auto sweep = nlohmann::json::parse(slurp(work / "risk-a" / "sweep.json"));
  ASSERT_EQ(got["tornado"].size(), 2u);
  EXPECT_EQ(got["tornado"][0], sweep["fields"][0]["field"]);
  EXPECT_EQ(got["low"][0][1], sweep["fields"][0]["low_cost_mean_usd"]);
  fs::remove_all(work);
}

// The comparison page: one cost CDF per folder on one chart, the regret table with a row per
// risk folder, the other tables.
TEST_F(ReportInBrowser, ComparePageDrawsTheCostCdfsAndTheRegretTable) {
  const fs::path work = fresh_dir("browser-compare");
  ASSERT_EQ(write_two_plans_on_the_same_futures(work), "");
  const fs::path html = kArtefacts / "report-compare.html";
  const auto r = run_gpufleet("compare " + (work / "risk-a").string() + " " + (work / "risk-b").string() + " " + (work / "plan-a").string() +
                              " --report " + html.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(network_references(slurp(html)).empty());
  check_page(html, kArtefacts / "report-compare.png", 1800, 1);
  const auto got = run_probe(chromium_, html, "probe-compare", R"(
    const cdf = Chart.getChart(document.querySelector('#compare-cost-cdf canvas'));
    const rows = (id) => Array.from(document.querySelectorAll('#' + id + ' tbody tr')).map((tr) => Array.from(tr.cells).map((c) => c.textContent));
    return { lines: cdf.data.datasets.map((d) => ({ label: d.label, n: d.data.length, last: d.data[d.data.length - 1].y })),
             regret: rows('compare-regret'), summary: rows('compare-summary'), commitments: rows('compare-commitments') };)");
  ASSERT_TRUE(got.is_object()) << "no probe answer";
  ASSERT_EQ(got["lines"].size(), 3u);
  for (const auto& l : got["lines"]) EXPECT_EQ(l["last"], 1) << l["label"];  // every CDF reaches 1
  EXPECT_GT(got["lines"][0]["n"].get<int>(), 50);                          // 200 futures, downsampled
  EXPECT_EQ(got["lines"][2]["n"], 2);                                      // the plan's one cost: a step
  ASSERT_EQ(got["regret"].size(), 2u);
  EXPECT_EQ(got["regret"][0][0], (work / "risk-a").string());
  EXPECT_EQ(got["summary"].size(), 3u);
  EXPECT_GT(got["commitments"].size(), 0u);
  fs::remove_all(work);
}

}  // namespace
}  // namespace gpufleet::testing
