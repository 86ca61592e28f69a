// Regret, the cost histogram and `compare` on small hand-made results folders whose figures
// are computed by hand; and the folders compare refuses (no known kind, other futures).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/compare.h"
#include "report/histogram.h"
#include "report/regret.h"

namespace gpufleet::report {
namespace {

namespace fs = std::filesystem;

TEST(Regret, EachFutureAgainstTheBestInIt) {
  // Best per future: 10, 18, 29, 40.
  const auto r = regret({{10, 20, 30, 40}, {12, 18, 35, 40}, {11, 25, 29, 50}});
  ASSERT_EQ(r.size(), 3u);
  // A: regrets 0, 2, 1, 0.
  EXPECT_DOUBLE_EQ(r[0].mean_usd, 0.75);
  EXPECT_EQ(r[0].p95_usd, 2);  // rank ceil(0.95 x 4) = 4 of 0, 0, 1, 2
  EXPECT_EQ(r[0].max_usd, 2);
  EXPECT_DOUBLE_EQ(r[0].best_share, 0.5);
  // B: 2, 0, 6, 0 (ties count as best for both).
  EXPECT_DOUBLE_EQ(r[1].mean_usd, 2);
  EXPECT_EQ(r[1].max_usd, 6);
  EXPECT_DOUBLE_EQ(r[1].best_share, 0.5);
  // C: 1, 7, 0, 10.
  EXPECT_DOUBLE_EQ(r[2].mean_usd, 4.5);
  EXPECT_EQ(r[2].p95_usd, 10);
  EXPECT_DOUBLE_EQ(r[2].best_share, 0.25);
  // One alternative has no regret.
  const auto alone = regret({{5, 7}});
  EXPECT_EQ(alone[0].max_usd, 0);
  EXPECT_EQ(alone[0].best_share, 1);
}

TEST(Histogram, EqualBinsFromTheSmallestToTheLargest) {
  const auto h = histogram({1, 2, 2, 3, 10}, 3);  // bins [1, 4), [4, 7), [7, 10]
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].from, 1);
  EXPECT_EQ(h[0].to, 4);
  EXPECT_EQ(h[0].count, 4);
  EXPECT_EQ(h[1].count, 0);
  EXPECT_EQ(h[2].count, 1);
  EXPECT_EQ(h[2].to, 10);
  const auto same = histogram({3, 3, 3}, 10);
  ASSERT_EQ(same.size(), 1u);
  EXPECT_EQ(same[0].count, 3);
  EXPECT_TRUE(histogram({}, 5).empty());
}

class Folders : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("gpufleet-compare-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // A risk folder of `costs.size()` futures: cost mean 100 (the summary is not recomputed,
  // compare reads it), providers aws 60 and gcp 40, one draw column.
  std::string risk(const std::string& name, const std::vector<double>& costs, int seed = 7, double draw0 = 1.0) {
    const fs::path d = root_ / name;
    fs::create_directories(d);
    std::ofstream(d / "risk.json") << R"({"scenario": "s", "model": "period", "futures": )" << costs.size() << R"(, "seed": )" << seed
                                   << R"(, "contracts": 1,
  "cost_usd": {"mean": 100, "p5": 90, "p50": 100, "p95": 110, "cvar95": 120},
  "shortfall_gpu_hours": {"mean": 5, "p5": 0, "p50": 0, "p95": 20, "cvar95": 30},
  "providers": [{"provider": "aws", "cost_usd": {"mean": 60}}, {"provider": "gcp", "cost_usd": {"mean": 40}}]})";
    std::ofstream csv(d / "futures.csv");
    csv << "future,demand_multiplier_final training,cost_usd,commitments_usd\n";
    for (size_t k = 0; k < costs.size(); ++k) csv << k << "," << (k == 0 ? draw0 : 1.0 + 0.1 * k) << "," << costs[k] << ",0\n";
    return d.string();
  }
  // A plan folder: objective 95, aws 3 of 4 of its cost, commitments aws 2026 (256 + 512) and gcp 2027 (128).
  std::string plan(const std::string& name) {
    const fs::path d = root_ / name;
    fs::create_directories(d);
    std::ofstream(d / "plan.json") << R"({"scenario": "s", "status": "optimal", "solver": {"objective_usd": 95},
  "cost_by_provider": [{"label": "aws", "total_usd": 75}, {"label": "gcp", "total_usd": 25}],
  "existing_contracts": [{"provider": "aws", "start": "2024-07-01", "gpus": 1024}],
  "commitments": [{"provider": "aws", "start": "2026Q1", "gpus": 256}, {"provider": "aws", "start": "2026Q3", "gpus": 512},
                  {"provider": "gcp", "start": "2027Q2", "gpus": 128}]})";
    return d.string();
  }
  fs::path root_;
};

TEST_F(Folders, RiskAndPlanFoldersSideBySide) {
  const std::string a = risk("a", {10, 20, 30, 40}), b = risk("b", {12, 18, 35, 40}), p = plan("p");
  auto c = compare_folders({a, b, p});
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c->folders.size(), 3u);
  EXPECT_EQ(c->folders[0].kind, "risk");
  EXPECT_EQ(c->folders[0].p95, 110);
  EXPECT_EQ(c->folders[0].cvar95, 120);
  EXPECT_EQ(c->folders[2].kind, "plan");
  EXPECT_EQ(c->folders[2].mean, 95);
  EXPECT_FALSE(c->folders[2].distribution);
  // Regret over the two risk folders: best 10, 18, 30, 40; a: 0, 2, 0, 0; b: 2, 0, 5, 0.
  ASSERT_EQ(c->regret_of, (std::vector<size_t>{0, 1}));
  EXPECT_DOUBLE_EQ(c->regret[0].mean_usd, 0.5);
  EXPECT_EQ(c->regret[1].max_usd, 5);
  EXPECT_DOUBLE_EQ(c->regret[1].mean_usd, 1.75);
  // Contracts per provider, kind and start year, from plan.json; the risk folders' risk.json
  // name none (written before contract_terms), so they have no column.
  EXPECT_EQ((c->folders[2].commitment_gpus.at({"aws", "new", "2026"})), 768);
  EXPECT_EQ((c->folders[2].commitment_gpus.at({"gcp", "new", "2027"})), 128);
  EXPECT_EQ((c->folders[2].commitment_gpus.at({"aws", "existing", "2024"})), 1024);
  EXPECT_FALSE(c->folders[0].has_commitments);
  const std::string text = format_comparison(*c);
  EXPECT_NE(text.find("60.0%"), std::string::npos) << text;  // aws's share of the risk folders' cost
  EXPECT_NE(text.find("75.0%"), std::string::npos) << text;  // and of the plan's
  EXPECT_NE(text.find("768"), std::string::npos) << text;
  EXPECT_NE(text.find("Regret"), std::string::npos) << text;
  // The page's data carries the same regret and one CDF per folder (the plan's: a step at 95).
  const ReportSection s = comparison_section(*c);
  EXPECT_EQ(s.data["regret"]["rows"][1]["max_usd"], 5);
  ASSERT_EQ(s.data["cdfs"].size(), 3u);
  EXPECT_EQ(s.data["cdfs"][2]["points"][0]["x"], 95);
  EXPECT_EQ(s.data["cdfs"][2]["points"][1]["p"], 1);
}

TEST_F(Folders, ARiskFolderShowsTheContractsItEvaluated) {
  const std::string a = risk("a", {1, 2});
  std::ifstream in(fs::path(a) / "risk.json");
  auto j = nlohmann::json::parse(in);
  j["contract_terms"] = nlohmann::json::parse(R"([
    {"kind": "existing", "provider": "aws", "from": "2024-07-01T00:00:00Z", "gpus": 1024},
    {"kind": "new", "provider": "gcp", "from": "2027-04-01T00:00:00Z", "gpus": 64},
    {"kind": "new", "provider": "gcp", "from": "2027-10-01T00:00:00Z", "gpus": 32}])");
  std::ofstream(fs::path(a) / "risk.json") << j.dump();
  auto c = compare_folders({a, plan("p")});
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->folders[0].has_commitments);
  EXPECT_EQ((c->folders[0].commitment_gpus.at({"gcp", "new", "2027"})), 96);
  EXPECT_EQ((c->folders[0].commitment_gpus.at({"aws", "existing", "2024"})), 1024);
  const std::string text = format_comparison(*c);
  EXPECT_NE(text.find("existing"), std::string::npos) << text;
  // A kind that is neither names the field.
  j["contract_terms"][1]["kind"] = "planned";
  std::ofstream(fs::path(a) / "risk.json") << j.dump();
  auto bad = compare_folders({a, plan("p")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "contract_terms[1].kind") << bad.error().to_string();
}

TEST_F(Folders, OneRiskFolderHasNoRegretAndSaysWhy) {
  auto c = compare_folders({risk("a", {1, 2}), plan("p")});
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_TRUE(c->regret.empty());
  EXPECT_NE(c->regret_note.find("one risk folder"), std::string::npos);
}

TEST_F(Folders, OtherFuturesAreRefusedNamingTheFolderAndTheFile) {
  const std::string a = risk("a", {10, 20, 30});
  auto seed = compare_folders({a, risk("seed", {10, 20, 30}, 8)});
  ASSERT_FALSE(seed);
  EXPECT_EQ(seed.error().file, (root_ / "seed" / "risk.json").string());
  EXPECT_EQ(seed.error().field, "seed");
  EXPECT_NE(seed.error().message.find("same futures"), std::string::npos) << seed.error().message;
  auto count = compare_folders({a, risk("count", {10, 20})});
  ASSERT_FALSE(count);
  EXPECT_EQ(count.error().field, "futures");
  // Same seed and count, but future 0 drew another demand: another uncertainty section.
  auto draws = compare_folders({a, risk("draws", {10, 20, 30}, 7, 1.5)});
  ASSERT_FALSE(draws);
  EXPECT_EQ(draws.error().file, (root_ / "draws" / "futures.csv").string());
  EXPECT_EQ(draws.error().line, 2);
  EXPECT_EQ(draws.error().field, "demand_multiplier_final training");
}

TEST_F(Folders, AFolderOfNoKnownKindIsAnError) {
  fs::create_directories(root_ / "empty");
  auto c = compare_folders({risk("a", {1}), (root_ / "empty").string()});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().file, (root_ / "empty").string());
  EXPECT_NE(c.error().message.find("risk.json"), std::string::npos);
  auto missing = compare_folders({risk("a", {1}), (root_ / "nowhere").string()});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("not a folder"), std::string::npos);
  // A futures.csv with a cost that is not a number names its line and column.
  std::ofstream(root_ / "a" / "futures.csv") << "future,cost_usd\n0,lots\n";
  auto bad = compare_folders({(root_ / "a").string(), plan("p")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().line, 2);
  EXPECT_EQ(bad.error().field, "cost_usd");
}

}  // namespace
}  // namespace gpufleet::report
