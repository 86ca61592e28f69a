// End-to-end tests of `gpufleet example` and `gpufleet validate`, and of a fleet with no
// capacity.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

TEST(ValidateCommand, ExampleValidatesAndAMisspelledKeyIsNamed) {
  const fs::path dir = fresh_dir("validate");
  const auto example = run_gpufleet("example");
  ASSERT_EQ(example.status, 0);
  write_text(dir / "lab.yaml", example.out);
  const auto ok = run_gpufleet("validate " + (dir / "lab.yaml").string());
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.out.find("ok"), std::string::npos);

  // Misspell the first site's `pue:` and expect its line, the field and the suggestion.
  std::string text = example.out;
  const size_t at = text.find("    pue:");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "    peu:");
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  write_text(dir / "bad.yaml", text);
  const auto bad = run_gpufleet("validate " + (dir / "bad.yaml").string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("bad.yaml:" + std::to_string(line) + ":5"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("did you mean 'pue'"), std::string::npos) << bad.err;
  // simulate refuses the same file the same way, before running anything.
  EXPECT_EQ(run_gpufleet("simulate --quiet " + (dir / "bad.yaml").string()).status, 2);
}

TEST(ValidateCommand, DanglingReferenceIsCaughtBeforeRunning) {
  const fs::path dir = fresh_dir("dangling");
  write_text(dir / "s.yaml", R"(name: dangling
start: 2026-01-01
horizon: 10d
accelerators: [{name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700}]
providers: [{name: aws}]
sites: [{name: aws-us-west-2, provider: aws, region: us-west-2, jurisdiction: US}]
contracts:
  - {name: c, site: aws-us-east-1, accelerator: H100-SXM, usd_per_gpu_hour: 2, start: 0d, end: 10d, gpus: 8}
)");
  const auto r = run_gpufleet("simulate --quiet " + (dir / "s.yaml").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("s.yaml:8:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("aws-us-east-1"), std::string::npos) << r.err;
}

TEST(ValidateCommand, FleetWithNoCapacityIsBadInputNotAHang) {
  const fs::path dir = fresh_dir("nocap");
  write_text(dir / "s.yaml", R"(name: empty-fleet
start: 2026-01-01
horizon: 10d
accelerators: [{name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700}]
providers: [{name: aws}]
sites: [{name: aws-us-west-2, provider: aws, region: us-west-2, jurisdiction: US}]
workload:
  fixed: [{name: j, submit: 1d, gpus: 8, duration: 1h}]
)");
  const auto r = run_gpufleet("simulate --quiet " + (dir / "s.yaml").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no capacity"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace gpufleet::testing
