#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "gpufleet/workload.h"

namespace gpufleet {
namespace {

const std::string kSiaDir = std::string(GPUFLEET_SHARED_DATA) + "/philly/sia_workloads_philly";
const std::string kHeader = "name,time,application,num_replicas,batch_size\n";

TEST(SiaWorkload, EveryPhillyWorkloadFileLoads) {
  if (!std::filesystem::exists(kSiaDir)) GTEST_SKIP() << "shared data absent: " << kSiaDir;
  // Total num_replicas of each file, computed once with
  //   awk -F, 'NR>1 {g+=$4} END {print NR-1, g}' workload-N.csv
  const int total_gpus[8] = {1612, 1610, 1540, 1604, 1632, 1644, 1574, 1650};
  for (int n = 1; n <= 8; ++n) {
    const std::string path = kSiaDir + "/workload-" + std::to_string(n) + ".csv";
    auto w = read_sia_workload(path);
    ASSERT_TRUE(w) << w.error().to_string();
    ASSERT_EQ(w->jobs.size(), 160u) << path;
    ASSERT_EQ(w->names.size(), 160u) << path;
    int64_t gpus = 0;
    for (size_t i = 0; i < w->jobs.size(); ++i) {
      gpus += w->jobs[i].gpus;
      EXPECT_GT(w->jobs[i].duration_s, 0.0);
      EXPECT_EQ(w->jobs[i].id, i);
      if (i > 0) {
        EXPECT_LE(w->jobs[i - 1].submit_s, w->jobs[i].submit_s);
      }
    }
    EXPECT_EQ(gpus, total_gpus[n - 1]) << path;
  }
}

TEST(SiaWorkload, FirstRowOfWorkloadOne) {
  const std::string path = kSiaDir + "/workload-1.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  auto w = read_sia_workload(path);
  ASSERT_TRUE(w) << w.error().to_string();
  // Line 2: cifar10-0,107,cifar10,6,2048 (the earliest submit of the file).
  EXPECT_EQ(w->names[0], "cifar10-0");
  EXPECT_EQ(w->jobs[0].submit_s, 107.0);
  EXPECT_EQ(w->jobs[0].gpus, 6u);
  EXPECT_DOUBLE_EQ(w->jobs[0].duration_s, 0.5 * 3600 / 10 / 6);
}

TEST(SiaWorkload, DurationFollowsApplicationAndReplicas) {
  auto w = read_sia_workload_text(kHeader +
                                      "a,30,imagenet,12,1600\n"
                                      "b,10,yolov3,4,64\n"
                                      "c,20,bert,8,384\n"
                                      "d,20,ncf,1,64\n",
                                  "s.csv", {});
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_EQ(w->jobs.size(), 4u);
  // Sorted by time with names moved along (ties keep file order).
  EXPECT_EQ(w->names[0], "b");
  EXPECT_EQ(w->names[1], "c");
  EXPECT_EQ(w->names[2], "d");
  EXPECT_EQ(w->names[3], "a");
  // Reference work (T4 GPU-hours) x 3600 / 10 (T4s per reference GPU) / replicas.
  EXPECT_DOUBLE_EQ(w->jobs[0].duration_s, 30.0 * 360 / 4);
  EXPECT_DOUBLE_EQ(w->jobs[1].duration_s, 3.0 * 360 / 8);
  EXPECT_DOUBLE_EQ(w->jobs[2].duration_s, 0.5 * 360 / 1);
  EXPECT_DOUBLE_EQ(w->jobs[3].duration_s, 300.0 * 360 / 12);
  EXPECT_EQ(w->jobs[3].gpus, 12u);
}

TEST(SiaWorkload, UnknownApplicationNamesTheKnownOnes) {
  auto w = read_sia_workload_text(kHeader + "x-0,5,cifar10,6,2048\nx-1,9,gpt5,6,2048\n", "s.csv", {});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().line, 3);
  EXPECT_EQ(w.error().column, 7);
  EXPECT_EQ(w.error().field, "application");
  EXPECT_NE(w.error().message.find("'gpt5'"), std::string::npos);
  EXPECT_NE(w.error().message.find("bert, cifar10, deepspeech2, imagenet, ncf, yolov3"),
            std::string::npos)
      << w.error().message;
}

TEST(SiaWorkload, MalformedRowsAndSkipping) {
  const std::string body =
      "a,5,cifar10,6,2048\n"
      "b,-1,cifar10,6,2048\n"
      "c,7,cifar10,zero,2048\n"
      "d,8,cifar10,6\n"
      "e,9,bert,8,384\n";
  auto strict = read_sia_workload_text(kHeader + body, "s.csv", {});
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().line, 3);
  EXPECT_EQ(strict.error().column, 3);
  EXPECT_EQ(strict.error().field, "time");

  TraceReadOptions skip;
  skip.skip_bad_rows = true;
  auto lenient = read_sia_workload_text(kHeader + body, "s.csv", skip);
  ASSERT_TRUE(lenient) << lenient.error().to_string();
  EXPECT_EQ(lenient->jobs.size(), 2u);
  EXPECT_EQ(lenient->rows_skipped, 3);
  EXPECT_EQ(lenient->names[1], "e");
  EXPECT_EQ(lenient->first_skipped.rfind("s.csv:3:3: time: ", 0), 0u) << lenient->first_skipped;
}

TEST(SiaWorkload, EmptyHeaderOnlyAndMissingFile) {
  EXPECT_FALSE(read_sia_workload_text("", "s.csv", {}));
  auto header_only = read_sia_workload_text(kHeader, "s.csv", {});
  ASSERT_FALSE(header_only);
  EXPECT_NE(header_only.error().message.find("no job rows"), std::string::npos);
  auto missing = read_sia_workload("/nonexistent/workload-9.csv");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().file, "/nonexistent/workload-9.csv");
}

}  // namespace
}  // namespace gpufleet
