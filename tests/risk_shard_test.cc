// `gpufleet risk --shard I/K --out DIR` then `--merge DIR...`: a run as the tasks of a job
// array, merged into the bytes of one process (futures.csv, risk.json, the terminal line), in
// any order of the folders and with more shards than futures; a shard missing, repeated, run on
// other inputs or cut short exits 2 naming it.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "command_runner.h"
#include "risk_fixture.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;

class RiskShards : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir("risk-shards");
    scenario_ = dir_ / "risk.yaml";
    std::ofstream(scenario_) << kRiskScenario;
    const auto p = run_gpufleet("plan " + scenario_.string() + " --quiet --out " + (dir_ / "plan").string());
    ASSERT_EQ(p.status, 0) << p.err << p.out;
  }
  std::string risk(const std::string& args) const {
    return "risk " + scenario_.string() + " --plan " + (dir_ / "plan").string() + " --threads 2 " + args;
  }
  std::string shard_dirs(const std::string& prefix, std::initializer_list<int> order) const {
    std::string s;
    for (int i : order) {  // appended piece by piece: g++ 12 warns falsely on " " + string (bug 105329)
      s += ' ';
      s += (dir_ / (prefix + std::to_string(i))).string();
    }
    return s;
  }
  fs::path dir_, scenario_;
};

TEST_F(RiskShards, MergedShardsWriteTheBytesOfOneProcess) {
  const auto one = run_gpufleet(risk("--futures 501 --quiet --out " + (dir_ / "one").string()));
  ASSERT_EQ(one.status, 0) << one.err;
  for (int i = 0; i < 3; ++i) {
    const auto s = run_gpufleet(risk("--futures 501 --shard " + std::to_string(i) + "/3 --out " + (dir_ / ("s" + std::to_string(i))).string()));
    ASSERT_EQ(s.status, 0) << s.err;
    EXPECT_NE(s.out.find("risk shard " + std::to_string(i) + "/3: 167 futures (from future " + std::to_string(167 * i) + ") of 501"),
              std::string::npos)
        << s.out;
  }
  const auto merged = run_gpufleet(risk("--futures 501 --quiet --out " + (dir_ / "merged").string() + " --merge" + shard_dirs("s", {2, 0, 1})));
  ASSERT_EQ(merged.status, 0) << merged.err;
  EXPECT_EQ(merged.out, one.out);
  EXPECT_EQ(slurp(dir_ / "merged" / "futures.csv"), slurp(dir_ / "one" / "futures.csv"));
  EXPECT_EQ(slurp(dir_ / "merged" / "risk.json"), slurp(dir_ / "one" / "risk.json"));

  // More shards than futures: some shards are empty.
  const auto few = run_gpufleet(risk("--futures 3 --quiet --out " + (dir_ / "few").string()));
  ASSERT_EQ(few.status, 0) << few.err;
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(run_gpufleet(risk("--futures 3 --shard " + std::to_string(i) + "/5 --out " + (dir_ / ("t" + std::to_string(i))).string())).status, 0);
  const auto m = run_gpufleet(risk("--futures 3 --quiet --out " + (dir_ / "fewm").string() + " --merge" + shard_dirs("t", {0, 1, 2, 3, 4})));
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_EQ(slurp(dir_ / "fewm" / "futures.csv"), slurp(dir_ / "few" / "futures.csv"));
}

TEST_F(RiskShards, AMissingRepeatedForeignOrCutShardExitsTwoNamingIt) {
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(run_gpufleet(risk("--futures 100 --shard " + std::to_string(i) + "/2 --out " + (dir_ / ("s" + std::to_string(i))).string())).status, 0);
  const auto missing = run_gpufleet(risk("--futures 100 --merge" + shard_dirs("s", {1})));
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("1 of 2 shards given; missing 0/2"), std::string::npos) << missing.err;
  const auto repeated = run_gpufleet(risk("--futures 100 --merge" + shard_dirs("s", {0, 1, 1})));
  EXPECT_EQ(repeated.status, 2);
  EXPECT_NE(repeated.err.find("1/2 again"), std::string::npos) << repeated.err;
  const auto seed = run_gpufleet(risk("--futures 100 --seed 99 --merge" + shard_dirs("s", {0, 1})));
  EXPECT_EQ(seed.status, 2);
  EXPECT_NE(seed.err.find((dir_ / "s0" / "shard.txt").string() + ": digest: this shard was run on another scenario, plan or seed"),
            std::string::npos)
      << seed.err;
  const auto futures = run_gpufleet(risk("--futures 99 --merge" + shard_dirs("s", {0, 1})));
  EXPECT_EQ(futures.status, 2);
  EXPECT_NE(futures.err.find("100 futures in this shard's run; the merge has --futures 99"), std::string::npos) << futures.err;
  // A shard cut short: its last outcome's line is gone.
  const fs::path file = dir_ / "s1" / "shard.txt";
  std::string text = slurp(file);
  text.erase(text.rfind('\n', text.size() - 2) + 1);
  std::ofstream(file, std::ios::trunc) << text;
  const auto cut = run_gpufleet(risk("--futures 100 --merge" + shard_dirs("s", {0, 1})));
  EXPECT_EQ(cut.status, 2);
  EXPECT_NE(cut.err.find(file.string() + ":51:"), std::string::npos) << cut.err;  // header, then 50 outcomes
  // Usage.
  const auto no_out = run_gpufleet(risk("--futures 10 --shard 0/2"));
  EXPECT_EQ(no_out.status, 2);
  EXPECT_NE(no_out.err.find("--shard: a shard writes its futures into --out DIR"), std::string::npos) << no_out.err;
  const auto bad = run_gpufleet(risk("--futures 10 --shard 2/2 --out " + (dir_ / "x").string()));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("'2/2': expected I/K with 0 <= I < K"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace gpufleet::testing
