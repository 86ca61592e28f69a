// The generic CSV trace reader on two column layouts and every time format.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpufleet/workload.h"

namespace gpufleet {
namespace {

using ::testing::HasSubstr;

CsvTraceMap map_of(const std::string& text) {
  auto m = parse_csv_trace_map(text, "--map");
  EXPECT_TRUE(m) << m.error().to_string();
  return m ? *m : CsvTraceMap{};
}

// Layout 1: Alibaba-PAI-like, Unix seconds, start and end columns, fractional GPUs.
TEST(CsvTrace, EpochWithStartAndEndAndFractionalGpus) {
  const std::string text =
      "job,user,submit_time,start_time,end_time,plan_gpu,kind\n"
      "j1,alice,1600000100,1600000150,1600000450,50,research\n"
      "j2,bob,1600000000,1600000000,1600003600,800,training\n"
      "j3,alice,1600000200,1600000300,1600000310,0.25,inference\n";
  CsvTraceMap m = map_of("submit=submit_time,start=start_time,end=end_time,gpus=plan_gpu,tenant=user,kind=kind");
  auto w = read_csv_trace_text(text, "pai.csv", m, TimeFormat::epoch);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 3u);
  EXPECT_EQ(w->origin_unix_s, 1600000000);
  // Sorted by submit: j2 (0 s), j1 (100 s), j3 (200 s).
  EXPECT_EQ(w->jobs[0].submit_s, 0);
  EXPECT_EQ(w->jobs[0].duration_s, 3600);
  EXPECT_EQ(w->jobs[0].gpus, 800u);
  EXPECT_EQ(w->jobs[0].kind, JobKind::training);
  EXPECT_EQ(w->tenants[w->jobs[0].tenant], "bob");
  EXPECT_EQ(w->jobs[1].submit_s, 100);
  EXPECT_EQ(w->jobs[1].duration_s, 300);  // end - start
  EXPECT_EQ(w->jobs[2].gpus, 1u);          // 0.25 rounded up
  EXPECT_EQ(w->jobs[2].kind, JobKind::inference);
  EXPECT_EQ(w->fractional_gpus_rounded, 1);
}

// Layout 2: different names and order, ISO 8601 submit times, a duration column, accelerators.
TEST(CsvTrace, Iso8601WithDurationColumn) {
  const std::string csv =
      "duration_s,num_gpu,queued_at,gpu_type\n"
      "60,8,2024-03-30T08:00:00Z,H100\n"
      "30.5,1.5,2024-03-30 07:59:00,A100\n";
  auto w = read_csv_trace_text(csv, "helios.csv", map_of("submit=queued_at,duration=duration_s,gpus=num_gpu,accelerator=gpu_type"),
                               TimeFormat::iso8601);
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 2u);
  EXPECT_EQ(w->jobs[0].submit_s, 0);
  EXPECT_EQ(w->jobs[0].duration_s, 30.5);
  EXPECT_EQ(w->jobs[0].gpus, 2u);
  EXPECT_EQ(w->jobs[1].submit_s, 60);
  EXPECT_EQ(w->origin_unix_s, 1711785540);  // 2024-03-30T07:59:00Z
  ASSERT_EQ(w->trace_accelerators, (std::vector<std::string>{"H100", "A100"}));
  EXPECT_EQ(w->jobs[1].accelerator_mask, 1u);  // H100: the first name seen
  EXPECT_EQ(w->jobs[0].accelerator_mask, 2u);
  EXPECT_EQ(w->fractional_gpus_rounded, 1);
}

TEST(CsvTrace, SecondsFromAnyOrigin) {
  auto w = read_csv_trace_text("t,d,g\n500,10,4\n400,20,2\n", "s.csv", map_of("submit=t,duration=d,gpus=g"),
                               TimeFormat::seconds);
  ASSERT_TRUE(w) << w.error().to_string();
  EXPECT_EQ(w->jobs[0].submit_s, 0);
  EXPECT_EQ(w->jobs[1].submit_s, 100);
  EXPECT_EQ(w->origin_unix_s, 0);
}

TEST(CsvTrace, MissingOrMisnamedColumnIsAnError) {
  const std::string csv = "t,d,g\n500,10,4\n";
  auto misnamed = read_csv_trace_text(csv, "s.csv", map_of("submit=t,duration=dur,gpus=g"), TimeFormat::seconds);
  ASSERT_FALSE(misnamed);
  EXPECT_EQ(misnamed.error().file, "s.csv");
  EXPECT_EQ(misnamed.error().line, 1);
  EXPECT_THAT(misnamed.error().to_string(), HasSubstr("dur"));
  auto missing_field = read_csv_trace_text("t,d,g\n500,10\n", "s.csv", map_of("submit=t,duration=d,gpus=g"),
                                           TimeFormat::seconds);
  ASSERT_FALSE(missing_field);
  EXPECT_EQ(missing_field.error().line, 2);
  auto bad_time = read_csv_trace_text("t,d,g\nyesterday,10,4\n", "s.csv", map_of("submit=t,duration=d,gpus=g"),
                                      TimeFormat::iso8601);
  ASSERT_FALSE(bad_time);
  EXPECT_EQ(bad_time.error().line, 2);
  EXPECT_EQ(bad_time.error().column, 1);
  EXPECT_EQ(bad_time.error().field, "t");
  EXPECT_THAT(bad_time.error().message, HasSubstr("iso8601"));
  auto negative_gpus = read_csv_trace_text("t,d,g\n1,10,-1\n", "s.csv", map_of("submit=t,duration=d,gpus=g"),
                                           TimeFormat::seconds);
  ASSERT_FALSE(negative_gpus);
  EXPECT_EQ(negative_gpus.error().field, "g");
  // A row that requests no GPU (a CPU job) is skipped and counted, not an error.
  auto cpu_rows = read_csv_trace_text("t,d,g\n1,10,0\n2,10,1\n3,10,0.0\n", "s.csv", map_of("submit=t,duration=d,gpus=g"),
                                      TimeFormat::seconds);
  ASSERT_TRUE(cpu_rows) << cpu_rows.error().to_string();
  EXPECT_EQ(cpu_rows->jobs.size(), 1u);
  EXPECT_EQ(cpu_rows->rows_without_gpus, 2);
  auto end_before = read_csv_trace_text("t,e,g\n10,5,1\n", "s.csv", map_of("submit=t,end=e,gpus=g"),
                                        TimeFormat::seconds);
  ASSERT_FALSE(end_before);
  EXPECT_EQ(end_before.error().field, "e");
}

TEST(CsvTrace, MapArgumentErrors) {
  EXPECT_THAT(parse_csv_trace_map("submit=a,gpus=b", "--map").error().message, HasSubstr("one of duration"));
  EXPECT_THAT(parse_csv_trace_map("submit=a,duration=b,end=c,gpus=d", "--map").error().message,
              HasSubstr("one of duration"));
  EXPECT_THAT(parse_csv_trace_map("submit=a,duraton=b,gpus=c", "--map").error().message,
              HasSubstr("did you mean 'duration'?"));
  EXPECT_THAT(parse_csv_trace_map("submit=a,duration=b", "--map").error().message, HasSubstr("gpus"));
  EXPECT_THAT(parse_csv_trace_map("submit,duration=b,gpus=c", "--map").error().message, HasSubstr("FIELD=COLUMN"));
  EXPECT_TRUE(parse_csv_trace_map("submit=a,duration=b,gpus=c", "--map"));
  EXPECT_FALSE(parse_time_format("unix", "--time-format"));
  EXPECT_EQ(*parse_time_format("epoch", "--time-format"), TimeFormat::epoch);
}

}  // namespace
}  // namespace gpufleet
