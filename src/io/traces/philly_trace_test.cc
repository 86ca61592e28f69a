#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "gpufleet/workload.h"

namespace gpufleet {
namespace {

const std::string kPhilly = std::string(GPUFLEET_SHARED_DATA) + "/philly/philly.csv";
const std::string kHeader = "timestamp,duration,num_gpus,gpu_time,cluster\n";

Result<Workload> read_text(const std::string& body, bool skip = false) {
  TraceReadOptions options;
  options.skip_bad_rows = skip;
  return read_philly_trace_text(kHeader + body, "p.csv", options);
}

TEST(PhillyTrace, WholeTraceJobsGpuSecondsAndTenants) {
  if (!std::filesystem::exists(kPhilly)) GTEST_SKIP() << "shared data absent: " << kPhilly;
  auto w = read_philly_trace(kPhilly);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 82247u);
  EXPECT_EQ(w->rows_skipped, 0);
  // Computed independently, once, with:
  //   awk -F, 'NR>1 && NF>=5 {s+=$2*$3} END {printf "%.0f\n", s}' philly.csv
  // (every value is a whole number, so the double sums are exact.)
  double gpu_seconds = 0;
  for (const auto& j : w->jobs) gpu_seconds += j.duration_s * j.gpus;
  EXPECT_EQ(gpu_seconds, 3521082502.0);
  EXPECT_EQ(w->jobs.front().submit_s, 0.0);
  // Last submit: 2017-12-22 08:02:11 minus the first, 2017-09-04 10:30:41 (date -ud ... +%s).
  EXPECT_EQ(w->jobs.back().submit_s, 9408690.0);
  for (size_t i = 0; i < w->jobs.size(); ++i) {
    const Job& j = w->jobs[i];
    ASSERT_EQ(j.id, i);
    ASSERT_GE(j.submit_s, 0.0);
    ASSERT_GT(j.duration_s, 0.0);
    ASSERT_GE(j.gpus, 1u);
    if (i > 0) {
      ASSERT_LE(w->jobs[i - 1].submit_s, j.submit_s);
    }
  }
  // The 15 virtual clusters (cut -d, -f5 philly.csv | sort -u), plus "" at index 0.
  ASSERT_EQ(w->tenants.size(), 16u);
  EXPECT_EQ(w->tenants[0], "");
  const std::set<std::string> vcs(w->tenants.begin() + 1, w->tenants.end());
  const std::set<std::string> expected{"0e4a51", "103959", "11cb48", "23dbec", "2869ce",
                                       "51b7ef", "6214e9", "6c71a0", "795a4c", "7f04ca",
                                       "925e2b", "b436b2", "e13805", "ed69ec", "ee9e8c"};
  EXPECT_EQ(vcs, expected);
  const auto vc = std::find(w->tenants.begin(), w->tenants.end(), "6214e9") - w->tenants.begin();
  EXPECT_EQ(std::count_if(w->jobs.begin(), w->jobs.end(),
                          [&](const Job& j) { return j.tenant == vc; }),
            41226);  // awk -F, '$5=="6214e9"' philly.csv | wc -l
  EXPECT_TRUE(w->names.empty());
}

TEST(PhillyTrace, RebasesOnEarliestAndSortsUnsortedRows) {
  auto w = read_text(
      "2017-10-09 07:01:55,66.0,1,66.0,vcA\n"
      "2017-10-09 06:13:03,2951.0,2,5902.0,vcB\n"
      "2017-10-09 07:01:55,10.0,4,40.0,vcC\n");
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 3u);
  EXPECT_EQ(w->jobs[0].submit_s, 0.0);
  EXPECT_EQ(w->tenants[w->jobs[0].tenant], "vcB");
  EXPECT_EQ(w->jobs[0].gpus, 2u);
  EXPECT_EQ(w->jobs[1].submit_s, 2932.0);  // 48 min 52 s later
  EXPECT_EQ(w->tenants[w->jobs[1].tenant], "vcA");  // ties keep file order
  EXPECT_EQ(w->tenants[w->jobs[2].tenant], "vcC");
  EXPECT_EQ(w->jobs[2].duration_s, 10.0);
  EXPECT_EQ(w->jobs[2].id, 2u);
}

struct BadRow {
  const char* row;
  int column;
  const char* field;
  const char* says;
};

// A job that requested no GPU is no job to replay: skipped by default and counted.
TEST(PhillyTrace, RowsThatRequestNoGpuAreSkippedAndCounted) {
  auto w = read_text("2017-10-09 07:00:00,10.0,1,10.0,a\n2017-10-09 07:00:05,20.0,0,0.0,a\n2017-10-09 07:00:09,30.0,2,60.0,b\n");
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 2u);
  EXPECT_EQ(w->jobs[1].gpus, 2u);
  EXPECT_EQ(w->rows_without_gpus, 1);
  EXPECT_EQ(w->rows_not_replayed, 1);
}

TEST(PhillyTrace, MalformedRowsNameLineColumnAndField) {
  const BadRow cases[] = {
      {"2017-10-09 07:01:55,abc,1,66.0,vc", 21, "duration", "'abc'"},
      {"2017-10-09 07:01:55,66.0,1,66.0", 32, "cluster", "missing field"},
      {"2017-13-09 07:01:55,66.0,1,66.0,vc", 1, "timestamp", "'2017-13-09 07:01:55'"},
      {"2017-10-09 07:01:55,66.0,-1,0.0,vc", 26, "num_gpus", "GPUs >= 0"},
      {"2017-10-09 07:01:55,66.0,1.5,99.0,vc", 26, "num_gpus", "'1.5'"},
      {"2017-10-09 07:01:55,-5,1,-5,vc", 21, "duration", "> 0"},
      {"2017-10-09 07:01:55,0.0,1,0,vc", 21, "duration", "> 0"},
      {"2017-10-09 07:01:55,66.0,1,66.0,", 33, "cluster", "empty"},
      {"2017-10-09 07:01:55,66.0,1,66.0,vc,extra", 36, "", "unexpected field"},
  };
  for (const auto& c : cases) {
    auto w = read_text("2017-10-09 07:00:00,1.0,1,1.0,ok\n" + std::string(c.row) + "\n");
    ASSERT_FALSE(w) << c.row;
    const Error& e = w.error();
    EXPECT_EQ(e.file, "p.csv") << c.row;
    EXPECT_EQ(e.line, 3) << c.row;
    EXPECT_EQ(e.column, c.column) << c.row;
    EXPECT_EQ(e.field, c.field) << c.row;
    EXPECT_NE(e.message.find(c.says), std::string::npos) << c.row << " -> " << e.to_string();
  }
}

TEST(PhillyTrace, SkipBadRowsCountsThemAndKeepsTheFirst) {
  auto w = read_text(
      "2017-10-09 07:00:00,1.0,1,1.0,ok\n"
      "2017-10-09 07:01:55,abc,1,66.0,vc\n"
      "2017-10-09 08:00:00,5.0,2,10.0,ok\n"
      "2017-10-09 07:01:55,66.0,-2,0.0,vc\n"
      "\"unterminated,1,1,1,vc\n",
      /*skip=*/true);
  ASSERT_TRUE(w) << w.error().to_string();
  EXPECT_EQ(w->jobs.size(), 2u);
  EXPECT_EQ(w->rows_skipped, 3);
  EXPECT_EQ(w->first_skipped.rfind("p.csv:3:21: duration: ", 0), 0u) << w->first_skipped;
  EXPECT_EQ(w->jobs[1].submit_s, 3600.0);
  EXPECT_EQ(w->tenants.size(), 2u);  // only "ok": skipped rows intern nothing
}

TEST(PhillyTrace, AllRowsBadIsStillAnError) {
  auto w = read_text("x,1,1,1,vc\ny,1,1,1,vc\n", /*skip=*/true);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("all 2 rows are malformed"), std::string::npos)
      << w.error().to_string();
}

TEST(PhillyTrace, EmptyAndHeaderOnlyFilesAreErrors) {
  auto empty = read_philly_trace_text("", "e.csv", {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().file, "e.csv");
  EXPECT_NE(empty.error().message.find("empty file"), std::string::npos);
  auto header_only = read_philly_trace_text(kHeader + "\n", "h.csv", {});
  ASSERT_FALSE(header_only);
  EXPECT_EQ(header_only.error().file, "h.csv");
  EXPECT_NE(header_only.error().message.find("no job rows"), std::string::npos);
}

TEST(PhillyTrace, MissingColumnIsNamed) {
  auto w = read_philly_trace_text("timestamp,duration,gpu_time,cluster\n", "m.csv", {});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().field, "num_gpus");
  EXPECT_EQ(w.error().line, 1);
  EXPECT_NE(w.error().message.find("'gpu_time'"), std::string::npos);
}

TEST(PhillyTrace, MissingFileNamesThePath) {
  const std::string path = "/nonexistent/dir/philly.csv";
  auto w = read_philly_trace(path);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().file, path);
  EXPECT_NE(w.error().to_string().find(path), std::string::npos);
}


TEST(TraceRows, MoreRowsThanTheLimitIsAnErrorAtTheRowThatPassesIt) {
  const std::string text = kHeader +
      "2017-10-03 00:00:00,60,1,60,0\n"
      "2017-10-03 00:01:00,60,1,60,0\n"
      "2017-10-03 00:02:00,60,1,60,0\n";
  TraceReadOptions options;
  options.max_jobs = 2;
  auto w = read_philly_trace_text(text, "p.csv", options);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().line, 4);
  EXPECT_NE(w.error().message.find("more than 2 job rows"), std::string::npos) << w.error().to_string();
  options.max_jobs = 3;
  EXPECT_TRUE(read_philly_trace_text(text, "p.csv", options));
}

}  // namespace
}  // namespace gpufleet
