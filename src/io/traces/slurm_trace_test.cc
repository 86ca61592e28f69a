#include <gtest/gtest.h>

#include "gpufleet/workload.h"

namespace gpufleet {
namespace {

constexpr const char* kHeader = "JobID|JobName|Account|Partition|Submit|Start|End|Elapsed|AllocTRES|ReqTRES|State\n";

TEST(SlurmTrace, ReadsJobsAndLeavesStepsPendingAndCpuJobsOut) {
  const std::string text = std::string(kHeader) +
      "4242|pretrain|research|gpu|2024-03-01T12:00:00|2024-03-01T12:05:00|2024-03-01T14:05:00|02:00:00|billing=64,cpu=64,gres/gpu=8,node=1|cpu=64,gres/gpu=8|COMPLETED\n"
      "4242.batch|batch|research||2024-03-01T12:05:00|2024-03-01T12:05:00|2024-03-01T14:05:00|02:00:00|cpu=64,gres/gpu=8,node=1||COMPLETED\n"
      "4243_7|sweep|prod|gpu|2024-03-01T12:10:00|2024-03-01T13:00:00|2024-03-03T13:00:30|2-00:00:30|cpu=8,gres/gpu:a100=2,gres/gpu:h100=2|cpu=8|FAILED\n"
      "4244|cpu-only|prod|cpu|2024-03-01T12:20:00|2024-03-01T12:21:00|2024-03-01T12:31:00|00:10:00|cpu=4,node=1|cpu=4|COMPLETED\n"
      "4245|waiting|prod|gpu|2024-03-01T12:30:00|Unknown|Unknown|00:00:00||cpu=8,gres/gpu=8|PENDING\n"
      "4246|cancelled|prod|gpu|2024-03-01T11:00:00|2024-03-01T11:30:00|2024-03-01T11:45:00|15:00||cpu=8,gres/gpu=4|CANCELLED by 1000\n";
  auto w = read_slurm_sacct_trace_text(text, "sacct.txt");
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 3u);
  EXPECT_EQ(w->rows_not_replayed, 3);  // the step, the CPU job, the pending one
  // Sorted by submit, the first at time 0: 11:00 (cancelled after 15 min on 4 GPUs, ReqTRES
  // since nothing was allocated), 12:00, 12:10.
  EXPECT_EQ(w->jobs[0].submit_s, 0);
  EXPECT_EQ(w->jobs[0].duration_s, 900);
  EXPECT_EQ(w->jobs[0].gpus, 4u);
  EXPECT_EQ(w->jobs[1].submit_s, 3600);
  EXPECT_EQ(w->jobs[1].duration_s, 7200);
  EXPECT_EQ(w->jobs[1].gpus, 8u);
  EXPECT_EQ(w->tenants[w->jobs[1].tenant], "research");
  EXPECT_EQ(w->jobs[2].duration_s, 2 * 86400 + 30);
  EXPECT_EQ(w->jobs[2].gpus, 4u) << "typed counts add up";
  EXPECT_EQ(w->tenants[w->jobs[2].tenant], "prod");
}

TEST(SlurmTrace, BadFieldsNameTheLineAndColumn) {
  auto bad_elapsed = read_slurm_sacct_trace_text(std::string(kHeader) +
      "1|a|r|gpu|2024-03-01T12:00:00|2024-03-01T12:05:00|2024-03-01T14:05:00|2:99:00|gres/gpu=8|gres/gpu=8|COMPLETED\n", "s.txt");
  ASSERT_FALSE(bad_elapsed);
  EXPECT_EQ(bad_elapsed.error().line, 2);
  EXPECT_EQ(bad_elapsed.error().field, "Elapsed");
  EXPECT_NE(bad_elapsed.error().message.find("[D-]HH:MM:SS"), std::string::npos);
  auto bad_tres = read_slurm_sacct_trace_text(std::string(kHeader) +
      "1|a|r|gpu|2024-03-01T12:00:00|2024-03-01T12:05:00|2024-03-01T14:05:00|02:00:00|gres/gpu=lots|gres/gpu=8|COMPLETED\n", "s.txt");
  ASSERT_FALSE(bad_tres);
  EXPECT_EQ(bad_tres.error().field, "AllocTRES");
  auto no_gpu_column = read_slurm_sacct_trace_text("JobID|Submit|Start|Elapsed|State\n1|2024-03-01T12:00:00|2024-03-01T12:00:00|01:00|COMPLETED\n", "s.txt");
  ASSERT_FALSE(no_gpu_column);
  EXPECT_NE(no_gpu_column.error().message.find("AllocTRES nor ReqTRES"), std::string::npos);
  auto nothing = read_slurm_sacct_trace_text(std::string(kHeader) +
      "1.0|a|r|gpu|2024-03-01T12:00:00|2024-03-01T12:05:00|2024-03-01T14:05:00|02:00:00|gres/gpu=8|gres/gpu=8|COMPLETED\n", "s.txt");
  ASSERT_FALSE(nothing);
  EXPECT_NE(nothing.error().message.find("no GPU job that ran"), std::string::npos) << nothing.error().to_string();
}

}  // namespace
}  // namespace gpufleet
